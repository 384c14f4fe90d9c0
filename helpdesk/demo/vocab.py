"""Names, products, carriers and numbers that make the demo complaints read like real ones.

Products come in (English, Dutch) pairs so a complaint and its answers name the same thing
in the customer's language. Everything is plain data; `facts` draws one complaint's set.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime

FIRST_NL = [
    "Sanne",
    "Daan",
    "Lotte",
    "Bram",
    "Fleur",
    "Thijs",
    "Noor",
    "Lars",
    "Eva",
    "Sem",
    "Anouk",
    "Jesse",
    "Femke",
    "Ruben",
    "Iris",
    "Koen",
    "Marloes",
    "Joost",
    "Esther",
    "Wouter",
    "Ilse",
    "Bas",
    "Lieke",
    "Niels",
    "Mirjam",
    "Stijn",
    "Yara",
    "Mohamed",
    "Fatma",
    "Emre",
]
LAST_NL = [
    "de Vries",
    "Jansen",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "Kok",
    "Jacobs",
    "Vermeulen",
    "Yilmaz",
    "El Amrani",
    "Kaya",
    "Bouzid",
    "Wijaya",
]
FIRST_EN = [
    "Emma",
    "Oliver",
    "Amelia",
    "Harry",
    "Sophie",
    "Jack",
    "Grace",
    "Thomas",
    "Chloe",
    "James",
    "Lucy",
    "William",
    "Hannah",
    "Daniel",
    "Megan",
    "Samuel",
    "Olivia",
    "Ethan",
    "Zoe",
    "Liam",
    "Priya",
    "Arjun",
    "Maria",
    "Lukas",
    "Anna",
    "Mateo",
    "Julia",
    "Pierre",
    "Chen",
    "Aisha",
]
LAST_EN = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Clarke",
    "Patel",
    "Müller",
    "Rossi",
    "García",
    "Dubois",
    "Nowak",
    "O'Brien",
    "Kowalski",
    "Andersen",
    "Fernández",
    "Lindqvist",
]
MAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")

#: (English, Dutch with its article, price range in euro, electrical?) of things sent in a box.
PHYSICAL = (
    ("espresso machine", "de espressomachine", (149, 449), True),
    ("pair of wireless headphones", "de draadloze koptelefoon", (59, 249), True),
    ("standing desk", "het zit-sta-bureau", (299, 649), True),
    ("yoga mat", "de yogamat", (19, 59), False),
    ("desk lamp", "de bureaulamp", (24, 89), True),
    ("winter jacket", "de winterjas", (89, 229), False),
    ("pair of running shoes", "het paar hardloopschoenen", (69, 159), False),
    ("bluetooth speaker", "de bluetooth-speaker", (39, 179), True),
    ("cast-iron frying pan", "de gietijzeren koekenpan", (29, 79), False),
    ("office chair", "de bureaustoel", (129, 399), False),
    ("electric toothbrush", "de elektrische tandenborstel", (39, 129), True),
    ("set of bicycle lights", "de set fietslampjes", (15, 49), True),
    ("ceramic vase", "de keramische vaas", (19, 69), False),
    ("board game", "het bordspel", (24, 59), False),
    ("electric kettle", "de waterkoker", (29, 89), True),
    ("laptop backpack", "de laptoprugzak", (45, 119), False),
    ("robot vacuum cleaner", "de robotstofzuiger", (199, 499), True),
    ("duvet cover", "het dekbedovertrek", (39, 99), False),
)
#: (English, Dutch with its article, price range, file name) of things a customer downloads.
DIGITAL = (
    ("e-book", "het e-book", (7, 25), "ebook.epub"),
    ("online photography course", "de online fotografiecursus", (49, 149), "course-workbook.pdf"),
    ("font licence", "de fontlicentie", (19, 89), "font-family.zip"),
    ("Lightroom preset pack", "het Lightroom-presetpakket", (9, 39), "presets.zip"),
    ("sewing pattern", "het naaipatroon", (6, 18), "sewing-pattern-a0.pdf"),
    ("music sample pack", "het samplepakket", (15, 59), "samples.zip"),
    ("photo editing software", "de fotobewerkingssoftware", (39, 129), "installer.zip"),
    ("audiobook", "het luisterboek", (9, 29), "audiobook-part1.mp3"),
    ("3D printing model pack", "het 3D-printpakket", (5, 29), "model-files.zip"),
    ("knitting pattern", "het breipatroon", (5, 12), "knitting-pattern.pdf"),
    ("language course", "de taalcursus", (29, 99), "lesson-pack.zip"),
)
CARRIERS = ("PostNL", "DHL", "DPD", "GLS", "UPS", "Budbee")
PAY_METHODS_EN = ("iDEAL", "credit card", "PayPal", "Klarna", "Bancontact", "bank transfer")
PAY_METHODS_NL = ("iDEAL", "creditcard", "PayPal", "Klarna", "Bancontact", "bankoverschrijving")
BROWSERS = ("Firefox", "Chrome", "Safari", "Edge", "Samsung Internet")
DEVICES_EN = ("an iPhone 13", "a Windows laptop", "a MacBook", "an Android phone", "an iPad")
DEVICES_NL = (
    "een iPhone 13",
    "een Windows-laptop",
    "een MacBook",
    "een Android-telefoon",
    "een iPad",
)
STAFF_FIRST = {"agent": "Sanne", "manager": "Pieter", "manager2": "Fatima"}


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters only: 'Müller' → 'muller', "O'Brien" → 'obrien'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def person(rng: random.Random, language: str) -> tuple[str, str, str]:
    """(first name, full name, email address) of a customer."""
    dutch = language == "nl" or rng.random() < 0.2
    first = rng.choice(FIRST_NL if dutch else FIRST_EN)
    last = rng.choice(LAST_NL if dutch else LAST_EN)
    style = rng.randrange(4)
    local = {
        0: f"{ascii_slug(first)}.{ascii_slug(last)}",
        1: f"{ascii_slug(first)[0]}{ascii_slug(last)}",
        2: f"{ascii_slug(first)}{rng.randrange(10, 99)}",
        3: f"{ascii_slug(first)}.{ascii_slug(last)}+shop",
    }[style]
    email = f"{local}@{rng.choice(MAIL_DOMAINS)}"
    if rng.random() < 0.1:
        email = email.capitalize()  # people type capitals; matching ignores them
    return first, f"{first} {last}", email


def tracking_number(rng: random.Random, carrier: str) -> str:
    """A tracking number in the carrier's usual shape."""
    digits = "".join(rng.choice("0123456789") for _ in range(10))
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(4))
    return {
        "PostNL": f"3S{letters}{digits[:7]}",
        "DHL": f"JVGL{digits}",
        "DPD": f"0{digits}{digits[:3]}",
        "GLS": f"{digits}{digits[:1]}",
        "UPS": f"1Z{letters}{digits[:2]}{digits}",
        "Budbee": f"BB{digits[:8]}",
    }[carrier]


