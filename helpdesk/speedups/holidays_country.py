"""The shop's one holiday country loaded without the holidays package's other 250.

`holidays.country_holidays("NL")` imports `holidays.countries.netherlands`, and Python first
runs the package `holidays/countries/__init__.py`, which imports every country module: about
8 MB of each worker's memory for one country's calendar (docs/performance.md, thirteenth
session). Python's import system takes a module it finds in `sys.modules` under its full name
without importing its package, so the country's own module is loaded here under that name
first; the package's stock lookup (`country_holidays`, `getattr(holidays, "NL")`) then finds
it there. The dates are the package's own: the same module runs.

Only a module that imports no sibling country (most do not; the Isle of Man's, say, imports
the United Kingdom's) is loaded this way; anything else is left to the stock import.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path

log = logging.getLogger(__name__)

_PACKAGE = "holidays.countries"


def _module_of(code: str) -> str | None:
    """The countries module that holds `code` (an alpha-2 or alpha-3 code or a class name)."""
    from holidays.registry import COUNTRIES

    return next((module for module, names in COUNTRIES.items() if code in names), None)


def preload(code: str) -> bool:
    """Load the country's module on its own; False when left to the stock import (unknown
    code, the package already imported, a module that imports a sibling, or any error)."""
    module = _module_of(code)
    if module is None or _PACKAGE in sys.modules:
        return False
    name = f"{_PACKAGE}.{module}"
    if name in sys.modules:
        return True
    import holidays

    path = Path(holidays.__file__).parent / "countries" / f"{module}.py"
    try:
        if _PACKAGE in path.read_text(encoding="utf-8"):
            return False  # it imports another country: that would run the package after all
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            return False
        loaded = importlib.util.module_from_spec(spec)
        sys.modules[name] = loaded
        spec.loader.exec_module(loaded)
    except Exception:  # a speed-up only: the stock import still works
        sys.modules.pop(name, None)
        log.warning("holiday country %s left to the stock import", code, exc_info=True)
        return False
    return True
