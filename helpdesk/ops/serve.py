"""`make serve`: the helpdesk as a shop runs it on one server, in one terminal.

Starts gunicorn with helpdesk.ops.gunicorn_conf (web), the mail worker (`mail send --loop`)
and, when the installed version has it, the background search indexer (`search indexer`);
each line of output is prefixed with the process's name. Ctrl-C or SIGTERM stops all three
(SIGTERM to each, SIGKILL to what is still running 40 s later). When the mail worker or
the indexer exits by itself (a crash, an OOM kill), it is started again in place after a
short, growing pause while the web goes on serving (their work waits in the database:
the outbox and the search queue lose nothing); more than RESTART_LIMIT restarts of one
program within RESTART_WINDOW seconds stop everything. When gunicorn itself exits (it
replaces its own killed workers), the others are stopped too. Either way the runner then
exits non-zero, so a supervisor (systemd's Restart=on-failure) starts the whole set
again. `make serve` runs `db upgrade` first.

Rate limits: with more than one worker, `memory://` counts per worker (each limit lets
about workers x as many through). HELPDESK_RATELIMIT_STORAGE_URL is used as given (a Redis
that does not answer stops the start); unset, a Redis answering on 127.0.0.1:6379 is used,
else the runner falls back to memory:// with a loud warning.

Plain subprocess and signal handling rather than a process manager such as honcho: the set
is decided at start (the indexer only when the command exists; the Redis check), which a
static Procfile cannot express, and it costs no dependency.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
#: gunicorn's graceful_timeout (30 s) and a margin; then SIGKILL.
STOP_TIMEOUT = 40.0
#: The programs started again in place when they exit; gunicorn's exit ends the set.
RESTARTABLE = frozenset({"mail", "indexer"})
#: More restarts of one program than this within RESTART_WINDOW seconds: give up.
RESTART_LIMIT = 5
RESTART_WINDOW = 60.0


@dataclass
class Process:
    """One program of the set and, once started, its process."""

    name: str
    argv: list[str]
    popen: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    #: When it was started again in place (monotonic seconds), for the restart limit.
    restarts: list[float] = field(default_factory=list, repr=False)


def _say(text: str) -> None:
    print(f"serve | {text}", file=sys.stderr, flush=True)


def _bin(name: str) -> str:
    """A console script of this environment (.venv/bin/NAME)."""
    return str(Path(sys.executable).parent / name)


def redis_answers(url: str, timeout: float = 1.0) -> bool:
    """True when a Redis server at `url` answers PING."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        with client:
            return bool(client.ping())
    except (redis.RedisError, OSError, ValueError):
        return False


def choose_ratelimit_storage(env: dict[str, str], workers: int) -> str:
    """The rate-limit storage for the web workers; SystemExit when a given Redis is down."""
    given = env.get("HELPDESK_RATELIMIT_STORAGE_URL", "").strip()
    if given.startswith(("redis://", "rediss://", "unix://")):
        if not redis_answers(given):
            raise SystemExit(
                f"serve: HELPDESK_RATELIMIT_STORAGE_URL={given} does not answer; start Redis "
                "or set HELPDESK_RATELIMIT_STORAGE_URL=memory:// to accept per-worker limits."
            )
        return given
    if given:
        if given.startswith("memory://") and workers > 1:
            _warn_memory(workers, "HELPDESK_RATELIMIT_STORAGE_URL=memory:// was asked for")
        return given
    if redis_answers(DEFAULT_REDIS):
        _say(f"rate limits shared through {DEFAULT_REDIS} (set HELPDESK_RATELIMIT_STORAGE_URL)")
        return DEFAULT_REDIS
    if workers > 1:
        _warn_memory(workers, f"no Redis answers at {DEFAULT_REDIS}")
    return "memory://"


def _warn_memory(workers: int, why: str) -> None:
    bar = "!" * 78
    _say(bar)
    _say(f"WARNING: {why}: rate limits are kept in each worker's memory.")
    _say(f"With {workers} workers every limit lets about {workers} times as many requests")
    _say("through (complaint form, tracking, login per address). Install redis-server, or")
    _say("set HELPDESK_RATELIMIT_STORAGE_URL=redis://HOST:6379/0, and start again.")
    _say(bar)


def has_indexer(env: dict[str, str]) -> bool:
    """True when this version has `flask search indexer` (the background search indexer)."""
    probe = [_bin("flask"), "--app", "wsgi", "search", "indexer", "--help"]
    done = subprocess.run(probe, cwd=ROOT, env=env, capture_output=True, check=False)  # noqa: S603
    return done.returncode == 0


def programs(env: dict[str, str]) -> list[Process]:
    """What runs: the web server, the mail worker and (when it exists) the search indexer."""
    flask = [_bin("flask"), "--app", "wsgi"]
    found = [
        Process("web", [_bin("gunicorn"), "-c", "python:helpdesk.ops.gunicorn_conf"]),
        Process("mail", [*flask, "mail", "send", "--loop"]),
    ]
    if has_indexer(env):
        found.append(Process("indexer", [*flask, "search", "indexer"]))
    else:
        _say("no `flask search indexer` in this version: the index is updated by the web workers")
    return found


