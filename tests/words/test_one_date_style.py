"""Dates are written one way: every template and module goes through helpdesk/words/dates.py.

A grep over templates/ and helpdesk/: a template may write a date only with the filters
`day`, `day_time`, `short_day` and `moment` (and the machine-readable ISO form inside a
`datetime="..."` attribute); a module may not call Babel's or Flask-Babel's date formatting,
nor strftime, except the machine formats listed in MACHINE_FORMATS with their reason.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATES_MODULE = ROOT / "helpdesk" / "words" / "dates.py"

#: What writes a date in a template other than the filters of words.dates.
TEMPLATE_FORBIDDEN = re.compile(
    r"strftime|format_date|format_datetime|format_time|datetimeformat|dateformat"
    r"|local_datetime|long_date|\|\s*date\b|isoformat\(|\.day\b|\.month\b|\.year\b"
)
#: The ISO form for machines, allowed inside <time datetime="..."> and data attributes.
ISO_ATTRIBUTE = re.compile(r'(datetime|data-[\w-]+)="\{\{ [\w.]+\.isoformat\(\) \}\}"')

#: What writes a date in a module other than words.dates.
MODULE_FORBIDDEN = re.compile(
    r"babel\.dates|from babel import dates|from babel\.dates"
    r"|\bformat_(date|datetime|time|skeleton|interval|timedelta)\b|strftime\("
)
#: Machine formats that are no words for people: (module, text on the line) -> why.
MACHINE_FORMATS = {
    ("helpdesk/mail/sender.py", "format_datetime"): "the RFC 5322 Date header of an email",
    ("helpdesk/mail/cli.py", "strftime('%H:%M:%S')"): "a log line of `mail send --loop`",
    ("helpdesk/search/whoosh/search.py", 'strftime("%Y%m%d")'): "a due date as an index key",
    ("helpdesk/search/whoosh/schema.py", 'strftime("%Y%m%d")'): "a due date as an index key",
    ("helpdesk/search/whoosh/store.py", 'strftime("%Y%m%dT%H%M%S")'): "an index folder's name",
    ("helpdesk/commands/backup.py", 'strftime("%Y-%m-%dT%H:%M:%S%z")'): "ISO 8601 in a manifest",
    ("helpdesk/commands/staff.py", 'strftime("%Y-%m-%d %H:%M UTC")'): "ISO for operators",
}


def template_problems(path: Path, text: str) -> list[str]:
    """Lines of a template that write a date other than through the filters."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if TEMPLATE_FORBIDDEN.search(ISO_ATTRIBUTE.sub("", line)):
            problems.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return problems


def module_problems(path: Path, text: str) -> list[str]:
    """Lines of a module that format a date other than through words.dates."""
    relative = str(path.relative_to(ROOT))
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not MODULE_FORBIDDEN.search(line):
            continue
        if any(relative == where and what in line for where, what in MACHINE_FORMATS):
            continue
        problems.append(f"{relative}:{number}: {line.strip()}")
    return problems


def test_templates_write_dates_only_through_the_date_filters() -> None:
    paths = sorted(p for p in (ROOT / "templates").rglob("*") if p.suffix in {".html", ".txt"})
    assert len(paths) > 40
    problems = [line for p in paths for line in template_problems(p, p.read_text("utf-8"))]
    assert problems == []


def test_modules_write_dates_only_through_words_dates() -> None:
    paths = sorted(p for p in (ROOT / "helpdesk").rglob("*.py") if p != DATES_MODULE)
    problems = [line for p in paths for line in module_problems(p, p.read_text("utf-8"))]
    assert problems == []


def test_every_machine_format_listed_is_still_there() -> None:
    """A listed exception that went away is taken off the list (so it cannot hide a new one)."""
    for where, what in MACHINE_FORMATS:
        assert what in (ROOT / where).read_text("utf-8"), (where, what)


def test_the_checks_find_the_ways_dates_were_written_before() -> None:
    """The checks catch what the pages used to do (so a pass means something)."""
    page = ROOT / "templates" / "staff" / "example.html"
    bad_lines = [
        '{{ event.at|local_datetime("short") }}',
        "{{ complaint.response_due_on|long_date }}",
        "{{ complaint.received_at.strftime('%d-%m-%Y') }}",
        "{{ day.isoformat() }}",
        "{{ format_datetime(message.created_at) }}",
    ]
    for line in bad_lines:
        assert template_problems(page, line), line
    fine = '<time datetime="{{ event.at.isoformat() }}">{{ event.at|moment }}</time>'
    assert template_problems(page, fine) == []
    module = ROOT / "helpdesk" / "services" / "example.py"
    for line in [
        "from flask_babel import format_datetime",
        "from babel.dates import format_date",
        "text = moment.strftime('%d %b %Y')",
    ]:
        assert module_problems(module, line), line
