"""What bench/under_fire.py checks once the load is over, beyond bench/submit_checks.py's
counts (one complaint, one 'submitted' event, one message, one acknowledgement row per
accepted submission, nothing stored for one that was not):

- **files**: each accepted complaint has one attachment whose file exists and whose SHA-256
  is its row's and the one the photo sent must give (bench/fire_photos.py); `flask files
  check --older-than 0` finds no row without its file, and no orphan or temporary file but
  what a killed worker was writing (then `--delete` removes them and a check again is clean);
- **acknowledged once**: each accepted complaint's acknowledgement row is sent, the mail server
  received its Message-ID exactly once (to the complaint's address, its reference in the
  subject), the complaint moved to acknowledged by exactly one event; no Message-ID arrived
  twice;
- **drained**: how long the mail worker and the indexer took to catch up, waited for within a
  bound.
"""

from __future__ import annotations

import hashlib
import subprocess
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dataset import FLASK, ROOT
from fire_load import Submitted, display
from fire_sink import Received
from sqlalchemy import bindparam, create_engine, text


@dataclass
class Row:
    """What the database holds for one accepted complaint."""

    id: int
    reference: str
    email: str
    status: str
    received: float = 0.0  # received_at as a Unix time
    files: list[tuple[str, str]] = field(default_factory=list)  # (stored_name, sha256)
    acks: list[tuple[int, str, bool, int]] = field(default_factory=list)  # id, msgid, sent, tries
    acknowledged_events: int = 0


def read_rows(database_url: str, emails: list[str]) -> dict[str, Row]:
    """email -> the complaint stored for it (the last one, if several: counted elsewhere)."""
    rows: dict[str, Row] = {}
    if not emails:
        return rows
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text(
                    "SELECT id, reference, email_normalized, status, received_at FROM complaint "
                    "WHERE email_normalized IN :emails"
                ).bindparams(bindparam("emails", expanding=True)),
                {"emails": emails},
            )
            by_id = {
                int(i): Row(int(i), str(r), str(e), str(s), _unix(at)) for i, r, e, s, at in found
            }
            rows = {row.email: row for row in by_id.values()}
            _fill(conn, by_id)
    finally:
        engine.dispose()
    return rows


