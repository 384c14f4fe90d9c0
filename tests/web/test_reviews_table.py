"""The reviews table (/staff/manage/reviews): an overdue final response is flagged in words
and with a sign, not colour alone, and reference codes never wrap mid-code (issue 14 item 6)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.services.outcomes_support import (
    login,
    review_team,
    reviewed,
)


@pytest.fixture
def people(app: Flask) -> dict[str, Any]:
    return review_team()


def test_the_reviews_table_flags_an_overdue_final_response(
    client: FlaskClient, people: dict[str, Any]
) -> None:
    late = reviewed(people, days_ago=20)  # 7 business days passed long ago
    fresh = reviewed(people, days_ago=0)
    login(client, people["second"])
    html = client.get("/staff/manage/reviews").get_data(as_text=True)
    rows = {row.split("</tr>")[0] for row in html.split("<tr")[1:]}
    late_row = next(row for row in rows if late.display_reference in row)
    fresh_row = next(row for row in rows if fresh.display_reference in row)
    assert late_row.startswith(' class="overdue"') and "days overdue" in late_row
    assert '<svg class="icon" aria-hidden="true"' in late_row  # not colour alone
    assert "overdue" not in fresh_row
    assert "business days left" in fresh_row
    code = f'<a class="ref-code" href="/staff/complaints/{late.reference}">'
    assert code + late.display_reference + "</a>" in html


def test_the_reviews_table_is_for_managers(client: FlaskClient, people: dict[str, Any]) -> None:
    response = client.get("/staff/manage/reviews")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    login(client, people["agent"])
    assert client.get("/staff/manage/reviews").status_code == 403


def test_reference_codes_never_wrap() -> None:

    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "app.css").read_text()
    rule = re.search(r"\.ref-code \{([^}]*)\}", css)
    assert rule is not None and "white-space: nowrap" in rule.group(1)
