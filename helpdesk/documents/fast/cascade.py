"""The CSS cascade of a case file (WeasyPrint's StyleFor): work in progress, nothing patched yet."""

from __future__ import annotations


def install() -> None:
    """Nothing to patch yet."""


def uninstall() -> None:
    """Nothing to put back yet."""


def installed() -> bool:
    """True: nothing to install yet."""
    return True
