""" "Leave" ends the customer's session on the server (issue 10): a copied customer cookie
still opened the case after "Leave", as the opened case lived in the signed cookie only."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from helpdesk.extensions import db
from helpdesk.models import Complaint, EndedCustomerSession
from helpdesk.models.types import utcnow
from helpdesk.runtime import links
from helpdesk.services.customer_sessions import end_session, is_ended
from helpdesk.services.submission import Upload, submit_complaint
from tests.services.test_submission import new_complaint, png_bytes
from tests.web.test_public_submit import submit
from tests.web.test_public_track import opened


def cookie(client: FlaskClient) -> str:
    """The value of the client's session cookie, as someone copying it would take it."""
    found = client.get_cookie("session")
    assert found is not None
    return found.value


def replay(app: Flask, value: str) -> FlaskClient:
    """Another browser holding a copy of that cookie."""
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def shows_case(client: FlaskClient, complaint: Complaint) -> bool:
    response = client.get("/track/case")
    if response.status_code == 302:
        assert response.headers["Location"] == "/track"
        return False
    assert response.status_code == 200
    return complaint.display_reference in response.get_data(as_text=True)


def test_a_copied_cookie_no_longer_opens_the_case_after_leave(
    app: Flask, client: FlaskClient
) -> None:
    complaint = submit_complaint(new_complaint(), [Upload("photo.png", png_bytes())])
    download = f"/track/case/files/{complaint.attachments[0].id}"
    opened(client, complaint)
    copied = cookie(client)
    assert shows_case(replay(app, copied), complaint)  # a copy works while it is open
    fetched = replay(app, copied).get(download)
    assert fetched.status_code == 200
    fetched.close()

    response = client.post("/track/leave")
    assert response.status_code == 303
    assert not shows_case(client, complaint)
    thief = replay(app, copied)
    assert not shows_case(thief, complaint)
    assert thief.get(download).status_code == 404
    answer = thief.post("/track/case/answer", data={"body": "Hello"})
    assert answer.status_code == 303 and answer.headers["Location"] == "/track"


def test_leaving_on_one_device_leaves_the_others_open(app: Flask, client: FlaskClient) -> None:
    complaint = submit_complaint(new_complaint())
    phone = app.test_client()
    opened(client, complaint)
    opened(phone, complaint)
    client.post("/track/leave")
    assert not shows_case(client, complaint)
    assert shows_case(phone, complaint)


def test_the_signed_link_still_opens_the_case_after_leave(app: Flask, client: FlaskClient) -> None:
    complaint = submit_complaint(new_complaint())
    with app.test_request_context():
        link = links.tracking_url(complaint).replace("http://localhost", "")
    assert client.get(link).status_code == 303
    copied = cookie(client)
    client.post("/track/leave")
    assert not shows_case(replay(app, copied), complaint)
    assert client.get(link).status_code == 303  # a new session, with an id of its own
    assert shows_case(client, complaint)
    assert not shows_case(replay(app, copied), complaint)


def test_a_copy_taken_at_submission_cannot_show_the_code_after_leave(
    app: Flask, client: FlaskClient
) -> None:
    assert submit(client).status_code == 303
    copied = cookie(client)  # before the confirmation page was seen
    client.post("/track/leave")
    thief = replay(app, copied)
    response = thief.get("/complaints/submitted")
    assert response.status_code == 302 and response.headers["Location"] == "/track"
    assert not shows_case(thief, db.session.query(Complaint).one())


def test_ended_sessions_are_forgotten_once_their_cookie_has_expired(app: Flask) -> None:
    now = utcnow()
    end_session("old", expires_at=now + timedelta(hours=1), now=now)
    end_session("old", expires_at=now + timedelta(hours=1), now=now)  # leaving twice is fine
    assert is_ended("old") and not is_ended("other")
    end_session("new", expires_at=now + timedelta(hours=14), now=now + timedelta(hours=2))
    assert not is_ended("old") and is_ended("new")
    assert db.session.query(EndedCustomerSession).count() == 1
    stored = db.session.query(EndedCustomerSession).one()
    assert "new" not in stored.session_hash and len(stored.session_hash) == 64
