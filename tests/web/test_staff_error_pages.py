"""Error pages under /staff stay inside the staff layout, with a way back to the inbox
(issue 14 item 6); elsewhere the public page."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.services.outcomes_support import (
    fast_staff,
    login,
    review_team,
)


@pytest.fixture
def people(app: Flask) -> dict[str, Any]:
    return review_team()


def test_a_staff_404_keeps_the_staff_layout_with_a_way_back(
    client: FlaskClient, people: dict[str, Any]
) -> None:
    login(client, people["agent"])
    response = client.get("/staff/complaints/ZZZZ-ZZZZ-ZZZZ")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and "Helpdesk" in html
    assert 'href="/staff/"' in html and "Back to the inbox" in html
    assert "Complaints helpdesk for staff" in html  # the staff footer
    response = client.get("/staff/no-such-page?lang=nl")
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and "Terug naar de inbox" in html


def test_a_staff_403_keeps_the_staff_layout(client: FlaskClient, people: dict[str, Any]) -> None:
    login(client, people["agent"])
    response = client.get("/staff/manage/reviews")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "Not allowed" in html and "Back to the inbox" in html and "Agent Anouk" in html


def test_public_404_stays_public(client: FlaskClient) -> None:
    html = client.get("/no-such-page").get_data(as_text=True)
    assert "Go to the home page" in html and "Back to the inbox" not in html


def test_a_staff_500_keeps_the_staff_layout(new_app: Any) -> None:
    """An unexpected error under /staff (outside testing mode, where the handler takes over)."""
    app = new_app(TESTING=False)

    def broken() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/staff/broken-for-a-test", view_func=broken)
    with app.app_context():
        agent = fast_staff("agent", name="Agent Olga")
        client = app.test_client()
        login(client, agent)
        response = client.get("/staff/broken-for-a-test")
        html = response.get_data(as_text=True)
        assert response.status_code == 500
        assert "Something went wrong on our side" in html and "Back to the inbox" in html
        assert "Agent Olga" in html
