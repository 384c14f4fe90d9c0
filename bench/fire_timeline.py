"""The faults of bench/under_fire.py, at fixed moments of the run while the load goes on:
kill -9 of one gunicorn worker (gunicorn starts another), kill -9 of the mail worker and the
search indexer (`make serve` starts them again in place; if the runner exits, it is started
again as systemd's Restart=on-failure would), and whatever else makes the runner exit. The
SMTP server's refusal window is the sink's own (bench/fire_sink.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fire_serve import Serve, kill
from sqlalchemy import create_engine, text


@dataclass
class Timeline:
    """Runs the faults at their moments (seconds after t0) until the load thread ends."""

    serve: Serve
    database_url: str
    t0: float
    events: list[dict[str, Any]] = field(default_factory=list)
    _replacing: tuple[int, float] | None = None
    _killed_at: float | None = None
    _killed: dict[str, int] = field(default_factory=dict)

    def at(self) -> float:
        """Seconds since the start of the load."""
        return round(time.monotonic() - self.t0, 2)

    def run(self, load: threading.Thread, faults: list[tuple[float, str]]) -> None:
        """Do each fault ("worker" or "background") when due; watch the server meanwhile."""
        actions: dict[str, Callable[[], None]] = {
            "worker": self.kill_worker,
            "background": self.kill_background,
        }
        todo = sorted(f for f in faults if f[0] > 0)
        while load.is_alive():
            while todo and todo[0][0] <= time.monotonic() - self.t0:
                actions[todo.pop(0)[1]]()
            self.watch()
            time.sleep(0.05)
        self.watch()

    def kill_worker(self) -> None:
        """kill -9 of one gunicorn worker."""
        workers = self.serve.workers()
        if not workers:
            self.events.append({"t": self.at(), "what": "no gunicorn worker to kill"})
            return
        victim = workers[0]
        kill(victim)
        self._replacing = (victim, time.monotonic())
        self.events.append({"t": self.at(), "what": "kill -9 gunicorn worker", "pid": victim})

    def kill_background(self) -> None:
        """kill -9 of the mail worker and the indexer (what a first attempt was sending at
        that moment is noted: its claim keeps it from other drains for 5 minutes)."""
        programs = self.serve.programs()
        killed = {name: programs[name] for name in ("mail", "indexer") if name in programs}
        for pid in killed.values():
            kill(pid)
        self._killed_at = time.monotonic()
        self._killed = dict(killed)
        self.events.append(
            {
                "t": self.at(),
                "what": "kill -9 " + " and ".join(killed),
                "pids": killed,
                "emails_mid_send": self._mid_send(),
            }
        )

    def _mid_send(self) -> int:
        """Emails claimed for a first attempt and not yet sent (or refused) right now."""
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                return int(
                    conn.scalar(
                        text(
                            "SELECT COUNT(*) FROM outbox_email WHERE sent_at IS NULL AND "
                            "failed_at IS NULL AND attempts > 0 AND last_error IS NULL"
                        )
                    )
                    or 0
                )
        finally:
            engine.dispose()

    def watch(self) -> None:
        """Note a replaced worker; start the runner again when it has exited."""
        if self._replacing is not None:
            victim, since = self._replacing
            workers = self.serve.workers()
            if len(workers) >= 2 and victim not in workers:
                self._replacing = None
                self.events.append(
                    {
                        "t": self.at(),
                        "what": "gunicorn replaced the worker",
                        "after_s": round(time.monotonic() - since, 2),
                    }
                )
        if self._killed:
            now = self.serve.programs()
            if all(now.get(name, pid) != pid for name, pid in self._killed.items()):
                since = self._killed_at if self._killed_at is not None else time.monotonic()
                self.events.append(
                    {
                        "t": self.at(),
                        "what": "mail and indexer started again in place",
                        "after_kill_s": round(time.monotonic() - since, 2),
                        "programs": {name: now[name] for name in self._killed},
                    }
                )
                self._killed = {}
        status = self.serve.exited()
        if status is None:
            return
        self._killed = {}
        self.events.append({"t": self.at(), "what": f"make serve exited with status {status}"})
        self.serve.start()
        self.events.append({"t": self.at(), "what": "make serve started again"})
        self.serve.wait_up()
        since = self._killed_at if self._killed_at is not None else self.serve.starts[-1]
        self.events.append(
            {
                "t": self.at(),
                "what": "answering again",
                "after_kill_s": round(time.monotonic() - since, 2),
                "programs": self.serve.programs(),
            }
        )
        self._killed_at = None
