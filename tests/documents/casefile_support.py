"""A whole case taken through the real services: photos, a wait for information, an internal
note, replies, an outcome, a review, the final response and a referral, at fixed moments."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from helpdesk.domain.outcomes import OutcomeKind
from helpdesk.models import Complaint, Staff
from helpdesk.services.casework import acknowledge
from helpdesk.services.customer import add_customer_message
from helpdesk.services.mediation import record_referral
from helpdesk.services.outcomes import OutcomeInput, give_outcome
from helpdesk.services.replies import add_note, reply, request_information
from helpdesk.services.review import request_review, send_final_response
from helpdesk.services.submission import NewComplaint, Upload, submit_complaint

# Monday 2 March 2026, 10:00 in Amsterdam: an ordinary week, no holidays.
RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECRET_NOTE = "Zebrawortel internal: supplier Kwartelkoning blamed, do not tell the customer."


@dataclass
class Case:
    """The complaint and the people who worked on it."""

    complaint: Complaint
    agent: Staff
    reviewer: Staff
    texts: list[str]  # every text the customer saw or sent, in order


def photo(seed: int, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A real JPEG photo-like picture (noise and shapes), different for every seed."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.effect_noise(size, 40).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.rectangle((x, y, x + size[0] // 5, y + size[1] // 6), fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def full_case(
    agent: Staff,
    reviewer: Staff,
    *,
    language: str = "en",
    photos: int = 2,
    extra_messages: int = 0,
    description: str = "The oak bookshelf arrived cracked along the left panel.",
) -> Case:
    """A complaint taken from submission to a referral, every step through a service."""
    at = RECEIVED
    texts = [description]
    files = [Upload(f"damage-{n}.jpg", photo(n)) for n in range(photos)]
    complaint = submit_complaint(
        NewComplaint(
            name="Anna de Boer",
            email="anna@example.com",
            order_number="NL-2026-004512",
            category="physical",
            description=description,
            language=language,
            preferred_solution="refund",
        ),
        files,
        now=at,
    )
    at += timedelta(hours=3)
    acknowledge(complaint, agent, complaint.version, now=at)
    question = "Could you send a photo of the packaging label, please?"
    request_information(complaint, agent, question, complaint.version, now=at + timedelta(days=1))
    texts.append(question)
    answer = "Here is the label; the box was crushed at one corner."
    add_customer_message(complaint, answer, now=at + timedelta(days=3))
    texts.append(answer)
    add_note(complaint, agent, SECRET_NOTE, complaint.version, now=at + timedelta(days=3, hours=1))
    at += timedelta(days=3, hours=2)
    for number in range(extra_messages):
        at += timedelta(minutes=30)
        text = f"Update number {number}: still checking the warehouse pallet {number * 7}."
        if number % 2:
            add_customer_message(complaint, f"Customer note {number}: thanks, waiting.", now=at)
            texts.append(f"Customer note {number}: thanks, waiting.")
        else:
            reply(complaint, agent, text, complaint.version, now=at)
            texts.append(text)
    at += timedelta(hours=1)
    give_outcome(
        complaint,
        agent,
        OutcomeInput(
            kind=OutcomeKind.REFUND,
            body="We refund {amount} for the shelf.",
            amount="89,95",
            refund_type="partial",
            root_cause="carrier_damage",
        ),
        seen=complaint.version,
        now=at,
    )
    at += timedelta(days=1)
    reason = "A partial refund does not cover a shelf I cannot use at all."
    request_review(complaint, reason, now=at)
    texts.append(reason)
    at += timedelta(days=1)
    send_final_response(
        complaint,
        reviewer,
        OutcomeInput(
            kind=OutcomeKind.REFUND,
            body="After review we refund {amount}.",
            amount="179,90",
            refund_type="full",
            root_cause="carrier_damage",
        ),
        seen=complaint.version,
        now=at,
    )
    record_referral(
        complaint,
        reviewer,
        body="De Geschillencommissie",
        referred_on=date(2026, 3, 20),
        body_reference="GC-2026-7781",
        now=at + timedelta(days=14),
    )
    return Case(complaint, agent, reviewer, texts)
