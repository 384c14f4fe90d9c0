"""Reference codes in subject lines: found in what customers send, kept in what we send."""

from __future__ import annotations

import re

from ..domain.reference import format_reference, normalise_reference

# Three groups of four letters or digits, optionally separated the way people type them
# ("ABCD-EFGH-JKMN", "abcd efgh jkmn", "ABCDEFGHJKMN"); normalise_reference decides the rest.
_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z])([0-9A-Za-z]{4}[-_ .]?[0-9A-Za-z]{4}[-_ .]?[0-9A-Za-z]{4})(?![0-9A-Za-z])"
)
#: At most this many codes are looked up per subject (a subject is short; this bounds queries).
MAX_CANDIDATES = 5


_MARKED = re.compile(r"\bref(?:erence)?\W{0,3}" + _CANDIDATE.pattern, re.I)


def find_references(text: str) -> list[str]:
    """Canonical reference codes found in `text`, without repeats: "Ref …" ones first.

    Ordinary words can look like codes ("have received" reads as HAVERECE1VED), which is
    harmless (a code only counts with the complaint's address too) but they come last.
    """
    found: list[str] = []
    for pattern in (_MARKED, _CANDIDATE):
        for match in pattern.finditer(text or ""):
            code = normalise_reference(match.group(1))
            if code and code not in found:
                found.append(code)
            if len(found) >= MAX_CANDIDATES:
                return found
    return found


def subject_with_reference(subject: str, reference: str) -> str:
    """`subject` with "[Ref XXXX-XXXX-XXXX]" appended unless it already carries the code."""
    if reference in find_references(subject):
        return subject
    return f"{subject} [Ref {format_reference(reference)}]".strip()
