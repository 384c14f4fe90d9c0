"""/staff/manage/corrective-actions through the real forms: an action's whole life (recorded
with typed and ticked complaints, marked done, checked) with the root cause's share before
and after against figures worked out by hand; the list's three parts; bad input told by the
field, typed text kept, nothing stored; the complaints to tick (htmx and without
JavaScript); the case page's link and list; agents get 403, strangers the login page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.extensions import db
from helpdesk.models import Complaint, CorrectiveAction
from helpdesk.services.reports import shop_today
from tests.services.casework_support import find_form, login, submit
from tests.services.outcomes_support import fast_staff, resolved_on

URL = "/staff/manage/corrective-actions"
ROUTES = [
    ("get", URL),
    ("get", f"{URL}/new"),
    ("post", f"{URL}/new"),
    ("get", f"{URL}/1"),
    ("post", f"{URL}/1/done"),
    ("post", f"{URL}/1/check"),
]


@pytest.fixture
def people(app: Flask) -> dict[str, Any]:
    return {"manager": fast_staff("manager", name="Manager Mila"),
            "agent": fast_staff("agent", name="Owner Olga")}  # fmt: skip


@pytest.fixture
def manager_client(client: FlaskClient, people: dict[str, Any]) -> FlaskClient:
    login(client, people["manager"])
    return client


def _resolved(day: date, root_cause: str, agent: Any) -> Complaint:
    """A complaint received on `day` (shop date) whose outcome, a day later, names `root_cause`."""
    return resolved_on(day, root_cause, agent, hour=10)


def _fill(people: dict[str, Any], **changes: str) -> dict[str, str]:
    values = {
        "What will be done": "Double-box glass and ceramics",
        "Root cause": "packing",
        "Owner": str(people["agent"].id),
        "Due date": (shop_today() + timedelta(days=10)).isoformat(),
        "Check whether it worked after (days)": "14",
        "Details (optional)": "Two boxes, <b>always</b>.",
    }
    values.update(changes)
    return values


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_agents_get_403_and_strangers_the_login(
    client: FlaskClient, people: dict[str, Any], method: str, path: str
) -> None:
    response = getattr(client, method)(path)
    assert response.status_code in (302, 303) and "/staff/login" in response.headers["Location"]
    login(client, people["agent"])
    assert getattr(client, method)(path, data={"title": "Sneaky"}).status_code == 403
    assert db.session.query(CorrectiveAction).count() == 0


def test_the_whole_life_of_an_action(manager_client: FlaskClient, people: dict[str, Any]) -> None:
    client, agent = manager_client, people["agent"]
    done_on = shop_today() - timedelta(days=30)
    # Before (the 14 days up to done_on): packing, packing, other -> 2 of 3 = 67 %.
    # After (done_on and the 13 days after): packing, other x3 -> 1 of 4 = 25 %.
    before = [_resolved(done_on - timedelta(days=n), cause, agent)
              for n, cause in ((10, "packing"), (5, "packing"), (3, "other"))]  # fmt: skip
    for n, cause in ((1, "packing"), (2, "other"), (5, "other"), (8, "other")):
        _resolved(done_on + timedelta(days=n), cause, agent)
    _resolved(done_on + timedelta(days=20), "packing", agent)  # after both windows

    page = client.get(f"{URL}/new").get_data(as_text=True)
    assert "<h1>Record a corrective action</h1>" in page
    form = find_form(page, "Record action")
    data = form.data()
    data.update({"title": "Double-box glass and ceramics", "root_cause": "packing",
                 "owner": str(agent.id), "due_on": (shop_today() + timedelta(days=10)).isoformat(),
                 "check_after_days": "14", "action": "save",
                 "complaints": f"{before[0].display_reference.lower()}, {before[1].reference}",
                 "picked": [before[2].reference]})  # fmt: skip
    recorded = client.post(form.action, data=data)
    assert recorded.status_code == 303
    action = db.session.query(CorrectiveAction).one()
    assert [c.id for c in action.complaints] == [c.id for c in before]
    html = client.get(recorded.headers["Location"]).get_data(as_text=True)
    assert "Corrective action recorded." in html and "Owner Olga" in html
    assert all(c.display_reference in html for c in before)

    listed = client.get(URL).get_data(as_text=True)
    assert "1 open action" in listed and "Double-box glass and ceramics" in listed

    done = submit(client, html, "Mark as done", {"Done on": done_on.isoformat()})
    assert done.status_code == 303
    html = client.get(done.headers["Location"]).get_data(as_text=True)
    table = re.search(r'<table class="effect">.*?</table>', html, re.S)
    assert table is not None
    cells = re.findall(r"<td>([^<]*)</td>", table.group(0))
    assert cells == ["2", "3", "67%", "1", "4", "25%"]
    assert "Change: -41.7 percentage points." in html
    assert "Check due" in client.get(URL).get_data(as_text=True)  # done 30 days ago, 14 to wait

    check = find_form(html, "Record the check")
    answer = {**check.data(), "worked": "worked", "note": "Fewer broken mugs."}
    checked = client.post(check.action, data=answer)
    assert checked.status_code == 303
    html = client.get(checked.headers["Location"]).get_data(as_text=True)
    assert "It worked." in html and "Fewer broken mugs." in html
    assert (action.status, action.result, action.done_on) == ("done", "worked", done_on)
    listed = client.get(URL).get_data(as_text=True)
    checked_part = listed.split('id="checked-title"')[1]
    assert "Double-box glass and ceramics" in checked_part and "Worked" in checked_part


def test_bad_input_is_told_by_each_field(
    manager_client: FlaskClient, people: dict[str, Any]
) -> None:
    page = manager_client.get(f"{URL}/new").get_data(as_text=True)
    form = find_form(page, "Record action")
    data = form.data()
    data.update({"title": "  ", "root_cause": "", "owner": "", "due_on": "31-12-2026",
                 "check_after_days": "soon", "complaints": "ZZZZ-ZZZZ-ZZZZ <script>",
                 "action": "save"})  # fmt: skip
    response = manager_client.post(form.action, data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for field, message in (
        ("title", "Say what will be done."),
        ("root_cause", "Choose the root cause this action answers."),
        ("owner", "Choose who carries the action out."),
        ("due_on", "Enter the date it is due, as YYYY-MM-DD."),
        ("check_after_days", "Check after 1 to 730 days."),
        ("complaints", "No complaint has this reference code: &lt;script&gt;, ZZZZ-ZZZZ-ZZZZ."),
    ):
        assert re.search(rf'id="{field}-error">{re.escape(message)}<', html), field
    assert 'value="31-12-2026"' in html and 'value="soon"' in html
    assert "ZZZZ-ZZZZ-ZZZZ &lt;script&gt;</textarea>" in html and "<script>" not in html
    assert db.session.query(CorrectiveAction).count() == 0


def test_done_and_check_refuse_bad_input(
    manager_client: FlaskClient, people: dict[str, Any]
) -> None:
    page = manager_client.get(f"{URL}/new").get_data(as_text=True)
    recorded = submit(manager_client, page, "Record action", _fill(people))
    html = manager_client.get(recorded.headers["Location"]).get_data(as_text=True)
    assert "Two boxes, &lt;b&gt;always&lt;/b&gt;." in html  # escaped
    for typed, message in (("yesterday", "Enter the day it was done, as YYYY-MM-DD."),
                           ((shop_today() + timedelta(days=1)).isoformat(),
                            "Enter today or a day before it.")):  # fmt: skip
        response = submit(manager_client, html, "Mark as done", {"Done on": typed})
        assert response.status_code == 422
        body = response.get_data(as_text=True)
        assert re.search(rf'id="done_on-error">{re.escape(message)}<', body)
        assert f'value="{typed}"' in body
    action = db.session.query(CorrectiveAction).one()
    assert action.status == "open"
    submit(manager_client, html, "Mark as done")  # today
    html = manager_client.get(f"{URL}/{action.id}").get_data(as_text=True)
    refused = submit(manager_client, html, "Record the check", {"What you found (optional)": "?"})
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert re.search(r'id="worked-error">Say whether the action worked.<', body)
    assert "\n?</textarea>" in body and action.result is None
    assert manager_client.get(f"{URL}/{action.id + 1}").status_code == 404


def test_the_complaints_to_tick(manager_client: FlaskClient, people: dict[str, Any]) -> None:
    today = shop_today()
    older = _resolved(today - timedelta(days=9), "packing", people["agent"])
    newer = _resolved(today - timedelta(days=4), "packing", people["agent"])
    _resolved(today - timedelta(days=3), "other", people["agent"])
    page = manager_client.get(f"{URL}/new").get_data(as_text=True)
    form = find_form(page, "Record action").data()
    form.update({"root_cause": "packing", "title": "Kept as typed", "action": "pick"})
    fragment = manager_client.post(f"{URL}/new", data=form, headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="candidates"') and "<h1>" not in html
    assert html.index(newer.display_reference) < html.index(older.display_reference)
    assert html.count('type="checkbox"') == 2
    plain = manager_client.post(f"{URL}/new", data=form)  # without JavaScript: the whole page
    assert plain.status_code == 200
    body = plain.get_data(as_text=True)
    assert "<h1>Record a corrective action</h1>" in body and 'value="Kept as typed"' in body
    assert newer.display_reference in body
    assert db.session.query(CorrectiveAction).count() == 0


def test_the_case_page_links_both_ways(
    app: Flask, manager_client: FlaskClient, people: dict[str, Any]
) -> None:
    complaint = _resolved(shop_today() - timedelta(days=5), "packing", people["agent"])
    case = manager_client.get(f"/staff/complaints/{complaint.reference}").get_data(as_text=True)
    assert "No corrective action answers this complaint yet." in case
    link = re.search(r'href="([^"]+)">Record a corrective action for this complaint<', case)
    assert link is not None
    page = manager_client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    data = find_form(page, "Record action").data()
    assert (data["complaints"], data["root_cause"]) == (complaint.display_reference, "packing")
    submit(manager_client, page, "Record action", _fill(people))
    case = manager_client.get(f"/staff/complaints/{complaint.reference}").get_data(as_text=True)
    section = case.split('id="corrective-actions"')[1]
    assert "Double-box glass and ceramics" in section and "Open" in section
    agent = app.test_client()
    login(agent, people["agent"])
    agent_view = agent.get(f"/staff/complaints/{complaint.reference}").get_data(as_text=True)
    assert 'id="corrective-actions"' not in agent_view and "Corrective actions" not in agent_view