def _unix(value: Any) -> float:
    """A stored UTC moment (SQLite: naive text) as a Unix time."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def stored_before_resend(rows: dict[str, Row], sent: list[Submitted]) -> int:
    """Resent submissions whose complaint an earlier POST had stored (its received_at comes
    before the last POST was sent): the POST that got no answer had done its work, and the
    resend, with the same submission token, found it instead of storing a second one."""
    count = 0
    for done in sent:
        row = rows.get(done.outcome.submission.email)
        if row is not None and len(done.posts) > 1 and row.received < done.posts[-1]:
            count += 1
    return count


def _fill(conn: Any, by_id: dict[int, Row]) -> None:
    """Attachments, acknowledgement rows and acknowledged events of the complaints."""
    ids = {"ids": list(by_id)}
    expanding = bindparam("ids", expanding=True)
    for cid, name, sha in conn.execute(
        text(
            "SELECT complaint_id, stored_name, sha256 FROM attachment WHERE complaint_id IN :ids"
        ).bindparams(expanding),
        ids,
    ):
        by_id[int(cid)].files.append((str(name), str(sha)))
    for oid, cid, message_id, sent, tries in conn.execute(
        text(
            "SELECT id, complaint_id, message_id, sent_at IS NOT NULL, attempts FROM outbox_email "
            "WHERE kind = 'acknowledgement' AND complaint_id IN :ids"
        ).bindparams(expanding),
        ids,
    ):
        by_id[int(cid)].acks.append((int(oid), str(message_id), bool(sent), int(tries or 0)))
    for cid, count in conn.execute(
        text(
            "SELECT complaint_id, COUNT(*) FROM audit_event WHERE complaint_id IN :ids "
            "AND action = 'status_changed' AND to_status = 'acknowledged' GROUP BY complaint_id"
        ).bindparams(expanding),
        ids,
    ):
        by_id[int(cid)].acknowledged_events = int(count)


def drain(
    database_url: str, emails: list[str], timeout: float, caught_up: Callable[[float], bool]
) -> dict[str, Any]:
    """Wait (at most `timeout` s) until every accepted complaint's acknowledgement is sent, the
    search queue is empty and search finds them all (`caught_up`); what was left, and when."""
    started = time.monotonic()
    unsent, queued = -1, -1
    while time.monotonic() - started < timeout:
        rows = read_rows(database_url, emails)
        unsent = sum(1 for row in rows.values() for ack in row.acks if not ack[2])
        queued = _search_queue(database_url)
        if unsent == 0 and queued == 0:
            break
        time.sleep(1.0)
    mail_s = round(time.monotonic() - started, 1)
    found = caught_up(max(1.0, timeout - (time.monotonic() - started)))
    return {
        "acks_unsent": unsent,
        "search_queue": queued,
        "all_searchable": found,
        "mail_and_queue_seconds": mail_s,
        "seconds": round(time.monotonic() - started, 1),
        "bound_seconds": timeout,
    }


def _search_queue(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(text("SELECT COUNT(*) FROM search_queue")) or 0)
    finally:
        engine.dispose()


def check_files(rows: dict[str, Row], sent: list[Submitted], upload_dir: Path) -> list[str]:
    """One attachment per accepted complaint, its file there and its SHA-256 right."""
    problems = []
    for done in sent:
        row = rows.get(done.outcome.submission.email)
        if row is None or not done.outcome.redirected:
            continue
        if len(row.files) != 1:
            problems.append(f"{row.reference}: {len(row.files)} attachments, not 1")
            continue
        name, sha = row.files[0]
        path = upload_dir / name
        if not path.is_file():
            problems.append(f"{row.reference}: file {name} missing")
            continue
        on_disk = hashlib.sha256(path.read_bytes()).hexdigest()
        if not on_disk == sha == done.stored_sha256:
            problems.append(f"{row.reference}: SHA-256 of {name} is not the photo sent")
    return problems


def check_acks(rows: dict[str, Row], sent: list[Submitted], received: list[Received]) -> dict:
    """Each accepted complaint acknowledged once, by one email the server received once."""
    by_id = Counter(r.message_id for r in received)
    arrived = {r.message_id: r for r in received}
    problems: list[str] = []
    retried = 0
    for done in sent:
        row = rows.get(done.outcome.submission.email)
        if row is None or not done.outcome.redirected:
            continue
        if len(row.acks) != 1:
            problems.append(f"{row.reference}: {len(row.acks)} acknowledgement rows")
            continue
        _oid, message_id, was_sent, tries = row.acks[0]
        retried += tries > 1
        got = arrived.get(message_id)
        if not was_sent or got is None:
            problems.append(f"{row.reference}: acknowledgement not delivered")
        elif by_id[message_id] != 1:
            problems.append(f"{row.reference}: acknowledgement delivered {by_id[message_id]} times")
        elif got.to != (row.email,) or display(row.reference) not in got.subject:
            problems.append(f"{row.reference}: acknowledgement to {got.to}: {got.subject!r}")
        if row.status != "acknowledged" or row.acknowledged_events != 1:
            problems.append(
                f"{row.reference}: {row.status}, {row.acknowledged_events} acknowledged events"
            )
    twice = sorted(m for m, n in by_id.items() if n > 1)
    return {
        "delivered": len(received),
        "messages_twice": len(twice),
        "acks_tried_more_than_once": retried,
        "problems": len(problems),
        "problem_samples": problems[:10],
    }


def files_check(env: dict[str, str]) -> dict[str, Any]:
    """`flask files check --older-than 0`: what it finds; when it finds orphan or temporary
    files (a worker killed between writing a file and committing its row leaves one: the
    README's daily cron job removes them), `--delete` and a check again."""
    first = _files_check(env)
    result = {"first": first, "after_delete": None}
    if first["exit_status"] != 0 and not first["counts"].get("missing file"):
        _files_check(env, "--delete")
        result["after_delete"] = _files_check(env)
    return result


def _files_check(env: dict[str, str], *options: str) -> dict[str, Any]:
    done = subprocess.run(
        [*FLASK, "files", "check", "--older-than", "0", *options],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    kinds: dict[str, list[str]] = defaultdict(list)
    summary = done.stderr.strip()[-300:]
    for line in done.stdout.splitlines():
        if line.startswith("Checked "):
            summary = line
        for kind in ("orphan file", "temporary file", "missing file"):
            if line.startswith(kind):
                kinds[kind].append(line)
    return {
        "exit_status": done.returncode,
        "summary": summary,
        "findings": {kind: lines[:10] for kind, lines in kinds.items()},
        "counts": {kind: len(lines) for kind, lines in kinds.items()},
    }


def server_log(log: Path) -> dict[str, int]:
    """What the server's own output says: 5xx in gunicorn's access log, logged errors."""
    counts = Counter()
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("web") and 'HTTP/1.1" 5' in line:
            counts["access_log_5xx"] += 1
        if "helpdesk.errors" in line:
            counts["helpdesk_errors_lines"] += 1
        if "Traceback" in line:
            counts["tracebacks"] += 1
        if "WORKER TIMEOUT" in line or "was sent SIGKILL" in line:
            counts["gunicorn_worker_lost"] += 1
    return dict(counts)
