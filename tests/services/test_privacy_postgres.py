"""Erase with the PostgreSQL search backend: the case's search entry is rewritten without the
person's words, and the typo vocabulary (search_word) forgets the words no other complaint
uses, while a word another complaint still uses stays."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from helpdesk import search
from helpdesk.domain.inbox import InboxQuery
from helpdesk.extensions import db
from helpdesk.models.search import SearchWord
from helpdesk.services.audit_trail import verify_complaint
from helpdesk.services.privacy import erase_person
from tests.services.audit_support import new_complaint
from tests.services.privacy_support import EMAIL, LATER, TRACES, postgres_rows_text, whole_case


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"SEARCH_BACKEND": "postgres", "SEARCH_INDEX_INLINE": True}


def vocabulary() -> set[str]:
    return set(db.session.scalars(select(SearchWord.word)))


def test_erase_forgets_the_words_in_the_index_and_its_vocabulary(pg_app: Flask) -> None:
    case = whole_case()
    bram = new_complaint(name="Bram Baksteen")  # "The e-book I bought will not open…"
    assert {"quaxelbaum", "kumquatfiasco", "gloomhollow", "lamp"} <= vocabulary()
    assert search.search_inbox(InboxQuery(text="Quaxelbaum")).complaint_ids == [case.complaint.id]

    assert len(erase_person(EMAIL, now=LATER).erased) == 1

    words = vocabulary()
    assert not {"quaxelbaum", "kumquatfiasco", "gloomhollow", "brambleworth"} & words
    assert {"baksteen", "book", "open"} <= words  # Bram's words stay
    for word in ("Quaxelbaum", "kumquatfiasco", "gloomhollow", "Quaxelbaun"):  # a typo too
        assert search.search_inbox(InboxQuery(text=word)).complaint_ids == [], word
    assert search.search_inbox(InboxQuery(text="Baksteen")).complaint_ids == [bram.id]
    rows = postgres_rows_text()
    for trace in TRACES:
        assert trace.lower() not in rows.lower(), trace
    assert verify_complaint(case.complaint) == []
