"""What the submission benchmark checks besides speed.

- **Searchable**: a process of its own (so its searches do not hold the load threads' GIL)
  asks the app's search backend, the one the staff search uses, for each block of
  submissions' unique words (`<block prefix>*`) every `poll` seconds, and notes when each
  complaint first shows up. It reads nothing else from the database while the load runs.
- **Stored**: afterwards, every redirect must be exactly one new complaint (with its
  "submitted" audit event and first message), with exactly one acknowledgement waiting in
  the outbox, with one attachment when a photo was sent; nothing may be stored for a POST
  that was not redirected, and nothing else new may appear.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import create_engine, inspect, text
from submit_load import Outcome, spread

#: Submissions per search block: a prefix may stand for at most 400 indexed words
#: (helpdesk.search.whoosh.plan.MAX_EXPANSION), so a block stays well below.
BLOCK = 250
#: The last letters of a description word number it within its block; the rest is the
#: block's prefix (bench/submissions.py makes the words).
SUFFIX = 3


def poll_searchable(env: dict[str, str], inbox: Any, outbox: Any, poll: float, wait: float) -> None:
    """The poller process: ("submitted", prefix, done_at) and ("finish",) come in; when every
    expected complaint was seen (or `wait` s after the last submission), the first time each
    complaint id was seen goes out as ("seen", {prefix: {id: monotonic}}, stats)."""
    os.environ.update(env)
    from helpdesk import create_app
    from helpdesk.domain.inbox import InboxQuery
    from helpdesk.search import IndexUnavailable, backend
    from helpdesk.search.language.parse import parse

    app = create_app()
    with app.app_context():
        engine = backend()

        def search(prefix: str) -> list[int]:
            query = InboxQuery(text=f"{prefix}*", sort="newest", per_page=BLOCK + 50)
            return list(engine.search(parse(query.text).node, query, False).ids)

        outbox.put(("ready", engine.name, engine.health()))
        state = _PollState()
        while not state.done(wait):
            state.take(inbox, outbox, until=time.monotonic() + poll)
            for prefix in state.pending():
                started = time.monotonic()
                try:
                    ids = search(prefix)
                except IndexUnavailable as exc:
                    state.errors.add(str(exc))
                    continue
                state.found(prefix, ids, started)
        outbox.put(("seen", {p: dict(s) for p, s in state.seen.items()}, state.stats()))


@dataclass
class _PollState:
    """The poller's book-keeping: how many complaints each block expects, when each was seen."""

    expected: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seen: dict[str, dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    last: float = 0.0
    finished: bool = False
    searches: int = 0
    busy: float = 0.0
    errors: set[str] = field(default_factory=set)
    repeated: int = 0  # ids a search returned more than once (a complaint indexed twice)

    def pending(self) -> list[str]:
        """The blocks with complaints not seen yet."""
        return [p for p, n in self.expected.items() if len(self.seen[p]) < n]

    def done(self, wait: float) -> bool:
        """All seen after the finish, or given up `wait` s after the last submission."""
        return self.finished and (not self.pending() or time.monotonic() > self.last + wait)

    def take(self, inbox: Any, outbox: Any, until: float) -> None:
        """Read what comes in until `until` (a round at most every `poll` s, however busy);
        answer a ("report",) with ("progress", complaints expected, complaints seen)."""
        while (left := until - time.monotonic()) > 0:
            try:
                message = inbox.get(timeout=left)
            except queue.Empty:
                return
            if message[0] == "finish":
                self.finished = True
                return
            if message[0] == "report":
                seen = sum(min(len(self.seen[p]), n) for p, n in self.expected.items())
                outbox.put(("progress", sum(self.expected.values()), seen))
                continue
            self.expected[message[1]] += 1
            self.last = max(self.last, message[2])

    def found(self, prefix: str, ids: list[int], started: float) -> None:
        """Note the ids one search returned."""
        now = time.monotonic()
        self.searches, self.busy = self.searches + 1, self.busy + (now - started)
        self.repeated += len(ids) - len(set(ids))
        for cid in ids:
            self.seen[prefix].setdefault(cid, now)

    def stats(self) -> dict[str, Any]:
        """How much searching the poller did: the mean search's wall time (what time to
        searchable may be late by, besides the poll interval) and the CPU it took from the
        machine (the app's start-up included)."""
        mean = self.busy / self.searches * 1000 if self.searches else None
        return {
            "searches": self.searches,
            "search_ms_mean": round(mean, 1) if mean is not None else None,
            "cpu_s": round(time.process_time(), 1),
            "errors": sorted(self.errors)[:5],
            "repeated_ids": self.repeated,
        }


class Poller:
    """The searchable poller, started before the load and finished after it."""

    def __init__(self, env: dict[str, str], poll: float = 0.05, wait: float = 10.0) -> None:
        context = multiprocessing.get_context("spawn")
        self.inbox, self.outbox = context.Queue(), context.Queue()
        self.process = context.Process(
            target=poll_searchable,
            args=(env, self.inbox, self.outbox, poll, wait),
            daemon=True,
        )
        self.wait = wait
        self.finished = False

    def launch(self) -> None:
        """Start the process (its app takes a few seconds to load)."""
        self.process.start()

    def ready(self, timeout: float = 120.0) -> tuple[str, str]:
        """Wait until its app is up: (backend name, health)."""
        deadline = time.monotonic() + timeout
        while self.process.is_alive() and time.monotonic() < deadline:
            try:
                _kind, name, health = self.outbox.get(timeout=1)
            except queue.Empty:
                continue
            return str(name), str(health)
        self.stop()
        raise RuntimeError(f"the search poller did not start (exit {self.process.exitcode})")

    def submitted(self, prefix: str, done_at: float) -> None:
        """A submission of this block was redirected at `done_at` (time.monotonic())."""
        self.inbox.put(("submitted", prefix, done_at))

    def caught_up(self, timeout: float) -> bool:
        """Wait until every complaint submitted so far was found (False after `timeout` s)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.inbox.put(("report",))
            _kind, expected, seen = self.outbox.get(timeout=30)
            if seen >= expected:
                return True
            time.sleep(0.1)
        return False

    def finish(self) -> tuple[dict[str, dict[int, float]], dict[str, Any]]:
        """When each complaint id was first found, per block prefix, and the poll figures."""
        self.inbox.put(("finish",))
        self.finished = True
        try:
            _kind, seen, stats = self.outbox.get(timeout=self.wait + 120)
        finally:
            self.stop()
        return seen, stats

    def stop(self) -> None:
        """End the process (it ends by itself after finish(); not so after a failure)."""
        if self.process.pid is None:
            return
        self.process.join(timeout=10 if self.finished else 0)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()


@dataclass
class Stored:
    """What the database holds for the complaints made after `after_id`."""

    complaints: dict[str, int] = field(default_factory=dict)  # email → id (one each)
    duplicates: dict[str, int] = field(default_factory=dict)  # email → count, when > 1
    acks: dict[int, list[tuple[bool, int]]] = field(default_factory=dict)  # id → (waiting, tries)
    outbox_other: int = 0
    attachments: dict[int, int] = field(default_factory=dict)
    submitted_events: dict[int, int] = field(default_factory=dict)
    messages: dict[int, int] = field(default_factory=dict)
    search_queue: int | None = None


def last_complaint_id(database_url: str) -> int:
    """The highest complaint id now (what the benchmark adds comes after it)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(text("SELECT COALESCE(MAX(id), 0) FROM complaint")) or 0)
    finally:
        engine.dispose()


