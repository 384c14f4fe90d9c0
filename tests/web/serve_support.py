"""The real gunicorn with the production settings (helpdesk.ops.gunicorn_conf) on a free
loopback port and a copy of the migrated SQLite database, for tests that need real worker
processes: slow clients, rate limits shared between processes, `make serve`'s runner."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
GUNICORN_CONF = "python:helpdesk.ops.gunicorn_conf"
SECRET = "serve-test-secret-not-for-production"


def server_env(tmp: Path, template: Path, **settings: str) -> dict[str, str]:
    """HELPDESK_* settings for a server whose database and files live under `tmp`."""
    tmp.mkdir(parents=True, exist_ok=True)
    db_file = tmp / "helpdesk.sqlite3"
    if not db_file.exists():
        shutil.copy(template, db_file)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env.update(
        {
            "HELPDESK_DATABASE_URL": f"sqlite:///{db_file}",
            "HELPDESK_DATA_DIR": str(tmp / "data"),
            "HELPDESK_SECRET_KEY": SECRET,
            "HELPDESK_SMTP_URL": "smtp://127.0.0.1:9",
            "HELPDESK_BASE_URL": "http://127.0.0.1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(settings)
    return env


def wait_until_up(base_url: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Poll /healthz until it answers 200; AssertionError when the server exits or never answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited with {proc.returncode}")
        with suppress(OSError), urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as answer:  # noqa: S310
            if answer.status == 200:
                return
        time.sleep(0.2)
    raise AssertionError(f"{base_url} did not answer within {timeout:.0f} s")


@contextmanager
def gunicorn(env: dict[str, str], *args: str, log: Path | None = None) -> Iterator[str]:
    """gunicorn with the production config (plus `args`, which win) on a free port; yields
    its base URL and stops it (SIGTERM, then SIGKILL) afterwards."""
    port = free_port()
    argv = [sys.executable, "-m", "gunicorn", "-c", GUNICORN_CONF, *args]
    out = open(log or os.devnull, "wb")  # noqa: SIM115 — closed below
    proc = subprocess.Popen(
        argv,
        cwd=ROOT,
        env={**env, "HELPDESK_BIND": f"127.0.0.1:{port}"},
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_up(base_url, proc)
        except AssertionError as exc:
            printed = log.read_text(errors="replace")[-3000:] if log else "(no log kept)"
            raise AssertionError(f"{exc}; gunicorn printed:\n{printed}") from None
        yield base_url
    finally:
        stop_group(proc)
        out.close()


def stop_group(proc: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    """SIGTERM to the process's group, SIGKILL after `timeout`."""
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def get_seconds(url: str, timeout: float = 15.0) -> float:
    """Seconds a GET of `url` takes to answer 200."""
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310
        assert answer.status == 200
        answer.read()
    return time.monotonic() - started


class SlowUpload(threading.Thread):
    """A client that uploads a photo in a multipart POST at `rate` bytes/s for `seconds`,
    then hangs up (as a phone on a bad connection does)."""

    def __init__(self, base_url: str, seconds: float, rate: int = 10_000) -> None:
        super().__init__(daemon=True)
        host, port = base_url.removeprefix("http://").split(":")
        self.address = (host, int(port))
        self.seconds, self.rate = seconds, rate
        self.sent = 0

    def run(self) -> None:
        boundary = "slowclientboundary"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
            f'filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        length = 2 * 1024 * 1024  # what it announces; it never gets that far
        request = (
            f"POST /complaints/new HTTP/1.1\r\nHost: {self.address[0]}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {length}\r\n\r\n"
        ).encode()
        chunk = b"\xff" * (self.rate // 10)
        with socket.create_connection(self.address, timeout=10) as sock:
            sock.sendall(request + head)
            deadline = time.monotonic() + self.seconds
            while time.monotonic() < deadline:
                sock.sendall(chunk)
                self.sent += len(chunk)
                time.sleep(0.1)


REDIS_ENV = "HELPDESK_TEST_REDIS_URL"


def redis_url() -> str:
    """The test Redis from the environment; in CI a missing or silent one fails, elsewhere
    the test is skipped (as conftest's postgres_url does for PostgreSQL)."""
    import pytest

    from helpdesk.ops.serve import redis_answers

    url = os.environ.get(REDIS_ENV, "")
    problem = "" if url else f"{REDIS_ENV} is not set"
    if url and not redis_answers(url):
        problem = f"no Redis answers at {url}"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{problem} (CI needs it)")
        pytest.skip(f"Redis tests skipped: {problem} (e.g. {REDIS_ENV}=redis://127.0.0.1:6379/0)")
    return url
