"""Dutch phrase pools for demo complaints, with the same keys and placeholders as phrases_en
(the staff's side in `phrases_nl_staff`, re-exported here).

Customers write informally ("ik", "jullie"); staff answer in the polite "u" form.
"""

from __future__ import annotations

from .phrases_nl_staff import (
    FINAL,
    FINAL_END,
    GREET,
    INFO_REQUEST,
    NOTE,
    OUTCOME,
    REPLY,
    REPLY_END,
    STAFF_SIGN,
)

__all__ = [
    "ANSWER",
    "DESCRIPTION",
    "FINAL",
    "FINAL_END",
    "GREET",
    "INFO_REQUEST",
    "NOTE",
    "OPEN",
    "OUTCOME",
    "RATING_COMMENT",
    "REPLY",
    "REPLY_END",
    "REVIEW_REASON",
    "SIGN",
    "STAFF_SIGN",
]

OPEN = ("Hallo,", "Beste {shop},", "Goedemiddag,", "Geachte heer/mevrouw,", "Hoi,", "")
SIGN = (
    "Met vriendelijke groet,\n{name}",
    "Groet,\n{first}",
    "Alvast bedankt,\n{first}",
    "{name}",
    "Mvg, {first}",
)

DESCRIPTION: dict[str, dict[str, tuple[str, ...]]] = {
    "physical": {
        "problem": (
            "{The_product} van bestelling {order} is vandaag beschadigd aangekomen. De doos was "
            "op een hoek ingedeukt, dus ik denk dat hij tijdens het vervoer is gevallen. De "
            "verpakking heb ik bewaard.",
            "Ik heb het verkeerde artikel ontvangen bij bestelling {order}: ik had {the_product} "
            "in het zwart besteld en kreeg er een in het grijs.",
            "Mijn pakket met {the_product} is nooit aangekomen. Volgens {carrier} is het bij de "
            "voordeur bezorgd, maar er lag niets toen ik thuiskwam.",
            "Mijn bestelling met {the_product} is nu {days} dagen te laat en de track-en-trace "
            "van {carrier} is sinds de overdracht niet meer veranderd.",
            "{carrier} heeft mijn {product} bij de buren afgeleverd, maar op het briefje staat "
            "niet bij welk huisnummer.",
            "{The_product} zat vol krassen, alsof alles al eerder gebruikt was. Bestelnummer "
            "{order}.",
            "{The_product} kwam kletsnat aan, de doos viel uit elkaar toen ik hem optilde.",
        ),
        "electrical": (
            "{The_product} van bestelling {order} kwam aan met een gebarsten behuizing en er "
            "rammelt iets als ik het apparaat optil.",
            "Bij {the_product} (bestelling {order}) ontbreken onderdelen: de stroomkabel en de "
            "handleiding zaten niet in de doos.",
            "Na {days} dagen werkt {the_product} al niet meer: het apparaat gaat niet meer aan, "
            "ook niet op een ander stopcontact.",
        ),
        "detail": (
            "Het trackingnummer is {tracking}.",
            "Ik heb er {amount} voor betaald.",
            "Het was bedoeld als verjaardagscadeau, dus dit is echt jammer.",
            "Ik heb al vaker bij jullie besteld zonder problemen.",
            "",
        ),
        "ask": (
            "Kunnen jullie zo snel mogelijk een vervangend exemplaar sturen?",
            "Ik wil graag mijn geld terug.",
            "Laat u mij weten hoe jullie dit oplossen?",
            "Kunnen jullie een nieuwe sturen, of anders de {amount} terugbetalen?",
            "Ik hoor graag wat de mogelijkheden zijn.",
        ),
    },
    "digital": {
        "problem": (
            "Ik heb {the_product} gekocht (bestelling {order}), maar de downloadlink geeft een "
            "foutpagina: de link zou verlopen zijn.",
            "{The_product} downloadt wel, maar {file} gaat niet open: mijn computer zegt dat het "
            "bestand beschadigd is.",
            "De download van {the_product} stopt elke keer rond de 80%. Ik heb het drie keer "
            "geprobeerd op twee verschillende verbindingen.",
            "Ik heb de e-mail met de downloadlink voor {the_product} nooit ontvangen, bestelling "
            "{order}. Mijn spammap heb ik ook al gecontroleerd.",
            "Wat ik gedownload heb, is de oude versie van {the_product}, niet de nieuwe die op "
            "jullie website staat.",
            "Pagina 40 tot en met 56 van {the_product} zijn leeg als ik {file} open.",
            "De licentiesleutel voor {the_product} (bestelling {order}) wordt als ongeldig "
            "geweigerd.",
        ),
        "detail": (
            "Ik gebruik {browser} op {device}.",
            "De orderbevestiging kwam gewoon binnen.",
            "Ik heb {amount} betaald.",
            "",
        ),
        "ask": (
            "Kunnen jullie me hiermee helpen?",
            "Wilt u mij een versie sturen die wel werkt?",
            "Als het niet te verhelpen is, wil ik graag mijn geld terug.",
            "Ik hoop dat jullie dit snel oplossen.",
        ),
    },
    "billing": {
        "problem": (
            "Er is twee keer afgeschreven voor bestelling {order}: twee betalingen van {amount} "
            "op mijn bankafschrift. Graag een ervan terugstorten.",
            "Mijn betaling met {method} mislukte bij het afrekenen, maar het geld is toch "
            "afgeschreven (bestelling {order}).",
            "Het afgeschreven bedrag voor bestelling {order} ({amount}) is hoger dan de prijs bij "
            "het afrekenen. Ik wil graag het verschil terug.",
            "Mijn kortingscode werd op de website geaccepteerd, maar staat niet op de factuur van "
            "bestelling {order}.",
            "Ik heb bestelling {order} {days} dagen geleden teruggestuurd en nog steeds geen "
            "terugbetaling ontvangen.",
            "Op de factuur van bestelling {order} staat geen btw-nummer, zo kan ik hem niet voor "
            "mijn administratie gebruiken. Kunnen jullie een gecorrigeerde factuur sturen?",
        ),
        "detail": ("Het betalingskenmerk begint met {payref}.", "Ik heb met {method} betaald.", ""),
        "ask": (
            "Graag snel, het gaat om veel geld.",
            "Kunnen jullie dit rechtzetten?",
            "Ik hoor graag snel van jullie.",
        ),
    },
    "account": {
        "problem": (
            "Ik kan niet meer inloggen op mijn account. Na het invullen van mijn wachtwoord laadt "
            "de pagina gewoon opnieuw.",
            "De e-mail om mijn wachtwoord opnieuw in te stellen komt nooit aan. Ik heb het "
            "vandaag al een paar keer geprobeerd.",
            "Mijn account is geblokkeerd na te veel pogingen en ik kan het nergens deblokkeren.",
            "Ik heb mijn e-mailadres in mijn account gewijzigd en nu kan ik met geen van beide "
            "adressen inloggen.",
            "Mijn bestelgeschiedenis is leeg, terwijl ik met dit account al meerdere keren heb "
            "besteld.",
            "Ik heb {days} dagen geleden gevraagd mijn account te verwijderen en krijg nog steeds "
            "e-mails van jullie.",
        ),
        "detail": (
            "Mijn account staat op {email}.",
            "Ik gebruik {browser} op {device}.",
            "Cookies en cache heb ik al gewist.",
            "",
        ),
        "ask": ("Graag hulp.", "Laat u mij weten wanneer het opgelost is?", "Wat kan ik doen?"),
    },
    "website": {
        "problem": (
            "De knop 'Nu betalen' op de afrekenpagina doet niets als ik erop klik.",
            "Jullie website werkt niet met mijn schermlezer: de knoppen in het winkelmandje "
            "hebben geen naam, dus ik weet niet welke een artikel verwijdert.",
            "Op {device} bedekt het menu de halve productpagina en het gaat niet dicht.",
            "De zoekfunctie op jullie website geeft geen resultaten voor producten die wel op "
            "voorraad zijn.",
            "De cookiemelding komt op elke pagina terug en verbergt de knop 'In winkelmandje'.",
            "De tekst op de afrekenpagina is lichtgrijs op wit, dat is voor mij heel slecht te "
            "lezen.",
            "Het maatfilter bij de schoenen toont maten die dan niet leverbaar blijken.",
        ),
        "detail": (
            "Ik gebruik {browser} op {device}.",
            "Het gebeurt elke keer, ook na opnieuw opstarten.",
            "Mijn zoon heeft de bestelling uiteindelijk voor mij geplaatst.",
            "",
        ),
        "ask": (
            "Kunnen jullie dit oplossen?",
            "Laat u het weten als het weer werkt?",
            "Ik wil mijn bestelling graag afronden, kunnen jullie helpen?",
        ),
    },
    "other": {
        "problem": (
            "Ik heb me al drie keer afgemeld voor de nieuwsbrief, maar ik krijg hem nog steeds.",
            "De cadeauverpakking waarvoor ik betaald heb, zat niet bij mijn pakket.",
            "De spaarpunten van mijn laatste bestelling zijn nooit op mijn account bijgeschreven.",
            "Ik heb 40 minuten aan de telefoon gewacht en toen werd de verbinding verbroken.",
            "Mijn pakket kwam in een enorme doos vol plastic opvulmateriaal voor één klein "
            "artikel. Denk alsjeblieft aan het milieu.",
            "Op de productpagina stond levering in 1-2 dagen; het duurde er {days}.",
        ),
        "detail": ("", "Het is niet de eerste keer.", "Verder ben ik een tevreden klant."),
        "ask": (
            "Ik hoor graag van jullie.",
            "Graag een oplossing.",
            "Ik hoop dat jullie iets met deze feedback doen.",
        ),
    },
}

