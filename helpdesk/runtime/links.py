"""Signed links for customers: tracking a case without typing, downloading a replacement file."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from flask import current_app, has_request_context, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

if TYPE_CHECKING:
    from ..models import Attachment, Complaint

_TRACK_SALT = "helpdesk.track.v1"
_DOWNLOAD_SALT = "helpdesk.download.v1"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _email_digest(email: str) -> str:
    # The link is bound to the address too, so it dies if the case's email is erased/changed.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def tracking_token(complaint: Complaint) -> str:
    """A token that opens this complaint's tracking page."""
    return _serializer(_TRACK_SALT).dumps([complaint.reference, _email_digest(complaint.email)])


def tracking_url(complaint: Complaint) -> str:
    """Absolute signed tracking link for emails (uses HELPDESK_BASE_URL)."""
    return _absolute("public.track_link", token=tracking_token(complaint))


def _absolute(endpoint: str, **values: Any) -> str:
    """An absolute link for emails: HELPDESK_BASE_URL and the endpoint's path."""
    return str(current_app.config["BASE_URL"]).rstrip("/") + _path(endpoint, **values)


def _path(endpoint: str, **values: Any) -> str:
    """url_for's path, also outside a request (commands such as `mail ingest`)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return str(current_app.url_map.bind("localhost").build(endpoint, values))


def read_tracking_token(token: str) -> tuple[str, str] | None:
    """(reference, email digest) from a valid, unexpired token, else None."""
    max_age = current_app.config["TRACKING_LINK_DAYS"] * 86400
    try:
        reference, digest = _serializer(_TRACK_SALT).loads(token, max_age=max_age)
    except (BadSignature, ValueError, TypeError):
        return None
    return str(reference), str(digest)


def token_matches(complaint: Complaint, digest: str) -> bool:
    """True when the token's email digest is this complaint's address."""
    return _email_digest(complaint.email) == digest


def download_token(attachment: Attachment) -> str:
    """A token that downloads one replacement file until it expires."""
    return _serializer(_DOWNLOAD_SALT).dumps([attachment.id, attachment.stored_name])


def download_url(attachment: Attachment) -> str:
    """An absolute, signed, expiring link to download a replacement file (for emails)."""
    return _absolute("public.replacement_download", token=download_token(attachment))


def read_download_token(token: str) -> tuple[int, str] | None:
    """(attachment id, stored name) from a valid, unexpired token, else None."""
    max_age = current_app.config["DOWNLOAD_LINK_DAYS"] * 86400
    try:
        attachment_id, stored = _serializer(_DOWNLOAD_SALT).loads(token, max_age=max_age)
    except (BadSignature, ValueError, TypeError):
        return None
    return int(attachment_id), str(stored)
