"""The words people read for statuses, categories and outcome kinds, in both languages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from babel import Locale
from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp

CATEGORIES = {
    "digital": _l("Digital downloads (file access, download errors)"),
    "physical": _l("Physical products (damage, wrong item, delivery)"),
    "billing": _l("Billing or payment"),
    "account": _l("Account or login"),
    "website": _l("Website functionality or accessibility"),
    "other": _l("Something else about our services"),
}

CATEGORY_SHORT = {
    "digital": _l("Digital download"),
    "physical": _l("Physical product"),
    "billing": _l("Billing"),
    "account": _l("Account"),
    "website": _l("Website"),
    "other": _l("Other"),
}


@dataclass(frozen=True)
class StatusWords:
    """A status as the customer reads it and as staff read it."""

    customer: LazyString
    staff: LazyString


#: PRODUCT.md's table "Words people read": the customer's words and, beside them, the staff's
#: words for the same status. The staff's words carry the context "staff" in the catalogue,
#: as one English word may be two Dutch ones ("Acknowledged": "Ontvangst bevestigd" for the
#: customer, "Bevestigd" for staff).
STATUS_WORDS = {
    "received": StatusWords(_l("Received"), _lp("staff", "Received")),
    "acknowledged": StatusWords(_l("Acknowledged"), _lp("staff", "Acknowledged")),
    "assessing": StatusWords(_l("Being assessed"), _lp("staff", "Assessing")),
    "awaiting_customer": StatusWords(
        _l("Waiting for your information"), _lp("staff", "Awaiting customer")
    ),
    "resolved": StatusWords(_l("Resolved"), _lp("staff", "Resolved")),
    "review_requested": StatusWords(_l("Review requested"), _lp("staff", "Review requested")),
    "final": StatusWords(_l("Final response"), _lp("staff", "Final response sent")),
    "closed": StatusWords(_l("Closed"), _lp("staff", "Closed")),
}
#: The customer's words per status (pages, emails and the case file a customer reads).
STATUSES = {key: words.customer for key, words in STATUS_WORDS.items()}
#: The staff's words per status (inbox filters and rows, badges, the case page, audit trail).
STAFF_STATUSES = {key: words.staff for key, words in STATUS_WORDS.items()}

OUTCOMES = {
    "replacement_file": _l("Replacement file"),
    "replacement_product": _l("Replacement product"),
    "refund": _l("Refund"),
    "technical_assistance": _l("Technical assistance"),
    "correction": _l("Clarification or correction"),
}

#: The root causes the list starts with (migration 0009); managers may rename them (their
#: own names are then shown instead) and add others, which have only their own names.
ROOT_CAUSES = {
    "carrier_damage": _l("Carrier damage"),
    "packing": _l("Packing"),
    "wrong_item": _l("Wrong item picked"),
    "download_server": _l("Download server"),
    "payment_provider": _l("Payment provider"),
    "unclear_product_page": _l("Unclear product page"),
    "customer_error": _l("Customer error"),
    "other": _l("Other"),
}

#: The complaint form's "Preferred solution" choices (domain.outcomes.PREFERRED_SOLUTIONS).
PREFERRED_SOLUTIONS = {**OUTCOMES, "not_sure": _l("Not sure")}
_NOT_STATED = {"": _l("not stated")}


#: Words already looked up: (language, table, key) -> text. The tables and catalogues never
#: change while the process runs, so each word is translated once per language.
_WORDS: dict[tuple[Locale | None, int, str], str] = {}


def _word(table: Mapping[str, Any], key: str) -> str:
    """`table[key]` in the current language (the key itself when the table lacks it)."""
    if key not in table:
        return str(key)
    cache_key = (get_locale(), id(table), key)
    word = _WORDS.get(cache_key)
    if word is None:
        word = _WORDS[cache_key] = str(table[key])
    return word


#: Whole tables already looked up: (language, table) -> {key: text}.
_TABLES: dict[tuple[Locale | None, int], dict[str, str]] = {}


def table_words(table: Mapping[str, Any]) -> dict[str, str]:
    """Every word of `table` in the current language, made once per language (the inbox's
    status and category words); the caller reads it only."""
    cache_key = (get_locale(), id(table))
    words = _TABLES.get(cache_key)
    if words is None:
        words = _TABLES[cache_key] = {key: str(text) for key, text in table.items()}
    return words


def status_label(status: str) -> str:
    """The customer-facing word for a status."""
    return _word(STATUSES, status)


def staff_status_label(status: str) -> str:
    """The staff's word for a status ("Awaiting customer" where the customer reads "Waiting
    for your information")."""
    return _word(STAFF_STATUSES, status)


