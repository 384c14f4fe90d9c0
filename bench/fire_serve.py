"""`make serve` for bench/under_fire.py: what the Makefile's target runs (`flask db upgrade`,
then `python -m helpdesk.ops.serve --port PORT`) on the scratch data, its output in a log.

Also what an operator sees of it: the pids of the programs it started (read from its own
`started NAME (pid N)` lines) and of gunicorn's workers, kill -9 of one of them, and a start
again when the runner exits, as systemd's `Restart=on-failure` does for a unit that runs
`make serve` (the runner starts a dead mail worker or indexer again in place; it exits 1 when
gunicorn exits or after too many restarts, README "make serve").
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from dataset import FLASK, ROOT
from server import child_pids

PYTHON = str(ROOT / ".venv" / "bin" / "python")
_STARTED = re.compile(r"started (\w+) \(pid (\d+)\)")


@dataclass
class Serve:
    """One `make serve`, started (and started again) by the bench."""

    env: dict[str, str]
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None
    starts: list[float] = field(default_factory=list)  # time.monotonic() of each start
    _offset: int = 0  # where this start's lines begin in the log

    @property
    def base_url(self) -> str:
        """Where it answers."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """`flask db upgrade`, then the runner, as `make serve` does."""
        with self.log.open("ab") as out:
            self._offset = out.tell()
            subprocess.run(
                [*FLASK, "db", "upgrade"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=out,
                check=True,
            )
            self.process = subprocess.Popen(
                [PYTHON, "-m", "helpdesk.ops.serve", "--port", str(self.port)],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts.append(time.monotonic())

    def exited(self) -> int | None:
        """The runner's exit status once it has ended, else None."""
        return None if self.process is None else self.process.poll()

    def wait_up(self, timeout: float = 120.0) -> float:
        """Seconds until /healthz answers at all (a 503 counts: the web is up)."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.exited() is not None:
                raise RuntimeError(f"make serve exited ({self.exited()}); see {self.log}")
            try:
                urllib.request.urlopen(self.base_url + "/healthz", timeout=5)  # noqa: S310
                return time.monotonic() - started
            except urllib.error.HTTPError:
                return time.monotonic() - started
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"make serve did not answer within {timeout:.0f} s; see {self.log}")

    def programs(self) -> dict[str, int]:
        """name -> pid of what this start of the runner started (web, mail, indexer)."""
        with self.log.open("rb") as text:
            text.seek(self._offset)
            lines = text.read().decode("utf-8", "replace")
        return {name: int(pid) for name, pid in _STARTED.findall(lines)}

    def workers(self) -> list[int]:
        """The pids of gunicorn's workers now."""
        web = self.programs().get("web")
        return child_pids(web) if web else []

    def wait_workers(self, count: int, without: int, timeout: float = 60.0) -> float | None:
        """Seconds until gunicorn has `count` workers again, none of them `without`."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            pids = self.workers()
            if len(pids) >= count and without not in pids:
                return time.monotonic() - started
            time.sleep(0.05)
        return None

    def stop(self, timeout: float = 60.0) -> int | None:
        """SIGTERM to the runner (it stops its programs: up to 40 s); then SIGKILL to what is
        left. Its exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                programs = list(self.programs().values())
                self.process.kill()
                self.process.wait()
                for pid in programs:  # each in a session of its own: its group has its pid
                    with suppress(ProcessLookupError, PermissionError):
                        os.killpg(pid, signal.SIGKILL)
        return self.process.returncode


def kill(pid: int) -> bool:
    """kill -9; False when it was gone already."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    return True
