"""Every route is on the blueprint of its audience, found by walking the URL map (so a new
route is covered): /staff URLs on staff or manager, every other page on public (and
/healthz on health); manager routes refuse agents (403) and anonymous visitors (the login);
staff routes let agents in. docs/architecture.md, "Where each route lives", says the same."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from tests.services.casework_support import login, new_complaint
from tests.web.routes_support import example_url

#: Routes a newcomer might look for on the wrong side, and the blueprint that has them.
PLACES = {
    "/": "public",
    "/track/case/review": "public",
    "/track/case/rating": "public",
    "/track/case/files/<int:attachment_id>": "public",
    "/download/<token>": "public",
    "/staff/login": "staff",
    "/staff/": "staff",
    "/staff/complaints/<reference>/outcome/<kind>": "staff",
    "/staff/complaints/<reference>/emails/<int:email_id>/retry": "staff",
    "/staff/attachments/<int:attachment_id>": "staff",
    "/staff/manage/reviews": "manager",
    "/staff/manage/complaints/<reference>/final/<kind>": "manager",
    "/staff/manage/complaints/<reference>/mediation": "manager",
    "/staff/complaints/<reference>/case-file.pdf": "manager",
    "/staff/complaints/<reference>/evidence-bundle.zip": "manager",
    "/staff/team": "manager",
    "/healthz": "health",
}


def _rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def _blueprint(rule: Rule) -> str:
    return rule.endpoint.rpartition(".")[0]


def _requests(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) & {"GET", "POST"})


def test_every_route_is_on_the_blueprint_of_its_audience(app: Flask) -> None:
    rules = _rules(app)
    for rule in rules:
        place = _blueprint(rule)
        if rule.rule.startswith("/staff"):
            assert place in {"staff", "manager"}, (rule.rule, rule.endpoint)
        elif rule.rule == "/healthz":
            assert place == "health", rule.endpoint
        else:
            assert place == "public", (rule.rule, rule.endpoint)
    found = {rule.rule: _blueprint(rule) for rule in rules}
    assert {path: found.get(path) for path in PLACES} == PLACES
    # One blueprint per audience, nested in none: the endpoint's first part is the blueprint.
    assert set(app.blueprints) == {"public", "staff", "manager", "health"}


def test_manager_routes_refuse_agents_and_anonymous_visitors(
    app: Flask, client: FlaskClient, make_staff: Any
) -> None:
    reference = new_complaint().reference
    rules = [rule for rule in _rules(app) if _blueprint(rule) == "manager"]
    assert len(rules) >= 8
    anonymous = app.test_client()
    login(client, make_staff("agent"))
    for rule in rules:
        url = example_url(rule, reference)
        for method in _requests(rule):
            away = anonymous.open(url, method=method)
            assert away.status_code == 302, (method, url, away.status_code)
            assert away.headers["Location"].startswith("/staff/login"), (method, url)
            refused = client.open(url, method=method)
            assert refused.status_code == 403, (method, url, refused.status_code)
            assert "You do not have permission to do that." in refused.get_data(as_text=True)


def test_staff_routes_let_agents_in(app: Flask, client: FlaskClient, make_staff: Any) -> None:
    """Any member of staff may use the staff blueprint (a missing file is a 404, a form sent
    empty is refused with its messages: never the 403 of a manager's page)."""
    reference = new_complaint().reference
    login(client, make_staff("agent"))
    rules = [
        rule
        for rule in _rules(app)
        if _blueprint(rule) == "staff" and rule.endpoint not in {"staff.login", "staff.logout"}
    ]
    assert len(rules) >= 10
    for rule in rules:
        url = example_url(rule, reference)
        for method in _requests(rule):
            answer = client.open(url, method=method)
            assert answer.status_code not in {401, 403}, (method, url, answer.status_code)
            assert answer.status_code < 500, (method, url, answer.status_code)
            assert "/staff/login" not in answer.headers.get("Location", ""), (method, url)


def test_every_page_renders_for_its_audience(
    app: Flask, client: FlaskClient, make_staff: Any
) -> None:
    """Every GET route answers without an error for the people it is for (a link to an
    endpoint that is gone would raise BuildError while rendering)."""
    reference = new_complaint().reference
    agent, manager = app.test_client(), client
    login(agent, make_staff("agent"))
    login(manager, make_staff("manager"))
    visitors = {"public": app.test_client(), "health": agent, "staff": agent, "manager": manager}
    seen = set()
    for rule in _rules(app):
        if "GET" not in (rule.methods or set()):
            continue
        place = _blueprint(rule)
        answer = visitors[place].get(example_url(rule, reference))
        assert answer.status_code < 500 or place == "health", (rule.rule, answer.status_code)
        assert answer.status_code != 403, rule.rule
        seen.add(place)
    assert seen == {"public", "staff", "manager", "health"}