def category_label(category: str, *, short: bool = False) -> str:
    """The words for a category key."""
    return _word(CATEGORY_SHORT if short else CATEGORIES, category)


def outcome_label(kind: str) -> str:
    """The words for an outcome kind."""
    return _word(OUTCOMES, kind)


def root_cause_label(key: str, name: str | None = None, name_nl: str | None = None) -> str:
    """The words for a root cause in the page's language: a manager's own name in it (`name`
    English, `name_nl` Dutch), else the seeded entry's translated words, else (an entry added
    with an English name only) its English name."""
    locale = get_locale()
    if locale is not None and locale.language == "nl":
        if name_nl:
            return name_nl
        if key in ROOT_CAUSES:
            return _word(ROOT_CAUSES, key)
    return name or _word(ROOT_CAUSES, key)


def preferred_solution_label(key: str | None) -> str:
    """The words for the remedy a customer asked for; "not stated" when they did not say."""
    if not key:
        return _word(_NOT_STATED, "")
    return _word(PREFERRED_SOLUTIONS, key)


#: What each audit event means (staff case page, case file).
AUDIT_ACTIONS = {
    "submitted": _l("Complaint submitted"),
    "status_changed": _l("Status changed"),
    "assigned": _l("Assigned"),
    "category_changed": _l("Category changed"),
    "reply_sent": _l("Reply sent"),
    "information_requested": _l("Information requested"),
    "note_added": _l("Internal note added"),
    "customer_message": _l("Customer wrote"),
    "outcome_sent": _l("Outcome sent"),
    "review_requested": _l("Review requested"),
    "final_response_sent": _l("Final response sent"),
    "referred_to_mediation": _l("Referred to mediation"),
    "referral_updated": _l("Referral corrected"),
    "referral_reply_recorded": _l("Reply to the dispute body recorded"),
    "referral_decision_recorded": _l("Decision of the dispute body recorded"),
    "referral_compliance_recorded": _l("Compliance with the decision recorded"),
    "rated": _l("Customer rated the resolution"),
    "corrective_action_recorded": _l("Corrective action recorded for this complaint"),
    "corrective_action_done": _l("Corrective action done"),
    "corrective_action_checked": _l("Corrective action checked"),
    "acknowledgement_withheld": _l("Acknowledgement email withheld (too many for this address)"),
    "email_retried": _l("Failed email queued again"),
    "personal_data_exported": _l("Personal data exported (privacy request)"),
    "personal_data_erased": _l("Personal data erased"),
    "legal_hold_set": _l("Legal hold set"),
    "legal_hold_released": _l("Legal hold lifted"),
}

#: The kinds of message in a thread (staff case page, case file).
MESSAGE_KINDS = {
    "message": _l("Customer message"),
    "reply": _l("Reply"),
    "info_request": _l("Information request"),
    "note": _l("Internal note"),
    "outcome": _l("Outcome"),
    "final_response": _l("Final response"),
    "review_request": _l("Review request"),
}


#: The kinds of email in the outbox (staff case page, "Emails" panel).
EMAIL_KINDS = {
    "acknowledgement": _l("Acknowledgement"),
    "info_request": _l("Information request"),
    "reply": _l("Reply"),
    "outcome": _l("Outcome"),
    "final_response": _l("Final response"),
    "review_received": _l("Review request received"),
}


def email_kind_label(kind: str) -> str:
    """The words for an outbox email's kind ("Acknowledgement"); unknown ones spelled out."""
    if kind not in EMAIL_KINDS:
        return kind.replace("_", " ").capitalize()
    return _word(EMAIL_KINDS, kind)


def action_label(action: str) -> str:
    """The words for an audit event's action ("Reply sent"); unknown ones spelled out."""
    if action not in AUDIT_ACTIONS:
        return action.replace("_", " ").capitalize()
    return _word(AUDIT_ACTIONS, action)


def message_kind_label(kind: str) -> str:
    """The words for a kind of message ("Information request")."""
    return _word(MESSAGE_KINDS, kind)
