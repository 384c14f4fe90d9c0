"""Rate limits on the customer's forms and links (flask-limiter), in memory and in Redis."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.domain.reference import generate_reference
from tests.services.test_submission import ensure_catalogs


@pytest.fixture
def app_config() -> dict[str, Any]:
    """This module's app enforces the limits (the other tests switch them off)."""
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex}


def _hits(client: FlaskClient, times: int, method: str, url: str, **kw: Any) -> list[int]:
    return [client.open(url, method=method, **kw).status_code for _ in range(times)]


def test_complaint_form_posts_are_limited_per_minute(client: FlaskClient) -> None:
    codes = _hits(client, 6, "POST", "/complaints/new", data={"name": "x"})
    assert codes[:5] == [200] * 5
    assert codes[5] == 429
    page = client.post("/complaints/new", data={"name": "x"}).get_data(as_text=True)
    assert "Too many attempts" in page and "Please wait a minute" in page
    # Reading the form is not limited, and another address is not affected.
    assert client.get("/complaints/new").status_code == 200
    other = client.post(
        "/complaints/new", data={"name": "x"}, environ_base={"REMOTE_ADDR": "10.0.0.7"}
    )
    assert other.status_code == 200


def test_track_posts_are_limited_per_minute(client: FlaskClient) -> None:
    data = {"reference": "ZZZZ-ZZZZ-ZZZZ", "email": "a@example.com"}
    codes = _hits(client, 11, "POST", "/track", data=data)
    assert codes[:10] == [200] * 10 and codes[10] == 429
    assert client.get("/track").status_code == 200


def test_signed_links_are_limited(client: FlaskClient) -> None:
    codes = _hits(client, 31, "GET", "/track/link/not-a-token")
    assert codes[:30] == [404] * 30 and codes[30] == 429


def test_the_too_many_page_speaks_dutch(client: FlaskClient) -> None:
    ensure_catalogs()
    headers = {"Accept-Language": "nl"}
    _hits(client, 10, "POST", "/track", data={}, headers=headers)
    page = client.post("/track", data={}, headers=headers)
    assert page.status_code == 429
    assert "Te veel pogingen" in page.get_data(as_text=True)


def _redis_url() -> str:
    url = os.environ.get("HELPDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    host, _, port = url.split("//", 1)[1].split("/", 1)[0].partition(":")
    try:
        socket.create_connection((host, int(port or 6379)), timeout=1).close()
    except OSError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis not reachable at {url}")
        pytest.skip(f"Redis not reachable at {url}")
    return url


@pytest.fixture
def redis_app(new_app: Callable[..., Flask]) -> Flask:
    """The app with its limits counted in Redis (as with several workers)."""
    return new_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=_redis_url(),
        RATELIMIT_KEY_PREFIX=f"helpdesk-test-{uuid.uuid4().hex}",
    )


def test_limits_are_shared_through_redis(redis_app: Flask) -> None:
    first, second = redis_app.test_client(), redis_app.test_client()
    # A code of its own: Flask-Limiter keeps one key prefix per process, so another test of
    # this process that tried a fixed code through Redis would have spent its ten tries.
    data = {"reference": generate_reference(), "email": "a@example.com"}
    assert _hits(first, 6, "POST", "/track", data=data) == [200] * 6
    # A second browser from the same address shares the count kept in Redis.
    assert _hits(second, 5, "POST", "/track", data=data) == [200] * 4 + [429]


def test_every_429_says_when_to_come_back(client: FlaskClient) -> None:
    """A refusal without Retry-After leaves people and scripts guessing (issue 10)."""
    for method, url, times in (
        ("POST", "/complaints/new", 6),
        ("POST", "/track", 11),
        ("GET", "/track/link/not-a-token", 31),
    ):
        response = None
        for _ in range(times):
            response = client.open(url, method=method, data={"name": "x"})
        assert response is not None and response.status_code == 429, url
        assert 0 < int(response.headers["Retry-After"]) <= 3600, url


def test_one_reference_code_gets_ten_guesses_an_hour_from_any_number_of_addresses(
    client: FlaskClient,
) -> None:
    """20 addresses x 10 guesses of the email for one known code were all answered."""
    codes = []
    for n in range(12):
        data = {
            "reference": "abcd efgh jk12" if n % 2 else "ABCD-EFGH-JK12",  # any spelling
            "email": f"guess{n}@example.com",
        }
        codes.append(
            client.post(
                "/track", data=data, environ_base={"REMOTE_ADDR": f"10.0.{n}.1"}
            ).status_code
        )
    assert codes[:10] == [200] * 10 and codes[10:] == [429, 429]
    other = {"reference": "ZZZZ-ZZZZ-ZZZZ", "email": "a@example.com"}
    assert (
        client.post("/track", data=other, environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code
        == 200
    )
