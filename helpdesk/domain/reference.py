"""Reference codes: 12 Crockford base32 characters from `secrets`, shown as XXXX-XXXX-XXXX."""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
# Crockford's decoding rules: O reads as 0, I and L read as 1; U is never used.
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_IGNORED = str.maketrans("", "", "-_ .\t")


def generate_reference() -> str:
    """Return a fresh random code in canonical form (12 characters, no dashes); 60 bits."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_reference(typed: str) -> str | None:
    """Canonical form of what a person typed, or None when it cannot be a reference code."""
    if not isinstance(typed, str) or len(typed) > 64:
        return None
    code = typed.upper().translate(_IGNORED).translate(_CONFUSABLE)
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def format_reference(code: str) -> str:
    """Display form: XXXX-XXXX-XXXX."""
    return f"{code[0:4]}-{code[4:8]}-{code[8:12]}"


def is_reference(typed: str) -> bool:
    """True when the text reads as a reference code."""
    return normalise_reference(typed) is not None
