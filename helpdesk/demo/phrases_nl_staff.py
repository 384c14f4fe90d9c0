"""Dutch phrase pools for demo complaints: what staff write (replies, requests for
information, internal notes, outcomes, final responses). `phrases_nl` holds the
customers' side and re-exports these, so both read as one pool (placeholders as there).
"""

from __future__ import annotations

GREET = ("Beste {first},", "Geachte {name},", "Hallo {first},")
STAFF_SIGN = (
    "Met vriendelijke groet,\n{staff}\nKlantenservice {shop}",
    "Hartelijke groet,\n{staff}, {shop}",
    "Met vriendelijke groet,\n{staff}",
)
REPLY: dict[str, tuple[str, ...]] = {
    "physical": (
        "Dank u wel voor uw bericht, en het spijt me dat uw {product} niet goed is aangekomen. "
        "Ik heb {carrier} gevraagd de zending ({tracking}) te onderzoeken.",
        "Vervelend dat er iets mis is met uw {product}. Ik zoek met ons magazijn uit wat er "
        "met bestelling {order} is gebeurd.",
    ),
    "digital": (
        "Dank voor uw bericht. Vervelend dat uw {product} niet werkt; ik controleer nu de "
        "bestanden op onze downloadserver.",
        "Het spijt me dat u niet bij uw {product} kon. Ik heb bestelling {order} opgezocht en "
        "bekijk het downloadlog.",
    ),
    "billing": (
        "Dank u voor uw bericht. Ik heb onze financiële afdeling gevraagd de betalingen van "
        "bestelling {order} na te kijken.",
        "Excuses voor de verwarring rond uw betaling. Ik vergelijk onze gegevens met die van "
        "de betaalprovider.",
    ),
    "account": (
        "Dank voor uw bericht. Ik heb uw account bekeken en ga ermee aan de slag.",
        "Vervelend dat u niet in uw account kunt. Ik heb dit doorgezet naar ons technische team.",
    ),
    "website": (
        "Dank u dat u dit meldt. Ik heb het met uw gegevens doorgestuurd naar onze "
        "webontwikkelaars.",
        "Dank voor uw bericht en excuses voor het ongemak. We proberen het probleem op "
        "{device} na te bootsen.",
    ),
    "other": (
        "Dank u voor uw feedback; we nemen die serieus en ik zoek het uit.",
        "Dank dat u het laat weten. Ik heb uw bericht gedeeld met het verantwoordelijke team.",
    ),
}
REPLY_END = (
    "U hoort binnen de beloofde termijn van ons.",
    "Ik kom bij u terug zodra ik meer weet.",
    "We houden u op de hoogte.",
)
INFO_REQUEST: dict[str, tuple[str, ...]] = {
    "physical": (
        "Kunt u ons een foto sturen van de schade en een van het verzendlabel op de doos?",
        "Kunt u laten weten welke maat en kleur u hebt ontvangen?",
        "Wilt u bij de buren navragen of het pakket daar is afgegeven?",
    ),
    "digital": (
        "Kunt u laten weten welke browser en welk apparaat u gebruikt, en een schermafbeelding "
        "van de foutmelding sturen?",
        "Wat is de precieze foutmelding die u ziet?",
    ),
    "billing": (
        "Kunt u een schermafbeelding van uw bankafschrift met de betalingen sturen (de rest mag "
        "u onleesbaar maken)?",
        "Kunt u de datum en het bedrag van de betaling doorgeven?",
    ),
    "account": (
        "Kunt u bevestigen met welk e-mailadres u zich hebt geregistreerd?",
        "Wanneer hebt u voor het laatst met succes ingelogd?",
    ),
    "website": (
        "Kunt u laten weten welke browser en welk apparaat u gebruikt, en een "
        "schermafbeelding sturen?",
    ),
    "other": ("Kunt u wat meer details geven, zodat we dit goed kunnen uitzoeken?",),
}
NOTE: dict[str, tuple[str, ...]] = {
    "physical": (
        "Magazijnlog: correct ingepakt. Waarschijnlijk transportschade, claim ingediend bij "
        "{carrier}.",
        "{carrier} bevestigt dat de bezorgscan 2 km van het adres van de klant is gedaan.",
        "Leverancier heeft pas volgende maand weer voorraad: geen leverdatum beloven.",
    ),
    "digital": (
        "Downloadserver: de link is nooit gebruikt voordat hij verliep.",
        "{file} gecontroleerd: het bestand op de server is afgekapt. Opnieuw geüpload.",
    ),
    "billing": (
        "Betaalprovider bevestigt de dubbele afschrijving; tweede transactie kan terug.",
        "Kortingscode was geldig; de fout in de kassa is bekend bij de ontwikkelaars.",
    ),
    "account": (
        "Resetmails worden geweigerd door de provider van de klant: SPF-probleem bij ons, gemeld.",
        "Twee accounts met bijna hetzelfde adres; bestelgeschiedenis samengevoegd.",
    ),
    "website": (
        "Nagebootst in {browser}. Ticket ligt bij de ontwikkelaars, fix deze week verwacht.",
        "Toegankelijkheidsprobleem bevestigd met NVDA: knoppen hebben geen toegankelijke naam.",
    ),
    "other": (
        "Vaste klant, 6 eerdere bestellingen, nooit eerder geklaagd. Royaal zijn.",
        "Klant gebeld, voicemail ingesproken.",
    ),
}
OUTCOME: dict[str, tuple[str, ...]] = {
    "replacement_file": (
        "We hebben een gecorrigeerde versie van uw {product} voor u klaargezet. U downloadt die "
        "via de link op uw dossierpagina; de link blijft 14 dagen geldig.",
        "Het bestand op onze server was beschadigd, excuses daarvoor. Een nieuwe kopie van "
        "{file} staat voor u klaar op uw dossierpagina.",
    ),
    "replacement_product": (
        "We sturen u vandaag een nieuw exemplaar van {the_product} met {carrier}. Uw "
        "trackingnummer is {tracking}. U hoeft het beschadigde exemplaar niet terug te sturen.",
        "Een vervangend exemplaar van {the_product} is onderweg met {carrier} (trackingnummer "
        "{tracking}). Wilt u de originele verpakking bewaren tot het is aangekomen?",
    ),
    "refund": (
        "We hebben {amount} teruggestort via uw oorspronkelijke betaalmethode ({method}). "
        "Afhankelijk van uw bank duurt het 3 tot 5 werkdagen voordat u het ziet.",
        "Als gebaar van goede wil hebben we {part_amount} teruggestort via {method}.",
    ),
    "technical_assistance": (
        "Zo lost u het op: wis de cache van uw browser en gebruik daarna de link op uw "
        "dossierpagina. Werkt het dan nog niet, antwoord dan en we bellen u.",
        "Onze ontwikkelaars hebben het probleem dat u vond opgelost. Het werkt nu weer in "
        "{browser}; dank u voor het melden.",
        "Ik heb uw account gedeblokkeerd en een nieuwe link gestuurd om uw wachtwoord in te "
        "stellen. De e-mails werden tegengehouden door een instelling bij ons, die is aangepast.",
    ),
    "correction": (
        "U hebt gelijk, en we hebben het gecorrigeerd. U ontvangt een gecorrigeerde factuur per "
        "e-mail.",
        "Dank u dat u ons hierop wees. We hebben de informatie op onze website en in onze "
        "administratie aangepast.",
        "We hebben het uitgezocht: de informatie die u kreeg was onjuist en is nu verbeterd. "
        "Excuses voor de verwarring.",
    ),
}
FINAL = {
    "keep": (
        "We hebben uw zaak op uw verzoek opnieuw bekeken. Na alles nog eens te hebben "
        "nagelopen, blijven we bij ons eerdere besluit.",
    ),
    "change": (
        "We hebben uw zaak op uw verzoek opnieuw bekeken en gaan verder dan ons eerste "
        "antwoord: we betalen u ook {amount} terug.",
    ),
}
FINAL_END = (
    "Dit is ons definitieve antwoord op uw klacht. Bent u nog steeds niet tevreden, "
    "dan kunt u zich wenden tot een onafhankelijke geschillencommissie; de gegevens "
    "staan op uw dossierpagina."
)