def read_stored(database_url: str, after_id: int) -> Stored:
    """Everything stored for the complaints with an id above `after_id`."""
    engine = create_engine(database_url)
    stored = Stored()
    try:
        with engine.connect() as conn:
            after = {"after": after_id}
            counted: dict[str, int] = defaultdict(int)
            for cid, email in conn.execute(
                text("SELECT id, email_normalized FROM complaint WHERE id > :after"), after
            ):
                counted[email] += 1
                stored.complaints[email] = int(cid)
            stored.duplicates = {e: n for e, n in counted.items() if n > 1}
            acks: dict[int, list[tuple[bool, int]]] = defaultdict(list)
            for cid, kind, waiting, attempts in conn.execute(
                text(
                    "SELECT complaint_id, kind, sent_at IS NULL AND failed_at IS NULL, attempts "
                    "FROM outbox_email WHERE complaint_id > :after"
                ),
                after,
            ):
                if kind == "acknowledgement":
                    acks[int(cid)].append((bool(waiting), int(attempts or 0)))
                else:
                    stored.outbox_other += 1
            stored.acks = dict(acks)
            stored.attachments = _counts(conn, "attachment", "", after)
            stored.messages = _counts(conn, "message", "", after)
            stored.submitted_events = _counts(
                conn, "audit_event", "AND action = 'submitted'", after
            )
            if inspect(conn).has_table("search_queue"):
                stored.search_queue = int(conn.scalar(text("SELECT COUNT(*) FROM search_queue")))
    finally:
        engine.dispose()
    return stored