def _pump(name: str, stream: IO[bytes], out: IO[str], lock: threading.Lock) -> None:
    """Copy a child's output line by line, each prefixed with its name."""
    width = 7
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace").rstrip("\n")
        with lock:
            print(f"{name:<{width}} | {line}", file=out, flush=True)


def start(procs: Sequence[Process], env: dict[str, str]) -> None:
    """Start each program in its own session (so a terminal's Ctrl-C reaches only us)."""
    lock = threading.Lock()
    for proc in procs:
        launch(proc, env, lock)


def launch(proc: Process, env: dict[str, str], lock: threading.Lock) -> None:
    """Start one program, its output copied with its name in front."""
    proc.popen = subprocess.Popen(  # noqa: S603
        proc.argv,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    for stream, out in ((proc.popen.stdout, sys.stdout), (proc.popen.stderr, sys.stderr)):
        assert stream is not None
        threading.Thread(target=_pump, args=(proc.name, stream, out, lock), daemon=True).start()
    _say(f"started {proc.name} (pid {proc.popen.pid}): {' '.join(proc.argv[1:])}")


def stop(procs: Sequence[Process], timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM to every running program, SIGKILL to its group after `timeout`."""
    running = [p for p in procs if p.popen is not None and p.popen.poll() is None]
    for proc in running:
        assert proc.popen is not None
        _signal_group(proc.popen.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for proc in running:
        assert proc.popen is not None
        try:
            proc.popen.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _say(f"{proc.name} did not stop in {timeout:.0f} s: killed")
            _signal_group(proc.popen.pid, signal.SIGKILL)
            proc.popen.wait()
        _say(f"{proc.name} stopped (exit status {proc.popen.returncode})")


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


class _Stop(Exception):
    """SIGTERM or SIGINT arrived."""


def _raise_stop(signum: int, _frame: object) -> None:
    raise _Stop(signal.Signals(signum).name)


def restart_pause(proc: Process, now: float) -> float | None:
    """Seconds to wait before starting `proc` again, or None: not restartable, or over the limit."""
    if proc.name not in RESTARTABLE:
        return None
    recent = [t for t in proc.restarts if now - t < RESTART_WINDOW]
    if len(recent) >= RESTART_LIMIT:
        return None
    proc.restarts[:] = [*recent, now]
    return float(min(2 ** len(recent), 16))


def supervise(procs: Sequence[Process], env: dict[str, str]) -> int:
    """Run until a signal, restarting the mail worker and indexer; the exit status."""
    status = 0
    lock = threading.Lock()
    due: dict[str, float] = {}  # program name -> when to start it again
    try:
        while True:
            now = time.monotonic()
            ended = [
                p
                for p in procs
                if p.popen is not None and p.popen.poll() is not None and p.name not in due
            ]
            given_up = None
            for proc in ended:
                assert proc.popen is not None
                pause = restart_pause(proc, now)
                if pause is None:
                    given_up = proc
                    break
                _say(
                    f"{proc.name} exited (status {proc.popen.returncode}): "
                    f"starting it again in {pause:.0f} s"
                )
                due[proc.name] = now + pause
            if given_up is not None:
                assert given_up.popen is not None
                too_often = given_up.name in RESTARTABLE
                why = f" ({RESTART_LIMIT} restarts in {RESTART_WINDOW:.0f} s)" if too_often else ""
                _say(
                    f"{given_up.name} exited (status {given_up.popen.returncode}){why}: "
                    "stopping the rest"
                )
                status = 1
                break
            for proc in procs:
                if proc.name in due and due[proc.name] <= now:
                    del due[proc.name]
                    launch(proc, env, lock)
            time.sleep(0.2)
    except _Stop as why:
        _say(f"{why}: stopping")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the stop short
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    stop(procs)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, prepare the environment, run the set until told to stop."""
    parser = argparse.ArgumentParser(prog="make serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="ignored when HELPDESK_BIND is set")
    parser.add_argument("--port", type=int, default=5000, help="ignored when HELPDESK_BIND is set")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    env.setdefault("HELPDESK_BIND", f"{args.host}:{args.port}")
    env["PYTHONUNBUFFERED"] = "1"
    workers = int(env.get("HELPDESK_WORKERS", "2"))
    env["HELPDESK_RATELIMIT_STORAGE_URL"] = choose_ratelimit_storage(env, workers)
    if not env.get("HELPDESK_BASE_URL"):
        env["HELPDESK_BASE_URL"] = f"http://{env['HELPDESK_BIND']}"
        _say(f"HELPDESK_BASE_URL is not set: links in emails point at {env['HELPDESK_BASE_URL']}")
    procs = programs(env)
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    try:
        start(procs, env)
    except (_Stop, OSError) as exc:
        _say(f"could not start everything ({exc}): stopping")
        stop(procs)
        return 1
    _say(f"serving on http://{env['HELPDESK_BIND']} (Ctrl-C to stop)")
    return supervise(procs, env)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C before anything was started
        sys.exit(130)
