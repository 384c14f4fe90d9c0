"""The default text of a final response per outcome kind and language: it says that it follows
the customer's review ("After reviewing …" / "Na beoordeling …") instead of repeating the
first outcome's letter as if it were new.

Only a default: the reviewing manager edits it before sending, like any outcome text. It is
never stored, so the outcome templates a shop has edited (domain.outcome_texts, the
outcome_template table) are left as they are. The placeholders are those of
domain.outcomes.PLACEHOLDERS.
"""

from __future__ import annotations

from .outcomes import OutcomeKind

#: The opening and closing every final response shares, per language; {decision} is the
#: kind's, the doubled braces are the placeholders (single once formatted).
_LETTER = {
    "en": """\
Dear {{name}},

After reviewing your complaint {{reference}} again, as you asked, a manager who was not \
involved in our first response has looked at everything you told us. {decision}

Why we decided this: …

Kind regards,
The {{shop}} team""",
    "nl": """\
Beste {{name}},

Na beoordeling van uw verzoek om heroverweging heeft een manager die niet bij ons eerste \
antwoord betrokken was, uw klacht {{reference}} en alles wat u ons heeft verteld opnieuw \
bekeken. {decision}

Waarom we zo beslissen: …

Met vriendelijke groet,
Het team van {{shop}}""",
}

#: What was decided, per kind and language.
_DECISIONS: dict[tuple[OutcomeKind, str], str] = {
    (OutcomeKind.REPLACEMENT_FILE, "en"): (
        "Our decision: we have prepared a corrected replacement file for you. {download_link_note}"
    ),
    (OutcomeKind.REPLACEMENT_FILE, "nl"): (
        "Ons besluit: we hebben een gecorrigeerd vervangend bestand voor u klaargezet. "
        "{download_link_note}"
    ),
    (OutcomeKind.REPLACEMENT_PRODUCT, "en"): (
        "Our decision: we are sending you a replacement free of charge:\n{items}\n\n"
        "It is on its way with {carrier}; the tracking number is {tracking_number}."
    ),
    (OutcomeKind.REPLACEMENT_PRODUCT, "nl"): (
        "Ons besluit: we sturen u kosteloos een vervangend product:\n{items}\n\n"
        "Het pakket wordt bezorgd door {carrier}; de track-and-tracecode is "
        "{tracking_number}."
    ),
    (OutcomeKind.REFUND, "en"): (
        "Our decision: we are refunding {amount} to you (order {order_number}). The refund "
        "goes back to the payment method you used; depending on your bank it can take up to 5 "
        "business days to appear on your statement."
    ),
    (OutcomeKind.REFUND, "nl"): (
        "Ons besluit: we storten {amount} aan u terug (bestelling {order_number}). Het "
        "bedrag gaat terug naar de betaalmethode die u heeft gebruikt; afhankelijk van uw bank "
        "kan het tot 5 werkdagen duren voordat u het op uw rekening ziet."
    ),
    (OutcomeKind.TECHNICAL_ASSISTANCE, "en"): (
        "Our decision: we will help you solve the problem, and this is how:\n\n1. …\n2. …\n3. …"
    ),
    (OutcomeKind.TECHNICAL_ASSISTANCE, "nl"): (
        "Ons besluit: we helpen u het probleem op te lossen, en zo doet u dat:\n\n1. …\n2. …\n3. …"
    ),
    (OutcomeKind.CORRECTION, "en"): "Our decision: …",
    (OutcomeKind.CORRECTION, "nl"): "Ons besluit: …",
}


def final_default_text(kind: OutcomeKind, language: str) -> str:
    """The final response's default text for a kind in a language (English when the language
    has none), its {placeholders} still to be filled."""
    if language not in _LETTER:
        language = "en"
    return _LETTER[language].format(decision=_DECISIONS[(kind, language)])
