"""Public submissions under load (issue 11): gunicorn with 2 sync workers on 127.0.0.1 and 4
client threads; each thread GETs /complaints/new for a fresh form (CSRF token and submission
token) and POSTs it filled in: 200 urlencoded complaints, then 200 that each carry a 300 KB
JPEG (multipart). Rate limits are off; every complaint has its own address (at most three
acknowledgements go to one address a day); SMTP points at a closed port, so every
acknowledgement waits in the outbox.

    .venv/bin/python bench/submissions.py [--backend whoosh|postgres] [--complaints N]
        [--posts 200] [--photo-posts 200] [--threads 4] [--photo-kb 300] [--quick]

Reported: submissions per second (redirected POSTs per second of wall time, the GETs of the
forms included in that time) and the POST's p50/p95/p99 (the GET's own p50/p95 are in the
JSON); then the database is checked (every redirect is exactly one complaint with one
acknowledgement waiting in the outbox, bench/submit_checks.py), and each complaint's unique
description word is searched for until found: "time to searchable" from the redirect.

It runs on a scratch copy of the seeded data (the database and the search index; uploads
are not copied), so the seeded data set other runs reuse stays as seeded. When
`flask --app wsgi search indexer` exists, it runs beside gunicorn. bench/run.py calls run().
"""

from __future__ import annotations

import argparse
import json
import secrets
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cpu_split import CpuSplit
from dataset import ROOT, Dataset, prepare, reindex
from server import Server, running
from submit_checks import BLOCK, SUFFIX, Poller, last_complaint_id, read_stored, verify
from submit_load import Outcome, Submission, make_photo, run_threads
from submit_report import figures, table_lines
from submit_setup import health, indexer, indexer_probe, scratch_copy

#: Letters for the unique words: consonants without s or y, which no stemmer trims.
LETTERS = "bcdfghjklmnpqrtvwxz"


def plan(tag: str, phase: int, count: int, warmup: int) -> list[Submission]:
    """`warmup` + `count` submissions, each with its own address and description word."""
    if warmup + count > BLOCK * len(LETTERS):
        raise ValueError(f"at most {BLOCK * len(LETTERS) - warmup} submissions per phase")
    run_code = "zq" + tag
    result = []
    for n in range(warmup + count):
        block, number = divmod(n, BLOCK)
        word = run_code + LETTERS[phase] + LETTERS[block] + _letters(number, SUFFIX)
        email = f"bench-{tag}-{phase}-{n}@example.com"
        result.append(Submission(n, word, email, warmup=n < warmup))
    return result


