"""speedups.holidays_country: the shop's holiday country is loaded without the holidays
package's other countries, and gives the package's own dates. Each probe is a fresh
interpreter: the test process may have imported every country already."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys
from helpdesk.speedups.holidays_country import preload
took = preload(sys.argv[1]) if sys.argv[2] == "1" else None
import holidays
kinds = tuple(sys.argv[3].split(","))
days = holidays.country_holidays(sys.argv[1], years=[2025, 2026, 2027], categories=kinds)
print(json.dumps({
    "took": took,
    "days": sorted((d.isoformat(), name) for d, name in days.items()),
    "countries": sorted(m for m in sys.modules if m.startswith("holidays.countries.")),
    "package": "holidays.countries" in sys.modules,
}))
"""


def probe(code: str, fast: bool, categories: str = "public") -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, code, "1" if fast else "0", categories],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    found: dict[str, object] = json.loads(done.stdout)
    return found


@pytest.mark.parametrize(
    ("code", "categories"), [("NL", "public,optional"), ("BE", "public"), ("DEU", "public")]
)
def test_one_country_is_loaded_alone_with_the_package_s_own_dates(
    code: str, categories: str
) -> None:
    fast, stock = probe(code, True, categories), probe(code, False, categories)
    assert fast["took"] is True
    assert fast["days"] == stock["days"] and fast["days"]
    assert len(fast["countries"]) == 1 and fast["package"] is False  # type: ignore[arg-type]
    assert len(stock["countries"]) > 200 and stock["package"] is True  # type: ignore[arg-type]


def test_a_country_that_imports_another_is_left_to_the_stock_import() -> None:
    """The Isle of Man's module imports the United Kingdom's: loading it alone would run the
    package's __init__ half-way through, so it is not tried."""
    fast, stock = probe("IM", True), probe("IM", False)
    assert fast["took"] is False
    assert fast["days"] == stock["days"] and fast["days"]


def test_an_unknown_code_is_left_alone() -> None:
    from helpdesk.speedups.holidays_country import preload

    assert preload("XX") is False
