"""Under fire (issue 10, item 4): `make serve` loaded for at most a minute while a worker, the
mail worker and the indexer are killed and the SMTP server refuses for a while.

`make serve` (gunicorn gthread 2 workers x 4 threads, the mail worker, the search indexer)
runs on a scratch copy of a small seeded data set; customers submit complaints with a 300 KB
photo, customers track theirs and staff search, all on loopback, while

- at 1/3 of the run one gunicorn worker is killed with kill -9 (gunicorn starts another);
- from 1/4 to 1/2 the SMTP server (aiosmtpd, in this process) refuses every transaction
  (421 to MAIL FROM, 451 to RCPT TO, in turn), and accepts and records every message else
  (the mail worker drains every 5 s: three or four drains meet the refusal);
- at 1/2 the mail worker and the indexer are killed with kill -9. `make serve` starts each
  again in place while the web goes on serving; if the runner exits anyway, the bench starts
  it again, as systemd's Restart=on-failure would for a unit running it (bench/fire_serve.py).

Then, once the mail worker and the indexer have drained (a bounded wait): no 5xx answer at
all (requests that got no answer while a process died are counted apart; a customer resends
such a POST unchanged, same tokens, so it must still be one complaint); every accepted
submission (303) is exactly one complaint with one attachment whose file exists with the
right SHA-256, one acknowledgement delivered once to the mail server and found by search;
`flask files check --older-than 0` finds no row without its file and no orphan file but
what the killed worker was writing (a photo written, its row not yet committed: the daily
`files check --delete` of the README's cron removes it; the bench does, then checks again).

    .venv/bin/python bench/under_fire.py [--complaints 2000] [--seconds 60] [--submitters 3]
        [--trackers 2] [--searchers 2] [--drain-wait 360]

The data is SQLite with the Whoosh index, a shop's default for one server. (The PostgreSQL
data set of bench/dataset.py is one database that `make bench`'s 100,000 complaints use too:
a small one would replace it.)

Rate limits stay on at the shop's values, in Redis (a database number nothing else uses, a
key prefix of the run's own); every customer comes from an address of its own through
X-Forwarded-For (HELPDESK_PROXY_HOPS=1, as behind nginx), so none reaches a limit. Prints a
table, writes bench/results/under-fire-*.json; exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fire_checks
from dataset import ROOT, Dataset, prepare
from fire_load import Load, Tally, TrackPool
from fire_photos import Photos
from fire_report import table_lines, verdict
from fire_serve import Serve
from fire_setup import (
    REDIS,
    STAFF,
    forget_limits,
    free_redis_db,
    prepare_copy,
    resend_refused,
    server_env,
)
from fire_sink import RefusingSink, serving
from fire_timeline import Timeline
from queries import query_paths
from server import free_port
from submissions import LETTERS, plan
from submit_checks import SUFFIX, Poller, last_complaint_id, read_stored, verify
from submit_setup import scratch_copy

BACKEND = "whoosh"


def add_options(parser: argparse.ArgumentParser) -> None:
    """The scenario's options (bench/run.py passes its own values)."""
    add = parser.add_argument
    add("--seconds", type=float, default=60.0, help="length of the load, at most 60")
    add("--submitters", type=int, default=3, help="customers submitting at once")
    add("--trackers", type=int, default=2, help="customers tracking at once")
    add("--searchers", type=int, default=2, help="staff searching at once")
    add("--photo-kb", type=int, default=300, help="size of each photo")
    add("--hang-up-every", type=int, default=4, help="every Nth customer hangs up and resends")
    add("--kill-worker-at", type=float, default=1 / 3, help="fraction of the run (0: never)")
    add("--kill-background-at", type=float, default=0.5, help="fraction of the run (0: never)")
    add(
        "--refuse",
        type=float,
        nargs=2,
        default=(0.25, 0.5),
        metavar=("FROM", "UNTIL"),
        help="fractions of the run between which the SMTP server refuses",
    )
    add("--drain-wait", type=float, default=360.0, help="bound on the wait for mail and index")
    add("--redis", default=REDIS, help="the Redis server for the rate limits (no database)")
    add(
        "--resend-refused",
        action="store_true",
        help="after the refusal, `flask mail retry` the refused emails (an operator after an "
        "outage) instead of waiting for their 1-minute backoff (the pytest's shortcut)",
    )


