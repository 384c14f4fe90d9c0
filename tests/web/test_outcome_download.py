"""Replacement files: a signed, expiring link that always downloads; anything else gets help."""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from helpdesk.domain.outcomes import OutcomeKind
from helpdesk.files.uploads import Upload
from helpdesk.models import Attachment
from helpdesk.models.types import utcnow
from helpdesk.runtime.links import _DOWNLOAD_SALT, download_token
from helpdesk.services.outcomes import OutcomeInput, give_outcome
from tests.services.outcomes_support import epub_bytes, fast_staff, new_complaint, open_case


def _send_file(**complaint: Any) -> Attachment:
    agent = fast_staff("agent")
    case = new_complaint(now=utcnow(), **complaint)
    data = OutcomeInput(
        kind=OutcomeKind.REPLACEMENT_FILE,
        body="Here is your corrected book. {download_link_note}",
        file=Upload("Corrected <Book>.epub", epub_bytes()),
        root_cause="download_server",
    )
    outcome = give_outcome(case, agent, data, seen=case.version)
    assert outcome.attachment is not None
    return outcome.attachment


def _old_token(attachment: Attachment, days_ago: int) -> str:
    """A token signed `days_ago` days ago (as if the email were that old)."""

    class PastSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - days_ago * 86400

    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_DOWNLOAD_SALT)
    serializer.signer = PastSigner  # type: ignore[assignment]
    return serializer.dumps([attachment.id, attachment.stored_name])


def test_a_valid_link_downloads_the_file(app: Flask, client: FlaskClient) -> None:
    attachment = _send_file()
    response = client.get(f"/download/{download_token(attachment)}")
    assert response.status_code == 200
    assert response.data == epub_bytes()
    assert response.headers["Content-Type"] == "application/epub+zip"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "Corrected" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    response.close()


def test_a_link_from_13_days_ago_still_works(app: Flask, client: FlaskClient) -> None:
    attachment = _send_file()
    response = client.get(f"/download/{_old_token(attachment, 13)}")
    assert response.status_code == 200
    response.close()


def test_an_expired_link_gets_a_friendly_page(app: Flask, client: FlaskClient) -> None:
    attachment = _send_file()
    response = client.get(f"/download/{_old_token(attachment, 15)}")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "This download link has expired or is not valid" in html
    assert 'href="/track"' in html and "attachment" not in response.headers.get(
        "Content-Disposition", ""
    )


@pytest.mark.parametrize("tamper", ["flip", "garbage", "empty-ish"])
def test_a_tampered_link_gets_the_same_page(app: Flask, client: FlaskClient, tamper: str) -> None:
    attachment = _send_file()
    token = download_token(attachment)
    bad = {
        "flip": token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"),
        "garbage": "not-a-token",
        "empty-ish": "x",
    }[tamper]
    response = client.get(f"/download/{bad}")
    assert response.status_code == 404
    assert "This download link has expired or is not valid" in response.get_data(as_text=True)


def test_a_customers_own_evidence_is_not_served_here(app: Flask, client: FlaskClient) -> None:
    from helpdesk.extensions import db
    from helpdesk.files.storage import store_upload
    from tests.services.outcomes_support import png_bytes

    complaint = new_complaint(now=utcnow())
    evidence = store_upload(
        Upload("photo.png", png_bytes()), complaint=complaint, message=None, uploaded_by="customer"
    )
    db.session.commit()
    assert client.get(f"/download/{download_token(evidence)}").status_code == 404


def test_the_tracking_page_offers_a_fresh_link(app: Flask, client: FlaskClient) -> None:
    attachment = _send_file()
    open_case(client, attachment.complaint)
    html = client.get("/track/case").get_data(as_text=True)
    assert "Download the replacement file" in html
    start = html.index('href="/download/') + len('href="/download/')
    token = html[start : html.index('"', start)]
    response = client.get(f"/download/{token}")
    assert response.status_code == 200
    response.close()
    assert "Corrected &lt;Book&gt;.epub" in html  # the file name, escaped


def test_a_closed_case_offers_no_fresh_link(app: Flask, client: FlaskClient) -> None:
    from helpdesk.domain.lifecycle import Status
    from helpdesk.extensions import db
    from helpdesk.services.lifecycle import change_status

    attachment = _send_file()
    change_status(attachment.complaint, Status.CLOSED, now=utcnow(), actor="system")
    db.session.commit()
    open_case(client, attachment.complaint)
    html = client.get("/track/case").get_data(as_text=True)
    assert "Our decision" in html and "/download/" not in html
