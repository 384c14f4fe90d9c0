"""Cross-cutting web behaviour: /healthz, security headers, CSRF on every POST, error pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app


def test_healthz_reports_database_and_search(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["checks"]["database"] == "ok"
    assert body["status"] == "ok"


def test_healthz_says_when_the_database_is_gone(tmp_path: Any) -> None:
    broken = make_app(tmp_path, f"sqlite:///{tmp_path}/missing-dir/none.sqlite3")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"].startswith("error")


def test_security_headers_on_every_page(client: FlaskClient) -> None:
    for path in ("/healthz", "/no-such-page"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"


def test_not_found_is_a_friendly_page(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Page not found" in response.data
    assert b"Traceback" not in response.data


def test_not_found_in_dutch(client: FlaskClient) -> None:
    response = client.get("/no-such-page", headers={"Accept-Language": "nl"})
    assert response.status_code == 404
    assert b'lang="nl"' in response.data


@pytest.fixture
def csrf_app(new_app: Callable[..., Flask]) -> Flask:
    return new_app(WTF_CSRF_ENABLED=True)


def _concrete(rule: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: "1" if "id" in m.group(1) else "x", rule)


def test_every_post_route_demands_a_csrf_token(csrf_app: Flask) -> None:
    """Walks the URL map, so a route added later is covered without touching this test."""
    client = csrf_app.test_client()
    posts = [r for r in csrf_app.url_map.iter_rules() if "POST" in (r.methods or set())]
    for rule in posts:
        response = client.post(_concrete(rule.rule), data={"anything": "1"})
        # Either the CSRF check refuses it (400), or the login wall stops it first (302/401/403).
        assert response.status_code in (400, 302, 401, 403), rule.rule
        if response.status_code == 400:
            assert b"expired" in response.data or b"verlopen" in response.data, rule.rule


def test_holiday_categories_keep_public_holidays() -> None:
    from helpdesk.config import _categories

    assert _categories("") == ()
    assert _categories("optional") == ("public", "optional")
    assert _categories("public,optional") == ("public", "optional")


def test_proxy_hops_take_the_client_address_from_the_proxy(tmp_path: Any) -> None:
    from flask import request

    proxied = make_app(tmp_path, f"sqlite:///{tmp_path}/p.sqlite3", PROXY_HOPS=0)
    assert proxied.wsgi_app.__class__.__name__ != "ProxyFix"
    import os

    os.environ["HELPDESK_PROXY_HOPS"] = "1"
    try:
        behind = make_app(tmp_path, f"sqlite:///{tmp_path}/q.sqlite3")
    finally:
        del os.environ["HELPDESK_PROXY_HOPS"]

    @behind.get("/whoami")
    def whoami() -> str:
        return request.remote_addr or ""

    response = behind.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"})
    assert response.data == b"203.0.113.7"