def run(dataset: Dataset, options: argparse.Namespace) -> dict[str, Any]:
    """The scenario on a scratch copy of `dataset`; every figure and check, for the JSON."""
    seconds = min(float(options.seconds), 60.0)
    began = time.monotonic()
    phases: dict[str, float] = {}

    def done(phase: str) -> None:
        phases[phase] = round(time.monotonic() - began, 1)

    target = scratch_copy(dataset, "under-fire", files=True)
    tag = "".join(LETTERS[int(c, 16) % 19] for c in secrets.token_hex(5))
    redis_url, prefix = free_redis_db(options.redis), f"under-fire-{tag}"
    sink, port = RefusingSink(free_port()), free_port()
    env = server_env(target, sink, port, redis_url, prefix)
    known = prepare_copy(target, env)
    before = last_complaint_id(target.database_url)
    photos = Photos(options.photo_kb * 1024)
    done("prepared")
    poller = Poller(env, poll=0.5, wait=options.drain_wait)
    serve = Serve(env, port, target.folder / "serve.log")
    result: dict[str, Any] = {
        "data": str(target.folder),
        "complaints_before": before,
        "seconds": seconds,
        "clients": {k: getattr(options, k) for k in ("submitters", "trackers", "searchers")},
        "photo_bytes": photos.size,
        "rate_limits": {"storage": redis_url, "key_prefix": prefix, "proxy_hops": 1},
        "load_average": [_loadavg()],
        "faults": {
            "worker": options.kill_worker_at > 0,
            "background": options.kill_background_at > 0,
            "refusal": options.refuse[1] > options.refuse[0],
        },
    }
    with serving(sink):
        try:
            poller.launch()  # its app loads while the server starts
            serve.start()
            result["start_seconds"] = round(serve.wait_up(), 1)
            poller.ready()
            done("serving")
            load, timeline = _fire(serve, target, sink, photos, known, poller, options, seconds)
            result["load_average"].append(_loadavg())
            done("loaded")
            if options.resend_refused:
                result["resent_refused"] = resend_refused(env, target.database_url, before)
            emails = [d.outcome.submission.email for d in load.submitted if d.outcome.redirected]
            result["drain"] = fire_checks.drain(
                target.database_url, emails, options.drain_wait, poller.caught_up
            )
            seen, result["poller"] = poller.finish()
            done("drained")
        finally:
            poller.stop()
            result["serve_exit_status"] = serve.stop()
    done("stopped")
    result["load_average"].append(_loadavg())
    result["timeline"] = timeline.events
    result["smtp"] = {"refused": dict(sink.refused), "accepted": len(sink.received)}
    result["requests"] = load.tally.summary()
    result["server_errors"] = load.tally.server_errors()
    result["no_answer"] = sum(load.tally.dropped.values())
    result["samples"] = load.tally.samples
    result["checks"] = _checks(target, env, load, before, emails, seen, sink)
    result["server_log"] = fire_checks.server_log(serve.log)
    result["redis_keys_removed"] = forget_limits(redis_url, prefix)
    result["verdict"] = verdict(result)
    done("checked")
    result["phases_s"] = phases
    return result


def _fire(
    serve: Serve,
    target: Dataset,
    sink: RefusingSink,
    photos: Photos,
    known: list[tuple[str, str]],
    poller: Poller,
    options: argparse.Namespace,
    seconds: float,
) -> tuple[Load, Timeline]:
    """The load, with the faults at their moments."""
    tag = "".join(LETTERS[int(c, 16) % 19] for c in secrets.token_hex(5))
    searches = [p for kind in ("one", "two", "phrase", "filtered") for p in query_paths(kind, 60)]
    load = Load(
        serve.base_url,
        Tally(),
        iter(plan(tag, 0, 4000, 0)),
        photos,
        TrackPool(known),
        STAFF,
        searches,
        lambda done: poller.submitted(done.outcome.submission.word[:-SUFFIX], done.outcome.done_at),
    )
    load.hang_up_every = options.hang_up_every
    t0 = load.tally.t0 = time.monotonic()
    sink.window = (t0 + options.refuse[0] * seconds, t0 + options.refuse[1] * seconds)
    worker = threading.Thread(
        target=load.run,
        args=(seconds, options.submitters, options.trackers, options.searchers),
        daemon=True,
    )
    timeline = Timeline(serve, target.database_url, t0)
    worker.start()
    timeline.run(
        worker,
        [
            (options.kill_worker_at * seconds, "worker"),
            (options.kill_background_at * seconds, "background"),
        ],
    )
    return load, timeline


def _checks(
    target: Dataset,
    env: dict[str, str],
    load: Load,
    before: int,
    emails: list[str],
    seen: dict[str, dict[int, float]],
    sink: RefusingSink,
) -> dict[str, Any]:
    """Everything stored, delivered and found, against what the clients were told."""
    outcomes = [d.outcome for d in load.submitted]
    stored = read_stored(target.database_url, before)
    found = verify(outcomes, stored, seen, photo=True, acks_waiting=False)
    rows = fire_checks.read_rows(target.database_url, emails)
    known = {o.submission.email for o in outcomes} | {STAFF[0]}
    files = fire_checks.check_files(rows, load.submitted, target.folder / "data" / "uploads")
    return {
        "submitted": len(outcomes),
        "accepted": len(emails),
        "resent_posts": sum(len(d.posts) > 1 for d in load.submitted),
        "resent_and_accepted": sum(
            len(d.posts) > 1 and d.outcome.redirected for d in load.submitted
        ),
        "resent_already_stored": fire_checks.stored_before_resend(rows, load.submitted),
        "never_answered": sum(not d.outcome.status for d in load.submitted),
        "stored": found,
        "unexpected_complaints": len(set(stored.complaints) - known),
        "files": {"problems": len(files), "problem_samples": files[:10]},
        "files_check": fire_checks.files_check(env),
        "acks": fire_checks.check_acks(rows, load.submitted, sink.received),
    }


def _loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options of the stand-alone run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=2000, help="the seeded data set")
    parser.add_argument("--seed", type=int, default=42)
    add_options(parser)
    return parser.parse_args(argv)


def write(result: dict[str, Any]) -> Path:
    """bench/results/under-fire-<complaints>-<timestamp>.json"""
    folder = ROOT / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"under-fire-{result['complaints']}-{stamp}.json"
    path.write_text(json.dumps(result, indent=2))
    return path


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Seed (or reuse) the small data set and run the scenario on a copy of it (bench/run.py
    calls this with parse_args' defaults and its own backend and length)."""
    dataset, _facts = prepare(BACKEND, args.complaints, args.seed, fresh=False)
    from run import machine

    result = {"backend": BACKEND, "complaints": args.complaints, **run(dataset, args)}
    result["machine"] = machine()
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the scenario, print the table, write the JSON; 1 when a guarantee failed."""
    result = measure(parse_args(argv))
    print("\n".join(table_lines(result)))
    print(f"bench: results in {write(result)}", file=sys.stderr)
    return 0 if result["verdict"]["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
