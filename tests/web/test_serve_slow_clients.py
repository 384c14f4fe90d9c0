"""Slow uploading clients cannot starve the service (issue 10: two clients at 20 kB/s froze
both sync workers and /healthz took 14 s).

The real gunicorn with the production settings (gthread, 2 workers x 4 threads) on
loopback; raw sockets send a multipart upload at 10 kB/s for a few seconds while /healthz
is asked. The same clients against 2 sync workers (gunicorn's default class) show what the
settings fix. `pytest -s` prints the figures (docs/performance.md, "Slow clients").
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.serve_support import SlowUpload, get_seconds, gunicorn, server_env

TRICKLE_SECONDS = 3.0
QUICK = 1.0


@pytest.fixture(scope="module")
def production_server(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[str]:
    """gunicorn exactly as `make serve` starts it."""
    tmp = tmp_path_factory.mktemp("serve")
    with gunicorn(server_env(tmp, sqlite_template), log=tmp / "gunicorn.log") as url:
        yield url


def _health_while_slow_uploads(base_url: str, clients: int) -> list[float]:
    """Start `clients` slow uploads, then time /healthz three times while they trickle."""
    uploads = [SlowUpload(base_url, TRICKLE_SECONDS) for _ in range(clients)]
    for upload in uploads:
        upload.start()
    time.sleep(0.5)  # every upload is in a worker by now, its body arriving
    timings = []
    for _ in range(3):
        timings.append(get_seconds(f"{base_url}/healthz"))
        time.sleep(0.2)
    for upload in uploads:
        upload.join(TRICKLE_SECONDS + 5)
    assert all(upload.sent > 0 for upload in uploads)
    print(f"\n{clients} slow clients: /healthz took {', '.join(f'{t:.3f}' for t in timings)} s")
    return timings


# 3 = threads - 1: even when one worker took every slow client, a thread of it is free. More
# slow clients than that may land on one worker and hold up what it accepts next: a buffering
# reverse proxy is the answer there (README, Production).
@pytest.mark.parametrize("clients", [2, 3])
def test_healthz_answers_at_once_while_clients_upload_slowly(
    production_server: str, clients: int
) -> None:
    timings = _health_while_slow_uploads(production_server, clients)
    assert max(timings) < QUICK


def test_two_sync_workers_are_frozen_by_two_slow_clients(
    tmp_path: Path, sqlite_template: Path
) -> None:
    """The setting before the fix (and gunicorn's default): the check above would fail."""
    env = server_env(tmp_path, sqlite_template)
    with gunicorn(env, "--worker-class", "sync", "--threads", "1", "--workers", "2") as url:
        timings = _health_while_slow_uploads(url, 2)
    assert timings[0] > TRICKLE_SECONDS - 1.5
