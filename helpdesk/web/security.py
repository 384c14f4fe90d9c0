"""Security headers on every response (a strict CSP, no framing, no sniffing), and the log of
security events: one structured line each on the `helpdesk.security` logger."""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, Response, has_request_context, request

#: Failed logins, refused roles (403), CSRF failures and rate limits (429) are logged here.
security_log = logging.getLogger("helpdesk.security")


def security_event(event: str, **fields: Any) -> None:
    """Log one security event as `security <event> {json}` with the request's address and path.

    Never a password or a session token; an email address only where it names the account
    that was tried."""
    if has_request_context():
        fields.setdefault("ip", request.remote_addr)
        fields.setdefault("method", request.method)
        fields.setdefault("path", request.path)
    security_log.warning("security %s %s", event, json.dumps(fields, sort_keys=True, default=str))


CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    # Tracking links carry a signed token: never leak it to another site.
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.path.startswith("/staff"):
        # Staff pages show customers' personal data: never kept by a browser or a proxy.
        response.headers.setdefault("Cache-Control", "private, no-store")
    return response


def init_app(app: Flask) -> None:
    """Register the header hook."""
    app.after_request(_headers)
