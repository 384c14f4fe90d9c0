"""The default response text per outcome kind and language (managers may edit them later).

Written into the outcome_template table when missing. {placeholders} are filled when the
outcome is sent: {name}, {reference}, {shop}, {order_number} from the complaint, the rest
from the fields staff fill in for that kind.
"""

from __future__ import annotations

from .outcomes import OutcomeKind

DEFAULT_TEXTS: dict[tuple[OutcomeKind, str], str] = {
    (OutcomeKind.REPLACEMENT_FILE, "en"): """\
Dear {name},

Thank you for letting us know about the problem with your download (complaint {reference}, \
order {order_number}). We are sorry it did not work as it should.

We have prepared a corrected replacement file for you. {download_link_note}

If the new file gives you any trouble at all, simply reply to this email and we will help \
you straight away.

Kind regards,
The {shop} team""",
    (OutcomeKind.REPLACEMENT_FILE, "nl"): """\
Beste {name},

Hartelijk dank dat u ons heeft laten weten dat er een probleem was met uw download \
(klacht {reference}, bestelling {order_number}). Het spijt ons dat het niet werkte zoals \
het hoort.

We hebben een gecorrigeerd vervangend bestand voor u klaargezet. {download_link_note}

Werkt het nieuwe bestand niet goed, beantwoord dan gewoon deze e-mail en we helpen u \
meteen verder.

Met vriendelijke groet,
Het team van {shop}""",
    (OutcomeKind.REPLACEMENT_PRODUCT, "en"): """\
Dear {name},

Thank you for telling us what went wrong with your order {order_number} (complaint \
{reference}). We are sorry the product did not reach you as it should have.

We have sent you a replacement free of charge:
{items}

It is on its way with {carrier}; the tracking number is {tracking_number}. You do not \
need to return the original item unless we ask you to.

If anything is not right when it arrives, just reply to this email.

Kind regards,
The {shop} team""",
    (OutcomeKind.REPLACEMENT_PRODUCT, "nl"): """\
Beste {name},

Dank u wel dat u ons heeft laten weten wat er misging met uw bestelling {order_number} \
(klacht {reference}). Het spijt ons dat het product niet goed bij u is aangekomen.

We hebben kosteloos een vervangend product naar u verstuurd:
{items}

Het pakket wordt bezorgd door {carrier}; de track-and-tracecode is {tracking_number}. U \
hoeft het oorspronkelijke artikel niet terug te sturen, tenzij we u daarom vragen.

Is er bij ontvangst iets niet in orde, beantwoord dan gewoon deze e-mail.

Met vriendelijke groet,
Het team van {shop}""",
    (OutcomeKind.REFUND, "en"): """\
Dear {name},

Thank you for your patience while we looked into your complaint {reference} about order \
{order_number}. You are right, and we are sorry for the trouble.

We are refunding {amount} to you. The refund goes back to the payment method you used; \
depending on your bank it can take up to 5 business days to appear on your statement.

If you have any questions about the refund, just reply to this email.

Kind regards,
The {shop} team""",
    (OutcomeKind.REFUND, "nl"): """\
Beste {name},

Dank u voor uw geduld terwijl we uw klacht {reference} over bestelling {order_number} \
hebben onderzocht. U heeft gelijk, en het spijt ons dat u hier last van heeft gehad.

We storten {amount} aan u terug. Het bedrag gaat terug naar de betaalmethode die u heeft \
gebruikt; afhankelijk van uw bank kan het tot 5 werkdagen duren voordat u het op uw \
rekening ziet.

Heeft u vragen over de terugbetaling, beantwoord dan gewoon deze e-mail.

Met vriendelijke groet,
Het team van {shop}""",
    (OutcomeKind.TECHNICAL_ASSISTANCE, "en"): """\
Dear {name},

Thank you for contacting us about complaint {reference}. We have looked into the problem \
and this is how to solve it:

1. …
2. …
3. …

If these steps do not help, reply to this email and tell us what you see at which step; \
we will stay with you until it works.

Kind regards,
The {shop} team""",
    (OutcomeKind.TECHNICAL_ASSISTANCE, "nl"): """\
Beste {name},

Dank u voor uw bericht over klacht {reference}. We hebben het probleem bekeken en zo \
lost u het op:

1. …
2. …
3. …

Helpen deze stappen niet, beantwoord dan deze e-mail en vertel ons wat u bij welke stap \
ziet; we helpen u tot het werkt.

Met vriendelijke groet,
Het team van {shop}""",
    (OutcomeKind.CORRECTION, "en"): """\
Dear {name},

Thank you for pointing this out (complaint {reference}). You were right to ask, and we \
would like to clear it up:

…

We have corrected the information so that it is right from now on. We appreciate you \
taking the time to tell us; it helps us improve.

Kind regards,
The {shop} team""",
    (OutcomeKind.CORRECTION, "nl"): """\
Beste {name},

Dank u dat u ons hierop heeft gewezen (klacht {reference}). Het was terecht dat u het \
vroeg, en we leggen het graag uit:

…

We hebben de informatie aangepast, zodat die voortaan klopt. Fijn dat u de moeite nam om \
het ons te laten weten; zo kunnen we onze dienstverlening verbeteren.

Met vriendelijke groet,
Het team van {shop}""",
}


def default_text(kind: OutcomeKind, language: str) -> str:
    """The default text for a kind in a language (English when the language has none)."""
    return DEFAULT_TEXTS.get((kind, language)) or DEFAULT_TEXTS[(kind, "en")]