def _counts(conn: Any, table: str, condition: str, after: dict[str, int]) -> dict[int, int]:
    """complaint id → rows of `table` for the new complaints."""
    rows = conn.execute(
        text(
            f"SELECT complaint_id, COUNT(*) FROM {table} "  # noqa: S608 — our own table names
            f"WHERE complaint_id > :after {condition} GROUP BY complaint_id"
        ),
        after,
    )
    return {int(cid): int(n) for cid, n in rows}


def problems_for(
    email: str, redirected: bool, photo: bool, stored: Stored, *, acks_waiting: bool = True
) -> list[str]:
    """What is wrong with what was stored for one submission (empty when all is right).
    `acks_waiting`: the acknowledgement must still be waiting, untried (no mail server); when
    False only its number is checked here (bench/under_fire.py checks its delivery)."""
    cid = stored.complaints.get(email)
    if not redirected:
        return [f"{email}: stored although the POST was not redirected"] if cid else []
    if cid is None:
        return [f"{email}: redirected but no complaint stored"]
    found = []
    if email in stored.duplicates:
        found.append(f"{email}: {stored.duplicates[email]} complaints for one submission")
    acks = stored.acks.get(cid, [])
    if len(acks) != 1:
        found.append(f"complaint {cid}: {len(acks)} acknowledgements in the outbox, not 1")
    elif acks_waiting and (not acks[0][0] or acks[0][1]):
        found.append(f"complaint {cid}: the acknowledgement is not waiting untried in the outbox")
    if stored.attachments.get(cid, 0) != (1 if photo else 0):
        found.append(f"complaint {cid}: {stored.attachments.get(cid, 0)} attachments")
    if stored.submitted_events.get(cid) != 1 or stored.messages.get(cid) != 1:
        found.append(f"complaint {cid}: not exactly one 'submitted' event and one message")
    return found


def verify(
    outcomes: list[Outcome],
    stored: Stored,
    seen: dict[str, dict[int, float]],
    photo: bool,
    *,
    acks_waiting: bool = True,
) -> dict[str, Any]:
    """The database and search checks of one phase (the warm-up included)."""
    problems: list[str] = []
    latencies: list[float] = []
    missing = 0
    for o in outcomes:
        problems += problems_for(
            o.submission.email, o.redirected, photo, stored, acks_waiting=acks_waiting
        )
        cid = stored.complaints.get(o.submission.email)
        if not o.redirected or cid is None:
            continue
        at = seen.get(o.submission.word[:-SUFFIX], {}).get(cid)
        if at is None:
            missing += 1
        elif not o.submission.warmup:
            latencies.append(max(0.0, at - o.done_at) * 1000)
    redirected = sum(o.redirected for o in outcomes)
    return {
        "checked": len(outcomes),
        "redirected": redirected,
        "problems": len(problems),
        "problem_samples": problems[:10],
        "searchable": {"found": redirected - missing, "not_found": missing, **spread(latencies)},
    }
