"""The app in this process for bench/profile_requests.py: a private copy of the benchmark's
data, the app built as a gunicorn worker builds it (wsgi.py), and requests made by calling it
as a WSGI server does, so that a request's CPU time is the app's own and nothing else's.

The copy (`bench/.work/<data>-<name>/`) holds the SQLite database copied with SQLite's backup
API (restored from a pristine copy for every run), the live version of the Whoosh index
(copied, with the same `search-index` symlink) and an empty uploads folder; it is migrated to
the code's schema. The seeded data set itself is never written to.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

SECRET = "bench-secret-key-not-for-production-0123456789"  # noqa: S105 - bench data only


def copy_data(source: Path, target: Path, *, refresh: bool) -> None:
    """The database and the live search index of `source`, copied to `target` once (the
    database as `pristine.sqlite3`); then, for every run, the database to work on restored
    from that copy and the uploads folder emptied, so that every run starts from the seeded
    state (earlier runs' submissions would fill the inbox and the outbox)."""
    pristine = target / "pristine.sqlite3"
    if refresh or not pristine.exists():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        _backup(source / "helpdesk.sqlite3", pristine)
        link = source / "data" / "search-index"
        if link.is_symlink():
            live = Path(os.readlink(link))
            shutil.copytree(link.resolve(), target / "data" / live)
            (target / "data" / "search-index").symlink_to(live)
    shutil.rmtree(target / "data" / "uploads", ignore_errors=True)
    (target / "data" / "uploads").mkdir(parents=True)
    for suffix in ("", "-wal", "-shm"):
        (target / f"helpdesk.sqlite3{suffix}").unlink(missing_ok=True)
    _backup(pristine, target / "helpdesk.sqlite3")


def _backup(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (SQLite's backup API), whatever its journal."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def environment(folder: Path) -> dict[str, str]:
    """The settings of bench/dataset.py's Dataset.env(), pointing at the copy."""
    return {
        "HELPDESK_DATABASE_URL": f"sqlite:///{folder / 'helpdesk.sqlite3'}",
        "HELPDESK_DATA_DIR": str(folder / "data"),
        "HELPDESK_SEARCH_BACKEND": "whoosh",
        "HELPDESK_SECRET_KEY": SECRET,
        "HELPDESK_RATELIMIT_ENABLED": "0",
        "HELPDESK_SMTP_URL": "smtp://127.0.0.1:9",
        "HELPDESK_SEARCH_CACHE_SIZE": "0",
    }


def migrate(code: Path, folder: Path) -> None:
    """`flask db upgrade` of the copy with the code under test (its migrations)."""
    env = {**os.environ, **environment(folder)}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"]
    subprocess.run(flask, cwd=code, env=env, check=True, capture_output=True)


def load_app(code: Path, folder: Path) -> Any:
    """`wsgi.app` of the code under test (create_app and the heap freeze of a worker)."""
    os.environ.update(environment(folder))
    os.chdir(code)
    sys.path.insert(0, str(code))
    import wsgi

    return wsgi.app


@dataclass
class Answer:
    """What one call of the app gave, with its cost."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    cpu_ms: float
    wall_ms: float
    queries: int

    def header(self, name: str) -> str:
        """The first header of that name, else ""."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")


@dataclass
class Browser:
    """Cookies kept between calls, as a client keeps them."""

    cookies: dict[str, str] = field(default_factory=dict)
    language: str = ""

    def keep(self, answer: Answer) -> None:
        """Take the answer's Set-Cookie headers."""
        for name, value in answer.headers:
            if name.lower() != "set-cookie":
                continue
            jar: SimpleCookie = SimpleCookie()
            jar.load(value)
            for key, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[key] = morsel.value
                else:
                    self.cookies.pop(key, None)


class Caller:
    """Calls the WSGI app as gunicorn does and measures each call: CPU time of this process
    (time.process_time), wall time and the SQL statements sent."""

    def __init__(self, app: Any) -> None:
        from sqlalchemy import event

        from helpdesk.extensions import db

        self.app = app
        self.queries = 0
        with app.app_context():
            engine = db.engine

        def count(*_args: Any) -> None:
            self.queries += 1

        event.listen(engine, "before_cursor_execute", count)

    def environ(
        self,
        method: str,
        path: str,
        browser: Browser,
        body: bytes = b"",
        content_type: str = "",
    ) -> dict[str, Any]:
        """A WSGI environ like gunicorn's for a request from 127.0.0.1."""
        parts = urllib.parse.urlsplit(path)
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": urllib.parse.unquote(parts.path, "latin-1"),
            "QUERY_STRING": parts.query,
            "RAW_URI": path,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "REMOTE_PORT": "50000",
            "HTTP_HOST": "127.0.0.1:8000",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if browser.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        if browser.language:
            environ["HTTP_ACCEPT_LANGUAGE"] = browser.language
        if body or method == "POST":
            environ["CONTENT_LENGTH"] = str(len(body))
            environ["CONTENT_TYPE"] = content_type
        return environ

    def call(self, environ: dict[str, Any]) -> Answer:
        """One request, timed from the call to the last byte of the body and close()."""
        got: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None):  # type: ignore[no-untyped-def]
            got["status"], got["headers"] = status, headers
            return lambda data: None

        queries = self.queries
        cpu, wall = time.process_time_ns(), time.perf_counter_ns()
        chunks = self.app(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        cpu_ms = (time.process_time_ns() - cpu) / 1e6
        wall_ms = (time.perf_counter_ns() - wall) / 1e6
        status = int(str(got["status"]).split()[0])
        return Answer(status, got["headers"], body, cpu_ms, wall_ms, self.queries - queries)

    def request(self, method: str, path: str, browser: Browser, **kwargs: Any) -> Answer:
        """Build the environ, call, keep the cookies."""
        answer = self.call(self.environ(method, path, browser, **kwargs))
        browser.keep(answer)
        return answer
