"""A small fixed data set for the report tests, made through the real services on the shop's
calendar (Dutch holidays): May 2026, with Ascension Day (Thursday 14 May) and Whit Monday
(25 May) as days off. The report is asked for on TODAY, Wednesday 10 June 2026.

    C1 physical web   en  wants refund       ack 13 May (1 bd, met); refund €20.00 18 May
                                             (3 bd, met), carrier_damage; rated 5 / 4
    C2 digital  email nl  (not stated)       ack 15 May (1 bd over Ascension, met); waits for
                                             the customer 18-21 May (3 bd); technical
                                             assistance 27 May: 8 bd over Ascension and Whit
                                             Monday, less 3 paused = 5 bd, met
    C3 billing  web   en  wants refund       ack 21 May (3 bd, missed); refund €15.50 29 May
                                             (8 bd, missed), payment_provider; review; final
                                             refund €31.00 (changed); rated 2 / -; referred,
                                             settled
    C4 physical web   nl  wants repl. product ack same day (0); replacement product 22 May
                                             (3 bd, met), packing; review; final keeps it;
                                             rated 4 / 5
    C5 account  web   en  not sure           ack same day; no response, due 1 June: overdue
    C6 website  web   en  wants tech. help   nothing yet: both clocks overdue (2 and 9 June)
    C7 physical email nl  (not stated)       ack same day; waiting for the customer (paused)
    C8 physical web   en  (30 April: only in the period before May)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from helpdesk.domain.outcomes import OutcomeKind
from helpdesk.domain.reports import Period, custom_period
from helpdesk.models import Complaint, Staff
from helpdesk.services.casework import acknowledge
from helpdesk.services.customer import add_customer_message
from helpdesk.services.mediation import record_decision, record_referral
from helpdesk.services.outcomes import OutcomeInput, give_outcome
from helpdesk.services.ratings import rate_resolution
from helpdesk.services.replies import request_information
from helpdesk.services.review import request_review, send_final_response
from helpdesk.services.submission import NewComplaint, submit_complaint
from tests.services.outcomes_support import fast_staff

TZ = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 6, 10)
MAY: Period = custom_period(date(2026, 5, 1), date(2026, 5, 31))


def local(day: int, hour: int = 10, month: int = 5) -> datetime:
    """A moment in shop time (2026), as aware UTC."""
    return datetime(2026, month, day, hour, tzinfo=TZ).astimezone(UTC)


@dataclass
class DataSet:
    """The complaints by name and the staff who handled them."""

    complaints: dict[str, Complaint]
    agent: Staff
    manager: Staff
    reviewer: Staff


def _complaint(
    when: datetime, category: str, channel: str, language: str, wish: str | None
) -> Complaint:
    return submit_complaint(
        NewComplaint(
            name="Customer",
            email=f"{category}-{when.day}@example.com",
            order_number=None,
            category=category,
            description=f"A complaint about {category}, received on day {when.day}.",
            language=language,
            channel=channel,
            preferred_solution=wish,
        ),
        now=when,
    )


def _outcome(kind: OutcomeKind, root_cause: str, **fields: str) -> OutcomeInput:
    return OutcomeInput(kind=kind, body="Dear customer, here is our answer.", root_cause=root_cause,
                        **fields)  # fmt: skip


SHIPMENT = {"items": "1 x lamp", "carrier": "PostNL", "tracking_number": "3SLAMP1"}


def build() -> DataSet:
    """Make C1-C8 (see the module's docstring)."""
    agent, manager, reviewer = fast_staff("agent"), fast_staff("manager"), fast_staff("manager")
    made: dict[str, Complaint] = {}

    c1 = made["C1"] = _complaint(local(12), "physical", "web", "en", "refund")
    acknowledge(c1, agent, c1.version, now=local(13, 9))
    refund = _outcome(OutcomeKind.REFUND, "carrier_damage", amount="20,00", refund_type="partial")
    give_outcome(c1, agent, refund, seen=c1.version, now=local(18, 11))
    rate_resolution(c1, 5, "Quick and fair.", handling_score=4, now=local(19, 12))

    c2 = made["C2"] = _complaint(local(13, 9), "digital", "email", "nl", None)
    acknowledge(c2, agent, c2.version, now=local(15, 9))
    request_information(c2, agent, "Which reader do you use?", c2.version, now=local(18))
    add_customer_message(c2, "A Kobo Clara.", now=local(21, 15))
    help_ = _outcome(OutcomeKind.TECHNICAL_ASSISTANCE, "download_server")
    give_outcome(c2, agent, help_, seen=c2.version, now=local(27))

    c3 = made["C3"] = _complaint(local(18), "billing", "web", "en", "refund")
    acknowledge(c3, agent, c3.version, now=local(21))
    refund = _outcome(OutcomeKind.REFUND, "payment_provider", amount="15,50", refund_type="full")
    give_outcome(c3, agent, refund, seen=c3.version, now=local(29))
    request_review(c3, "You charged me twice, so refund both payments.", now=local(1, month=6))
    more = _outcome(OutcomeKind.REFUND, "payment_provider", amount="31,00", refund_type="full")
    send_final_response(c3, reviewer, more, seen=c3.version, now=local(3, month=6))
    rate_resolution(c3, 2, "Took too long.", now=local(4, month=6))
    referral = record_referral(c3, manager, body="De Geschillencommissie",
                               referred_on=date(2026, 6, 5), now=local(5, month=6))  # fmt: skip
    record_decision(referral, manager, decision="settled", decided_on=date(2026, 6, 9),
                    now=local(9, month=6))  # fmt: skip

    c4 = made["C4"] = _complaint(local(19), "physical", "web", "nl", "replacement_product")
    acknowledge(c4, agent, c4.version, now=local(19, 16))
    lamp = _outcome(OutcomeKind.REPLACEMENT_PRODUCT, "packing", **SHIPMENT)
    give_outcome(c4, manager, lamp, seen=c4.version, now=local(22))
    request_review(c4, "The new lamp came in the same thin box.", now=local(26))
    send_final_response(c4, reviewer, lamp, seen=c4.version, now=local(28))
    rate_resolution(c4, 4, "", handling_score=5, now=local(29))

    c5 = made["C5"] = _complaint(local(20), "account", "web", "en", "not_sure")
    acknowledge(c5, agent, c5.version, now=local(20, 11))

    made["C6"] = _complaint(local(29), "website", "web", "en", "technical_assistance")

    c7 = made["C7"] = _complaint(local(28), "physical", "email", "nl", None)
    acknowledge(c7, agent, c7.version, now=local(28, 12))
    request_information(c7, agent, "Can you send a photo?", c7.version, now=local(29))

    c8 = made["C8"] = _complaint(local(30, month=4), "physical", "web", "en", None)
    acknowledge(c8, agent, c8.version, now=local(30, 11, month=4))
    return DataSet(made, agent, manager, reviewer)
