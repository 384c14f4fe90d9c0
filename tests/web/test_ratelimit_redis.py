"""Rate limits shared between worker processes through Redis (issue 10: with limits in each
worker's memory, 30 POSTs from one address got 7 accepted against a limit of 5).

Two real gunicorn servers (one worker each, as two workers of one server are: separate
processes on one database) take turns answering 30 complaint-form POSTs from one address;
the form allows 5 a minute per address. With HELPDESK_RATELIMIT_STORAGE_URL on the test
Redis, 5 are answered in all; with memory://, each process lets its own 5 through. Each
test has its own key prefix, so parallel runs never count each other's requests.
"""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.web.serve_support import gunicorn, redis_url, server_env

LIMIT = 5  # views/public.py: the complaint form, per address per minute
POSTS = 30


def _answers(urls: list[str]) -> list[int]:
    """POST an (incomplete) complaint form 30 times from one browser, taking turns."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{urls[0]}/complaints/new", timeout=10) as page:
        html = page.read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert token is not None
    body = urllib.parse.urlencode({"csrf_token": token[1], "name": "Ann"}).encode()
    codes = []
    for n in range(POSTS):
        try:
            with opener.open(f"{urls[n % len(urls)]}/complaints/new", body, timeout=10) as r:
                codes.append(r.status)
        except urllib.error.HTTPError as refused:
            codes.append(refused.code)
            refused.close()
    return codes


@pytest.fixture
def key_prefix() -> Iterator[str]:
    """A prefix of this test's own; its keys are removed afterwards."""
    import redis

    prefix = f"helpdesk-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    with redis.Redis.from_url(redis_url()) as client:
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)


def _run(tmp_path: Path, sqlite_template: Path, **settings: str) -> list[int]:
    env = server_env(tmp_path, sqlite_template, **settings)
    with ExitStack() as servers:
        urls = [servers.enter_context(gunicorn(env, "--workers", "1")) for _ in range(2)]
        return _answers(urls)


def test_two_processes_share_one_limit_through_redis(
    tmp_path: Path, sqlite_template: Path, key_prefix: str
) -> None:
    codes = _run(
        tmp_path,
        sqlite_template,
        HELPDESK_RATELIMIT_STORAGE_URL=redis_url(),
        HELPDESK_RATELIMIT_KEY_PREFIX=key_prefix,
    )
    assert codes.count(429) == POSTS - LIMIT
    assert codes[:LIMIT] == [200] * LIMIT


def test_in_memory_each_process_counts_for_itself(tmp_path: Path, sqlite_template: Path) -> None:
    """What Redis fixes: the same requests against memory:// limits get twice the limit."""
    codes = _run(tmp_path, sqlite_template, HELPDESK_RATELIMIT_STORAGE_URL="memory://")
    assert POSTS - codes.count(429) == 2 * LIMIT