def _letters(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, digit = divmod(number, len(LETTERS))
        digits.append(LETTERS[digit])
    return "".join(reversed(digits))


def load(
    base_url: str,
    poller: Poller,
    todo: list[Submission],
    threads: int,
    photo: bytes | None,
    split: CpuSplit | None = None,
) -> tuple[list[Outcome], float, dict[str, Any] | None]:
    """The warm-up (not timed, and found by search before the timing starts), then the timed
    submissions; every redirect goes to the poller. With `split`, also where the cores went
    during the timed part."""

    def done(outcome: Outcome) -> None:
        if outcome.redirected:
            poller.submitted(outcome.submission.word[:-SUFFIX], outcome.done_at)

    warm = [s for s in todo if s.warmup]
    outcomes, _ = run_threads(base_url, warm, min(threads, len(warm)) or 1, photo, done)
    # A background indexer still starting up would count against the first timed ones.
    if not poller.caught_up(timeout=60):
        print("bench: submissions: the warm-up is not searchable after 60 s", file=sys.stderr)
    if split:
        split.start()
    timed, seconds = run_threads(base_url, [s for s in todo if not s.warmup], threads, photo, done)
    cpu = split.stop(len(timed)) if split else None
    return outcomes + timed, seconds, cpu


def run(dataset: Dataset, options: argparse.Namespace) -> dict[str, Any]:
    """Both phases on a scratch copy of `dataset`; returns the figures (for the JSON)."""
    target = dataset if options.in_place else scratch_copy(dataset)
    photo = make_photo(options.photo_kb * 1024)
    result: dict[str, Any] = {"threads": options.threads, "data": str(target.folder)}
    before = last_complaint_id(target.database_url)
    # The poller's app and the indexer probe start while gunicorn does.
    poller = Poller(target.env(), poll=options.poll_ms / 1000, wait=options.wait)
    poller.launch()
    probe = indexer_probe(target, not options.no_indexer)
    phases: list[tuple[str, list[Outcome], bool]] = []
    try:
        with running(target) as server, indexer(target, probe) as result["indexer"]:
            seen = measure(server, target, poller, options, photo.data, phases, result)
    finally:
        poller.stop()
    stored = read_stored(target.database_url, before)
    for name, outcomes, with_photo in phases:
        result[name]["checks"] = verify(outcomes, stored, seen, with_photo)
    known = {o.submission.email for _n, outcomes, _p in phases for o in outcomes}
    result["unexpected_complaints"] = len(set(stored.complaints) - known)
    result["search_queue_left"] = stored.search_queue
    result["photo_file"] = {
        "bytes": len(photo.data),
        "width": photo.width,
        "height": photo.height,
        "jpeg_quality": photo.quality,
    }
    return result


def measure(
    server: Server,
    target: Dataset,
    poller: Poller,
    options: argparse.Namespace,
    photo: bytes,
    phases: list[tuple[str, list[Outcome], bool]],
    result: dict[str, Any],
) -> dict[str, dict[int, float]]:
    """The two phases against the running server (figures into `result`, outcomes into
    `phases`); returns when each complaint was first found by search."""
    result["health_before"] = health(server.base_url)
    if result["health_before"].get("search") != "ok":
        print("bench: submissions: the search index is not ok: reindexing", file=sys.stderr)
        reindex(target)
    result["search_backend"], _ = poller.ready()
    tag = "".join(LETTERS[int(c, 16) % 19] for c in secrets.token_hex(5))
    indexer_pid = result["indexer"].get("pid")
    split = CpuSplit(
        lambda: {
            "workers": server.worker_pids(),
            "indexer": [indexer_pid] if indexer_pid else [],
            "poller": [poller.process.pid] if poller.process.pid else [],
        }
    )
    for number, (name, count, image) in enumerate(
        (("plain", options.posts, None), ("photo", options.photo_posts, photo))
    ):
        if count <= 0:
            continue
        print(
            f"bench: submissions: {count} {name} POSTs, {options.threads} threads", file=sys.stderr
        )
        todo = plan(tag, number, count, options.warmup * options.threads)
        outcomes, seconds, cpu = load(server.base_url, poller, todo, options.threads, image, split)
        result[name] = figures(outcomes, seconds, len(image) if image else None)
        result[name]["cpu"] = cpu
        phases.append((name, outcomes, image is not None))
    seen, result["poller"] = poller.finish()
    result["health_after"] = health(server.base_url)
    result["worker_rss_mb"] = {str(k): v for k, v in server.worker_rss_mb().items()}
    return seen


def add_options(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    """The submission options (bench/run.py adds them to its own)."""
    parser.add_argument(
        f"--{prefix}posts",
        dest="posts",
        type=int,
        default=200,
        help="timed urlencoded POSTs (0: skip)",
    )
    parser.add_argument(
        f"--{prefix}photo-posts",
        dest="photo_posts",
        type=int,
        default=200,
        help="timed POSTs with a photo (0: skip)",
    )
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--photo-kb", type=int, default=300, help="size of the JPEG")
    parser.add_argument("--warmup", type=int, default=1, help="untimed submissions per thread")
    parser.add_argument("--poll-ms", type=int, default=50, help="search poll interval")
    parser.add_argument(
        "--wait",
        type=float,
        default=10.0,
        help="seconds to wait for a complaint to become searchable",
    )
    parser.add_argument(
        "--no-indexer",
        action="store_true",
        help="do not start `flask search indexer` even if it exists",
    )
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="submit into the seeded data itself, not a scratch copy",
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options of the stand-alone run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("whoosh", "postgres"), default="whoosh")
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--quick", action="store_true", help="2,000 complaints, 40 + 20 POSTs")
    add_options(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.complaints, args.posts, args.photo_posts = 2000, 40, 20
    return args


def main(argv: list[str] | None = None) -> int:
    """Seed (or reuse) the data set, run both phases, print the rows, write the JSON."""
    args = parse_args(argv)
    dataset, _facts = prepare(args.backend, args.complaints, args.seed, fresh=False)
    try:
        found = run(dataset, args)
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        print(f"bench: submissions failed: {exc}", file=sys.stderr)
        return 1
    print("\n".join(table_lines(found)))
    folder = ROOT / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"submissions-{args.backend}-{args.complaints}-{stamp}.json"
    path.write_text(
        json.dumps(
            {"backend": args.backend, "complaints": args.complaints, "submissions": found}, indent=2
        )
    )
    print(f"bench: results in {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
