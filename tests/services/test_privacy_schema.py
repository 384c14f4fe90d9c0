"""Every table that belongs to a case is classified for erasure (domain.retention), and the
text columns an erasure empties are exactly the ones listed here: a table or a column added
later fails this test until someone decides whether it is personal (an unlisted column is
emptied by erase, so the safe side is the default, but a code the reports read would be lost)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import JSON, String

from helpdesk.domain.retention import DELETE_ROWS, KEEP_JSON, KEEP_TEXT, OTHER_ROWS
from helpdesk.extensions import db

#: What erase empties (text) or reduces (JSON), per table of a case's rows.
ERASED = {
    "complaint": {"submission_token", "name", "email", "email_normalized", "order_number",
                  "description", "review_reason", "legal_hold"},
    "message": {"body", "email_message_id"},
    "outcome": {"body", "data", "root_cause_note"},
    "rating": {"comment"},
    "referral": {"body_reference", "note", "decision_note"},
    "corrective_action_complaint": set(),
}  # fmt: skip


def case_tables() -> dict[str, object]:
    return {
        name: table
        for name, table in db.metadata.tables.items()
        if name == "complaint" or "complaint_id" in table.c
    }


def test_every_table_of_a_case_is_classified(app: Flask) -> None:
    unclassified = set(case_tables()) - set(KEEP_TEXT) - DELETE_ROWS - OTHER_ROWS
    assert unclassified == set(), "classify these tables in domain.retention"


def test_erase_empties_exactly_the_listed_columns(app: Flask) -> None:
    for name in KEEP_TEXT:
        table = db.metadata.tables.get(name)
        if table is None:
            continue
        erased = {
            column.name
            for column in table.columns
            if isinstance(column.type, String | JSON)
            and not column.primary_key
            and not column.foreign_keys
            and column.name not in KEEP_TEXT[name]
        }
        assert erased == ERASED[name], name
        for table_name, column in KEEP_JSON:
            assert column in ERASED[table_name]
