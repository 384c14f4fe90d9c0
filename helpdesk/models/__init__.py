"""Typed SQLAlchemy models; import them from here."""

from .complaint import Attachment, AuditEvent, Complaint, Message
from .counters import InboxChanges, ReportMonth
from .customer_session import EndedCustomerSession
from .improvement import CorrectiveAction, RootCause, TrendAlert, corrective_action_complaint
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
    "CorrectiveAction",
    "EndedCustomerSession",
    "InboundEmail",
    "InboxChanges",
    "LoginFailure",
    "Message",
    "OutboxEmail",
    "Outcome",
    "OutcomeTemplate",
    "Rating",
    "Referral",
    "ReportMonth",
    "RootCause",
    "SearchEntry",
    "SearchQueueEntry",
    "SearchWord",
    "Staff",
    "StaffSession",
    "TrendAlert",
    "UTCDateTime",
    "corrective_action_complaint",
    "utcnow",
]
