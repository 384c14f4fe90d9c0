"""`make serve`'s runner (helpdesk.ops.serve): the rate-limit storage it chooses, and the
web server, mail worker and indexer started and stopped together, as real processes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from helpdesk.ops import serve
from tests.conftest import free_port
from tests.web.serve_support import ROOT, redis_url, server_env, stop_group, wait_until_up


def test_a_given_redis_is_used(capsys: pytest.CaptureFixture[str]) -> None:
    url = redis_url()
    assert serve.choose_ratelimit_storage({"HELPDESK_RATELIMIT_STORAGE_URL": url}, 2) == url
    assert "WARNING" not in capsys.readouterr().err


def test_a_given_redis_that_does_not_answer_stops_the_start() -> None:
    down = f"redis://127.0.0.1:{free_port()}/0"
    with pytest.raises(SystemExit, match="does not answer"):
        serve.choose_ratelimit_storage({"HELPDESK_RATELIMIT_STORAGE_URL": down}, 2)


def test_unset_uses_the_local_redis_when_it_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve, "DEFAULT_REDIS", redis_url())
    assert serve.choose_ratelimit_storage({}, 2) == redis_url()


def test_unset_without_redis_falls_back_to_memory_loudly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(serve, "DEFAULT_REDIS", f"redis://127.0.0.1:{free_port()}/0")
    assert serve.choose_ratelimit_storage({}, 2) == "memory://"
    err = capsys.readouterr().err
    assert "WARNING" in err and "each worker's memory" in err and "2 times as many" in err
    assert serve.choose_ratelimit_storage({}, 1) == "memory://"
    assert "WARNING" not in capsys.readouterr().err  # one worker counts everything itself


def _start_runner(tmp_path: Path, sqlite_template: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = server_env(tmp_path, sqlite_template, HELPDESK_RATELIMIT_STORAGE_URL=redis_url())
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 — the child keeps it
    proc = subprocess.Popen(
        [sys.executable, "-m", "helpdesk.ops.serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url, proc)
    except AssertionError:
        stop_group(proc)
        raise
    return proc, base_url


def _children(tmp_path: Path) -> dict[str, int]:
    """name -> pid of what the runner started, from its own report."""
    text = (tmp_path / "serve.log").read_text()
    return {m[1]: int(m[2]) for m in re.finditer(r"started (\w+) \(pid (\d+)\)", text)}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_gone(pids: list[int], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if _alive(p)]


def test_sigterm_stops_web_mail_and_indexer(tmp_path: Path, sqlite_template: Path) -> None:
    runner, _ = _start_runner(tmp_path, sqlite_template)
    try:
        children = _children(tmp_path)
        assert {"web", "mail"} <= set(children)
        assert all(_alive(pid) for pid in children.values())
        runner.send_signal(signal.SIGTERM)
        assert runner.wait(45) == 0
        assert _wait_gone(list(children.values()), 5) == []
    finally:
        stop_group(runner)
    log = (tmp_path / "serve.log").read_text()
    assert "SIGTERM: stopping" in log
    assert re.search(r"web\s+\| .*gunicorn.error: Listening at: http://127\.0\.0\.1", log)


def test_a_killed_mail_worker_is_started_again_while_the_web_serves(
    tmp_path: Path, sqlite_template: Path
) -> None:
    runner, base_url = _start_runner(tmp_path, sqlite_template)
    try:
        children = _children(tmp_path)
        os.kill(children["mail"], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _children(tmp_path)["mail"] == children["mail"]:
            assert runner.poll() is None
            time.sleep(0.2)
        again = _children(tmp_path)
        assert again["mail"] != children["mail"] and _alive(again["mail"])
        assert again["web"] == children["web"] and _alive(children["web"])
        with urllib.request.urlopen(f"{base_url}/healthz", timeout=10) as answer:  # noqa: S310
            assert answer.status == 200
    finally:
        runner.send_signal(signal.SIGTERM)
        runner.wait(45)
        stop_group(runner)
    assert (
        "mail exited (status -9): starting it again in 1 s" in (tmp_path / "serve.log").read_text()
    )


def test_restarts_stop_after_the_limit() -> None:
    mail = serve.Process("mail", ["true"])
    pauses = [serve.restart_pause(mail, 100.0 + n) for n in range(serve.RESTART_LIMIT + 1)]
    assert pauses == [1.0, 2.0, 4.0, 8.0, 16.0, None]
    assert (
        serve.restart_pause(mail, 100.0 + serve.RESTART_WINDOW + 10) == 1.0
    )  # the window moved on
    assert serve.restart_pause(serve.Process("web", ["true"]), 0.0) is None


def test_when_the_web_server_exits_the_others_are_stopped(
    tmp_path: Path, sqlite_template: Path
) -> None:
    runner, _ = _start_runner(tmp_path, sqlite_template)
    try:
        children = _children(tmp_path)
        os.kill(children["web"], signal.SIGKILL)
        assert runner.wait(45) == 1
        assert _wait_gone([children["mail"]], 5) == []
    finally:
        stop_group(runner)
    assert "web exited (status -9): stopping the rest" in (tmp_path / "serve.log").read_text()