def money(cents: int, language: str) -> str:
    """€24.95 (English) or € 24,95 (Dutch)."""
    euros, rest = divmod(cents, 100)
    if language == "nl":
        return f"€ {euros:,}".replace(",", ".") + f",{rest:02d}"
    return f"€{euros:,}.{rest:02d}"


def facts(
    rng: random.Random, category: str, language: str, received_at: datetime
) -> dict[str, str]:
    """The particulars of one complaint, used by every text written about it."""
    first, name, email = person(rng, language)
    nl = language == "nl"
    electrical = False
    if category == "digital":
        en_name, nl_name, (low, high), file_name = rng.choice(DIGITAL)
    else:
        en_name, nl_name, (low, high), electrical = rng.choice(PHYSICAL)
        file_name = "manual.pdf"
    cents = rng.randrange(low, high + 1) * 100 - rng.choice([0, 5, 1, 51])
    the_product = nl_name if nl else f"the {en_name}"
    bare = nl_name.split(" ", 1)[1] if nl else en_name
    carrier = rng.choice(CARRIERS)
    has_order = category in ("physical", "digital", "billing") or rng.random() < 0.4
    order = f"NL-{received_at.year}-{rng.randrange(1, 60000):06d}" if has_order else ""
    return {
        "first": first,
        "name": name,
        "email": email,
        "order": order,
        "product": bare,
        "the_product": the_product,
        "The_product": the_product[0].upper() + the_product[1:],
        "electrical": "yes" if electrical else "",
        "file": file_name,
        "amount": money(cents, language),
        "cents": str(cents),
        "part_amount": money(max(cents // 4, 500), language),
        "carrier": carrier,
        "tracking": tracking_number(rng, carrier),
        "method": rng.choice(PAY_METHODS_NL if nl else PAY_METHODS_EN),
        "browser": rng.choice(BROWSERS),
        "device": rng.choice(DEVICES_NL if nl else DEVICES_EN),
        "days": str(rng.randrange(3, 16)),
        "payref": f"{rng.randrange(10**9, 10**10)}",
    }


#: What customers of each category tend to ask for on the form ("Preferred solution").
WISHES = {
    "physical": ("replacement_product", "refund", "refund", "not_sure"),
    "digital": ("replacement_file", "technical_assistance", "refund"),
    "billing": ("refund", "correction"),
    "account": ("technical_assistance", "correction"),
    "website": ("technical_assistance", "correction", "not_sure"),
    "other": ("not_sure", "correction"),
}


def preferred_solution(seed: int, complaint_id: int, category: str, channel: str) -> str | None:
    """The web form's optional "Preferred solution" (email complaints have none); drawn from
    its own generator, so the story's texts stay as they were."""
    rng = random.Random(f"{seed}-{complaint_id}-wish")
    if channel != "web" or rng.random() < 0.4:
        return None
    return rng.choice(WISHES.get(category, WISHES["other"]))
