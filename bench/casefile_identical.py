"""Check that documents.fast prints what stock WeasyPrint prints, byte for byte, on bench cases.

    .venv/bin/python bench/casefile_identical.py [--cases 300] [--offset 0] [--internal]

The oldest cases of `make bench`'s data set (read only), every case file printed by stock
WeasyPrint (the library patches off), then all of them again with the speed-ups, in turn
in one process so the memos carry over from case to case as in an export's worker; each
pair must be equal. (The speed-ups' streams are deflated at pydyf's own level 9 here, so
the bytes can be compared; tests/documents/test_fast_render.py checks level 6.)
Exits non-zero naming the first case that differs.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from casefile_profile import _app  # noqa: E402

#: The moment every case file says it was made (so two prints can be compared).
NOW = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)


def main(argv: list[str] | None = None) -> int:
    """Print each case both ways; 0 when all are the same."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--offset", type=int, default=0)
    parser.add_argument("--internal", action="store_true")
    args = parser.parse_args(argv)
    app = _app(True)
    from sqlalchemy import select

    from helpdesk.documents.casefile import case_file_source, warm_up
    from helpdesk.documents.fast import serialise

    serialise.ZLIB_LEVEL = 9  # pydyf's own, so the bytes can be compared
    from helpdesk.extensions import db
    from helpdesk.models import Complaint
    from helpdesk.services.casefile import load_case_file

    with app.app_context():
        query = select(Complaint.reference).order_by(Complaint.received_at, Complaint.id)
        references = list(db.session.scalars(query.offset(args.offset).limit(args.cases)))
        warm_up()
        sources = []
        for reference in references:
            case = load_case_file(reference, internal=args.internal, now=NOW)
            assert case is not None
            sources.append(case_file_source(case))
        app.config["LIBRARY_PATCHES"] = False
        stock = [hashlib.sha256(source.pdf()).digest() for source in sources]
        app.config["LIBRARY_PATCHES"] = True
        for number, (source, expected) in enumerate(zip(sources, stock, strict=True), 1):
            if hashlib.sha256(source.pdf()).digest() != expected:
                print(f"case {number} ({references[number - 1]}) differs", file=sys.stderr)
                return 1
    print(f"{len(references)} case files the same byte for byte", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
