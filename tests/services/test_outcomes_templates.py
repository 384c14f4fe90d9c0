"""services.templates: defaults written once, managers edit with a version check, preview."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from helpdesk.domain.outcome_texts import DEFAULT_TEXTS
from helpdesk.domain.outcomes import OutcomeKind
from helpdesk.extensions import db
from helpdesk.models import OutcomeTemplate
from helpdesk.services.outcome_errors import NotAllowed
from helpdesk.services.templates import (
    StaleTemplate,
    TemplateEdit,
    TemplateInvalid,
    ensure_default_templates,
    get_template,
    list_templates,
    prefill_text,
    preview_text,
    update_template,
)
from tests.services.outcomes_support import fast_staff, new_complaint

NEW_TEXT = "Dear {name}, about {reference}: we refund {amount}. The {shop} team"


def test_reading_shows_the_defaults_without_writing(app: Flask) -> None:
    rows = list_templates()
    assert [(t.kind, t.language) for t in rows[:3]] == [
        ("replacement_file", "en"),
        ("replacement_file", "nl"),
        ("replacement_product", "en"),
    ]
    assert len(rows) == 10 and all(t.version == 0 for t in rows)
    assert get_template(OutcomeKind.REFUND, "nl").body == DEFAULT_TEXTS[(OutcomeKind.REFUND, "nl")]
    # A language the shop does not offer falls back to English.
    assert get_template(OutcomeKind.REFUND, "de").language == "en"
    assert db.session.scalar(select(func.count()).select_from(OutcomeTemplate)) == 0


def test_defaults_are_written_once(app: Flask) -> None:
    assert ensure_default_templates() == 10
    assert ensure_default_templates() == 0
    assert db.session.scalar(select(func.count()).select_from(OutcomeTemplate)) == 10
    assert get_template(OutcomeKind.REFUND, "en").version == 1


def test_a_manager_edits_a_template(app: Flask) -> None:
    manager = fast_staff("manager")
    template = get_template(OutcomeKind.REFUND, "en")
    saved = update_template(
        OutcomeKind.REFUND, "en", TemplateEdit(NEW_TEXT + "\r\n", template.version), staff=manager
    )
    assert saved.body == NEW_TEXT and saved.updated_by_id == manager.id and saved.version == 1
    again = update_template(
        OutcomeKind.REFUND, "en", TemplateEdit(NEW_TEXT + "!", 1), staff=manager
    )
    assert again.version == 2 and again.body == NEW_TEXT + "!"
    complaint = new_complaint()
    assert prefill_text(OutcomeKind.REFUND, complaint).startswith(
        f"Dear Anna de Boer, about {complaint.display_reference}: we refund {{amount}}."
    )


def test_a_stale_edit_is_refused(app: Flask) -> None:
    first, second = fast_staff("manager"), fast_staff("manager")
    seen = get_template(OutcomeKind.REFUND, "en").version
    update_template(OutcomeKind.REFUND, "en", TemplateEdit(NEW_TEXT, seen), staff=first)
    with pytest.raises(StaleTemplate):
        update_template(
            OutcomeKind.REFUND, "en", TemplateEdit("Other text {name}", seen), staff=second
        )
    assert get_template(OutcomeKind.REFUND, "en").body == NEW_TEXT


def test_agents_cannot_edit_templates(app: Flask) -> None:
    agent = fast_staff("agent")
    seen = get_template(OutcomeKind.REFUND, "en").version
    with pytest.raises(NotAllowed):
        update_template(OutcomeKind.REFUND, "en", TemplateEdit(NEW_TEXT, seen), staff=agent)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "at least 10 characters"),
        ("Hi {name}, you get {refund_amount}.", "Unknown placeholder: {refund_amount}"),
        ("x" * 20_001, "at most 20000 characters"),
    ],
)
def test_bad_texts_are_refused(app: Flask, body: str, message: str) -> None:
    manager = fast_staff("manager")
    template = get_template(OutcomeKind.REFUND, "en")
    with pytest.raises(TemplateInvalid, match=message.replace("{", r"\{").replace("}", r"\}")):
        update_template(
            OutcomeKind.REFUND, "en", TemplateEdit(body, template.version), staff=manager
        )
    assert get_template(OutcomeKind.REFUND, "en").version == 0


def test_preview_fills_sample_values(app: Flask) -> None:
    text = preview_text("Hi {name}: {amount} via {carrier}. {download_link_note} {oops}", "en")
    assert text.startswith("Hi Jamie de Vries: € 24,95 via PostNL. You can download it")
    assert text.endswith("{oops}")
    assert "14 days" in text
