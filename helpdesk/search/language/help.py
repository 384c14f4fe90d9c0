"""The words staff read about search: the help popover text and the hints under the results."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .nodes import Hint
from .terms import FIELDS

#: The help popover (plain text; the template escapes it). docs/search.md says the same.
HELP = _l(
    "Type words to find complaints that contain all of them, in any message, note or "
    "outcome; English and Dutch word forms match (refunds finds refund, pakketten finds "
    "pakket).\n"
    '"exact phrase" finds words in this order.\n'
    "OR finds either word; NOT word or -word leaves a word out; (brackets) group.\n"
    "refun* finds words that start with refun. refnd~ forgives one typo: a wrong, missing, "
    "extra or swapped letter (~2: two).\n"
    "When nothing matches, similar words are tried by themselves.\n"
    "Filters: category:billing, status:open (or a status such as awaiting_customer; "
    "commas for several: status:resolved,final), ref:ABCD-EFGH-JKMN (any typing), "
    "order:NL-2026-004512, email:jan@example.nl (or email:jan*), "
    "after:2026-02-28 and before:2026-04-01 (received after / before that day).\n"
    "A whole reference code or an order number puts that complaint first."
)


def hint_text(hints: tuple[Hint, ...] | list[Hint]) -> str | None:
    """One sentence per hint, in the page's language; None when there is nothing to say."""
    lines = [_message(h) for h in hints]
    text = " ".join(line for line in lines if line)
    return text or None


def _message(hint: Hint) -> str:
    code, value = hint.code, hint.value
    fields = ", ".join(f"{name}:" for name in FIELDS)
    messages = {
        "unclosed_quote": _("A quote mark was not closed: the phrase runs to the end."),
        "unbalanced": _("Brackets did not match, so some were ignored."),
        "unknown_field": _(
            "There is no field “%(name)s:”, so its words were searched instead (fields: "
            "%(fields)s).",
            name=value,
            fields=fields,
        ),
        "empty_field": _(
            "“%(name)s:” needs a value, for example %(example)s.",
            name=value,
            example=_EXAMPLES.get(value, ""),
        ),
        "bad_category": _("There is no category “%(value)s”.", value=value),
        "bad_status": _("There is no status “%(value)s”.", value=value),
        "bad_ref": _("“%(value)s” is not a reference code (like ABCD-EFGH-JKMN).", value=value),
        "bad_date": _("“%(name)s:” needs a date like 2026-03-31.", name=value),
        "short_prefix": _("Type at least 2 letters before *."),
        "long_word": _("Words longer than %(n)s letters were left out.", n=value),
        "too_long": _("Only the first %(n)s characters were searched.", n=value),
        "too_many": _("Only the first 32 words and filters were used."),
        "nothing": _("There was nothing to search for, so all complaints are shown."),
        "typos": _("Nothing matched exactly; these results allow for typos."),
    }
    return str(messages.get(code, ""))


_EXAMPLES = {
    "category": "category:billing",
    "status": "status:open",
    "ref": "ref:ABCD-EFGH-JKMN",
    "order": "order:NL-2026-004512",
    "email": "email:jan@example.nl",
    "before": "before:2026-04-01",
    "after": "after:2026-02-28",
}
