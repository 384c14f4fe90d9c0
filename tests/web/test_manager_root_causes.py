"""/staff/manage/root-causes: managers add (English and Dutch names), rename, move, retire,
offer again and delete root causes through the real forms; the outcome form offers only the
active ones, in the order kept; bad names are told by their field with the typed text kept
and nothing stored; agents get 403, anonymous visitors the login page, a POST without the
CSRF token is refused."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.extensions import db
from helpdesk.models import RootCause
from helpdesk.models.types import utcnow
from helpdesk.services.root_causes import find_root_cause
from tests.services.casework_support import find_form, login, new_complaint, submit
from tests.services.outcomes_support import STAFF_PASSWORD, fast_staff, give_refund

URL = "/staff/manage/root-causes"
#: Every route of the page, as (method, path).
ROUTES = [
    ("get", URL),
    ("post", URL),
    ("get", f"{URL}/packing"),
    ("post", f"{URL}/packing"),
    ("post", f"{URL}/packing/move"),
    ("post", f"{URL}/packing/retire"),
    ("post", f"{URL}/packing/delete"),
]


@pytest.fixture
def manager(app: Flask) -> Any:
    return fast_staff("manager", name="Manager Mila")


@pytest.fixture
def manager_client(client: FlaskClient, manager: Any) -> FlaskClient:
    login(client, manager)
    return client


def _offered(client: FlaskClient) -> list[str]:
    """The root causes the outcome form offers, in its order."""
    complaint = new_complaint(now=utcnow())
    html = client.get(f"/staff/complaints/{complaint.reference}/outcome/refund").get_data(
        as_text=True
    )
    select = re.search(r'<select[^>]*name="outcome-root_cause".*?</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option[^>]*value="([a-z_]+)"', select.group(0))


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_agents_get_403_and_strangers_the_login(
    client: FlaskClient, app: Flask, method: str, path: str
) -> None:
    response = getattr(client, method)(path)
    assert response.status_code in (302, 303) and "/staff/login" in response.headers["Location"]
    login(client, fast_staff("agent"))
    assert getattr(client, method)(path, data={"name": "X", "name_nl": "Y"}).status_code == 403
    assert len(db.session.query(RootCause).all()) == 8
    cause = find_root_cause("packing")
    assert cause is not None and cause.active and cause.name is None


def test_the_list_and_the_header_link(manager_client: FlaskClient) -> None:
    html = manager_client.get(URL).get_data(as_text=True)
    assert "<h1>Root causes</h1>" in html
    assert html.count('<tr id="cause-') == 8
    assert "Schade door vervoerder" in html and "Carrier damage" in html
    for button in ("Rename", "Retire", "Delete", "Up", "Down", "Add root cause"):
        assert f">{button}<" in html
    assert 'href="/staff/manage/corrective-actions"' in html  # the staff header, for managers


def test_add_rename_move_retire_and_delete(manager_client: FlaskClient) -> None:
    client = manager_client
    page = client.get(URL).get_data(as_text=True)
    added = submit(client, page, "Add root cause",
                   {"English name": "Late courier", "Dutch name": "Te late koerier"})  # fmt: skip
    assert added.status_code == 303
    listed = client.get(added.headers["Location"]).get_data(as_text=True)
    assert "Root cause “Late courier” added." in listed and "Te late koerier" in listed
    assert _offered(client)[-1] == "late_courier"

    edit = client.get(f"{URL}/packing").get_data(as_text=True)
    form = find_form(edit, "Save names").data()
    assert (form["name"], form["name_nl"]) == ("Packing", "Verpakking")
    names = {"English name": "Packing at the warehouse", "Dutch name": "Inpakken in het magazijn"}
    saved = submit(client, edit, "Save names", names)
    assert saved.status_code == 303
    packing = find_root_cause("packing")
    assert packing is not None and packing.name_nl == "Inpakken in het magazijn"
    assert "Inpakken in het magazijn" in client.get(URL + "?lang=nl").get_data(as_text=True)
    client.get(URL + "?lang=en")

    assert client.post(f"{URL}/late_courier/move", data={"step": "up"}).status_code == 303
    assert _offered(client)[-2:] == ["late_courier", "other"]
    assert client.post(f"{URL}/packing/move", data={"step": "sideways"}).status_code == 400

    assert client.post(f"{URL}/other/retire", data={"retired": "1"}).status_code == 303
    assert "“Other” is retired" in client.get(URL).get_data(as_text=True)
    assert "other" not in _offered(client)
    client.post(f"{URL}/other/retire", data={"retired": "0"})
    assert "other" in _offered(client)

    assert client.post(f"{URL}/late_courier/delete").status_code == 303
    assert find_root_cause("late_courier") is None
    assert client.get(f"{URL}/late_courier").status_code == 404


def test_a_used_root_cause_is_retired_not_deleted(manager_client: FlaskClient) -> None:
    give_refund(new_complaint(now=utcnow()), fast_staff("agent"))  # names "packing"
    html = manager_client.get(URL).get_data(as_text=True)
    row = re.search(r'<tr id="cause-packing">.*?</tr>', html, re.S)
    assert row is not None and ">Delete<" not in row.group(0) and ">Retire<" in row.group(0)
    refused = manager_client.post(f"{URL}/packing/delete")
    assert refused.status_code == 303
    assert "retire it instead" in manager_client.get(URL).get_data(as_text=True)
    assert find_root_cause("packing") is not None


def test_bad_names_are_told_by_their_field(manager_client: FlaskClient) -> None:
    client = manager_client
    page = client.get(URL).get_data(as_text=True)
    response = submit(client, page, "Add root cause",
                      {"English name": "carrier damage", "Dutch name": "   "})  # fmt: skip
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="name-error">There is already a root cause with this name.<', html)
    assert re.search(r'id="name_nl-error">Give the root cause a Dutch name.<', html)
    assert 'value="carrier damage"' in html  # what was typed stays
    assert len(db.session.query(RootCause).all()) == 8
    edit = client.get(f"{URL}/packing").get_data(as_text=True)
    long = submit(client, edit, "Save names", {"English name": "x" * 101, "Dutch name": "Doos"})
    assert long.status_code == 422
    assert re.search(r'id="name-error">At most 100 characters.<', long.get_data(as_text=True))
    packing = find_root_cause("packing")
    assert packing is not None and (packing.name, packing.name_nl) == (None, None)


def test_dutch_managers_read_dutch(manager_client: FlaskClient) -> None:
    html = manager_client.get(URL + "?lang=nl").get_data(as_text=True)
    assert "<h1>Oorzaken</h1>" in html and "Nederlandse naam" in html
    response = manager_client.post(URL, data={"name": "", "name_nl": "Weer"})
    assert "Geef de oorzaak een Engelse naam." in response.get_data(as_text=True)


class TestCsrf:
    """With CSRF checked, as in production."""

    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"WTF_CSRF_ENABLED": True}

    def test_a_post_needs_the_pages_token(self, client: FlaskClient, manager: Any) -> None:
        page = client.get("/staff/login").get_data(as_text=True)
        submit(client, page, "Log in", {"Email": manager.email, "Password": STAFF_PASSWORD})
        forged = client.post(URL, data={"name": "Weather", "name_nl": "Weer"})
        assert forged.status_code == 400
        assert find_root_cause("weather") is None
        page = client.get(URL).get_data(as_text=True)
        assert client.post(f"{URL}/other/retire", data={"retired": "1"}).status_code == 400
        added = submit(client, page, "Add root cause",
                       {"English name": "Weather", "Dutch name": "Weer"})  # fmt: skip
        assert added.status_code == 303 and find_root_cause("weather") is not None