ANSWER: dict[str, tuple[str, ...]] = {
    "physical": (
        "Hierbij de foto's van de doos en de schade.",
        "Ik heb het bij beide buren gevraagd, niemand heeft het pakket.",
        "Ik heb maat M in het grijs gekregen; ik had maat L in het zwart besteld.",
    ),
    "digital": (
        "Ik gebruik {browser} op {device}. De melding is 'Toegang geweigerd'.",
        "Er staat dat het archief beschadigd is. Schermafbeelding in de bijlage.",
    ),
    "billing": (
        "Beide betalingen waren op dezelfde dag, elk {amount}. Schermafbeelding in de bijlage.",
        "Het bedrag van {amount} is de dag na mijn bestelling afgeschreven.",
    ),
    "account": (
        "Ik heb me aangemeld met {email}. Ongeveer een maand geleden kon ik nog inloggen.",
        "Het is {email}. Ik heb niets veranderd.",
    ),
    "website": ("Het is {browser} op {device}. Schermafbeelding in de bijlage.",),
    "other": ("Het gaat er vooral om dat niemand op mijn eerdere e-mails reageerde.",),
}
#: Waarom klanten om heroverweging vragen, naar de soort van de eerste uitkomst.
REVIEW_REASON: dict[str, tuple[str, ...]] = {
    "replacement_product": (
        "Een vervangend exemplaar heb ik niets meer aan, ik had het nodig voor een gelegenheid "
        "die voorbij is. Ik wil liever mijn geld terug.",
        "Ik heb het vervangende exemplaar nog steeds niet ontvangen en niemand beantwoordt mijn "
        "mails.",
    ),
    "replacement_file": (
        "Het nieuwe bestand heeft precies hetzelfde probleem als het eerste.",
        "Het gecorrigeerde bestand gaat nog steeds niet open. Ik wil liever mijn geld terug.",
    ),
    "refund": (
        "Ik kreeg maar een deel terug, terwijl de hele bestelling onbruikbaar was.",
        "De terugbetaling dekt de verzendkosten niet die ik betaald heb.",
    ),
    "technical_assistance": (
        "De instructies hielpen niet; het probleem is er nog steeds.",
        "Ik heb alle stappen gevolgd en het werkt nog steeds niet.",
    ),
    "correction": (
        "Ik ben het niet eens met het besluit. De informatie die ik kreeg was duidelijk onjuist.",
        "Een correctie is niet genoeg: ik ben door deze fout geld kwijtgeraakt.",
    ),
}
RATING_COMMENT = {
    "good": (
        "Snel en vriendelijk geholpen, dank!",
        "Binnen een dag opgelost, top.",
        "Heel tevreden over de afhandeling.",
        "",
    ),
    "mixed": (
        "Uiteindelijk opgelost, maar het duurde even.",
        "Prima, maar ik moest het twee keer uitleggen.",
        "",
    ),
    "bad": ("Niet blij met de uitkomst.", "Duurde veel te lang.", ""),
}
