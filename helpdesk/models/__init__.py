"""Typed SQLAlchemy models; import them from here."""

from .complaint import Attachment, AuditEvent, Complaint, Message
from .customer_session import EndedCustomerSession
from .login import LoginFailure
from .mail import InboundEmail, OutboxEmail
from .mediation import Referral
from .outcome import Outcome, OutcomeTemplate, Rating
from .search import SearchEntry, SearchQueueEntry, SearchWord
from .staff import ROLES, Staff, StaffSession
from .types import UTCDateTime, utcnow

__all__ = [
    "ROLES",
    "Attachment",
    "AuditEvent",
    "Complaint",
    "EndedCustomerSession",
    "InboundEmail",
    "LoginFailure",
    "Message",
    "OutboxEmail",
    "Outcome",
    "OutcomeTemplate",
    "Rating",
    "Referral",
    "SearchEntry",
    "SearchQueueEntry",
    "SearchWord",
    "Staff",
    "StaffSession",
    "UTCDateTime",
    "utcnow",
]
