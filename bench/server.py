"""gunicorn for the benchmark: 2 workers on 127.0.0.1 and a free port, started and stopped by
us, and each worker's resident memory read from /proc."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dataset import ROOT, Dataset

GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running gunicorn master."""

    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    def worker_pids(self) -> list[int]:
        """The pids of the master's worker processes."""
        return child_pids(self.process.pid)

    def worker_rss_mb(self) -> dict[int, float]:
        """Resident memory of each worker in MB (VmRSS)."""
        memory = {}
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    memory[pid] = round(int(line.split()[1]) / 1024, 1)
        return memory

    def worker_cpu_seconds(self) -> float:
        """CPU time (user and system) the workers have used so far, in seconds."""
        return cpu_seconds(self.worker_pids())


def cpu_seconds(pids: Iterable[int]) -> float:
    """CPU time (user and system) these processes have used so far, in seconds (from /proc;
    a process that has gone counts nothing)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (stat fields 14, 15)
    return ticks / os.sysconf("SC_CLK_TCK")


def child_pids(parent: int) -> list[int]:
    """The pids of the processes whose parent is `parent` (from /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            pids.append(int(entry.name))
    return sorted(pids)


def _wait_until_up(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {server.log}")
        try:
            urllib.request.urlopen(server.base_url + "/healthz", timeout=2)  # noqa: S310
            return
        except urllib.error.HTTPError:
            return  # it answers (a 503 only means the index is not there yet)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {server.log}")


@contextmanager
def running(
    dataset: Dataset,
    workers: int = 2,
    extra: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """gunicorn serving the data set (`extra`: more gunicorn options, `env`: more environment);
    stopped (its own process group) on the way out."""
    port = free_port()
    log = dataset.folder / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                GUNICORN,
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                *extra,
                "wsgi:app",
            ],
            cwd=ROOT,
            env={**dataset.env(), **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=out,
            start_new_session=True,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        _wait_until_up(server, timeout=60)
        yield server
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop a process started with start_new_session and its children: SIGTERM, then
    SIGKILL after 20 s."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
