"""Per-request CPU cost of each benchmarked endpoint, in one process on the 100,000-complaint
data, and py-spy flame graphs of them (issue 11 item 4).

    .venv/bin/python bench/profile_requests.py [--rounds 5] [--requests 40] [--only NAME ...]
        [--flamegraphs docs/flamegraphs --suffix before] [--seconds 15] [--cprofile DIR]
        [--code DIR] [--data bench/.work/whoosh-100000-s42] [--json FILE]

The wrk benchmark (bench/run.py) measures latency through gunicorn on a machine that others
share, so its figures move with their load. This measures what load does not distort much:
the app is built as a gunicorn worker builds it (wsgi.py) and called as a WSGI server calls
it, with the benchmark's own URLs, sessions (a real staff login, a real /track) and forms;
each request's CPU time (`time.process_time`, this process only) and its SQL statements are
recorded. Endpoints take turns in rounds; the table gives the median and p95 of all requests
and the best round's median. A submission is a GET of the form (its CSRF and submission
tokens, a row of its own) and the POST, plain or with a 300 KB photo, as bench/submissions.py
sends them; they go to a private copy of the data (bench/profile_app.py), never to the
seeded set. No indexer runs, so the search queue only grows in the copy.

`--flamegraphs DIR` attaches `py-spy record` (`pip install py-spy`, in the bench extra) to
this process for `--seconds` of each endpoint and writes DIR/<endpoint>-<suffix>.svg; for the
submissions only the POSTs are sampled (the forms are fetched before). `--code DIR` runs
another checkout of the code (e.g. a `git archive` of an older commit) on the same data.

`--callgrind N` counts the instructions of N requests of each endpoint after a warm-up,
exact whatever else the machine is doing (an A/B on a busy or drifting VM):

    PYTHONHASHSEED=0 valgrind --tool=callgrind --instr-atstart=no \
        --callgrind-out-file=/tmp/cg/out.%p .venv/bin/python bench/profile_requests.py \
        --callgrind 40 --only search-two-words [--code DIR]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from profile_app import Answer, Browser, Caller, copy_data, load_app, migrate  # noqa: E402

ROOT = HERE.parent
STAFF = ("agent@demo.example", "demo-agent-password")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
SEARCHES = {"one word": "one", "two words": "two", "phrase": "phrase", "filtered": "filtered"}
#: Endpoints that get a flame graph unless --only says otherwise.
FLAMES = ("search-one-word", "inbox", "case-page", "tracking-page", "submit-plain", "submit-photo")

Work = Callable[[Any], list[Answer]]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "bench/.work/whoosh-100000-s42")
    parser.add_argument("--copy", default="profile", help="name of the private copy")
    parser.add_argument("--refresh", action="store_true", help="copy the data again")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to run")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40, help="per endpoint and round")
    parser.add_argument("--only", nargs="*", default=None, help="endpoint slugs")
    parser.add_argument("--flamegraphs", type=Path, default=None)
    parser.add_argument("--suffix", default="", help="added to each flame graph's name")
    parser.add_argument("--seconds", type=float, default=15.0, help="sampled per flame graph")
    parser.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    parser.add_argument("--raw", action="store_true", help="py-spy's collapsed stacks (.txt)")
    parser.add_argument("--cprofile", type=Path, default=None, help="write DIR/<slug>.pstats")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--callgrind",
        type=int,
        default=0,
        metavar="N",
        help="under valgrind --tool=callgrind --instr-atstart=no: instructions of N requests "
        "of each endpoint",
    )
    parser.add_argument(
        "--callgrind-dir",
        type=Path,
        default=Path.cwd(),
        help="the folder of valgrind's --callgrind-out-file (default: here)",
    )
    parser.add_argument(
        "--lockstep",
        type=Path,
        default=None,
        help="a folder shared with a second run (other --code and --copy): each batch of "
        "requests starts when both runs are ready, so both see the same load",
    )
    return parser.parse_args(argv)


class Endpoints:
    """Every endpoint as (slug, table row, prepare, work): `prepare(n)` makes what n requests
    need (forms for submissions) and returns it with any answers it measured; `work` makes
    the requests."""

    def __init__(self, caller: Caller, folder: Path) -> None:
        self.caller, self.folder, self.turn = caller, folder, 0
        self.staff = self._login()
        reference, email = self._resolved_case()
        self.tracker, self.case_path = self._track(reference, email)
        self.reference = reference
        from queries import query_paths

        self.paths = {kind: query_paths(kind) for kind in SEARCHES.values()}
        from submit_load import make_photo

        self.photo = make_photo(300 * 1024).data
        self.made = 0

    def table(self) -> list[tuple[str, str, Callable[[int], tuple[Any, list[Answer]]], Work]]:
        """(slug, row name, prepare, work) of every endpoint, in the order of bench/run.py."""
        rows: list[tuple[str, str, Callable[[int], tuple[Any, list[Answer]]], Work]] = []
        for label, kind in SEARCHES.items():
            paths = self.paths[kind]
            rows.append((f"search-{label.replace(' ', '-')}", f"search: {label}",
                         self._gets(paths), self._walk(self.staff)))  # fmt: skip
        for slug, name, path, who in (
            ("inbox", "inbox first page", "/staff/", self.staff),
            ("case-page", "case page", f"/staff/complaints/{self.reference}", self.staff),
            ("tracking-page", "tracking page", self.case_path, self.tracker),
            ("static-file", "static file (floor)", "/static/css/app.css", Browser()),
        ):
            rows.append((slug, name, self._gets([path]), self._walk(who)))
        # A new visitor's form (no cookie); measured with the POSTs, a row of its own for -only.
        form = ("submit-form", "submission form (GET)", self._gets(["/complaints/new"]))
        rows.append((*form, self._walk(Browser(language="en"))))
        rows.append(("submit-plain", "submission POST", self._forms, self._posts(None)))
        rows.append(
            ("submit-photo", "submission POST, photo", self._forms, self._posts(self.photo))
        )
        return rows

    def _gets(self, paths: list[str]) -> Callable[[int], tuple[Any, list[Answer]]]:
        def prepare(n: int) -> tuple[Any, list[Answer]]:
            start, self.turn = self.turn, self.turn + n
            return [paths[(start + i) % len(paths)] for i in range(n)], []

        return prepare

    def _walk(self, browser: Browser) -> Work:
        def work(paths: list[str]) -> list[Answer]:
            answers = []
            for path in paths:
                answer = self.caller.call(self.caller.environ("GET", path, browser))
                if answer.status != 200:
                    raise SystemExit(f"GET {path} answered {answer.status}")
                answers.append(answer)
            return answers

        return work

    def _forms(self, n: int) -> tuple[Any, list[Answer]]:
        """n customers who each GOT the form: (browser, fields with its tokens)."""
        from submit_load import Submission, form_tokens

        forms, answers = [], []
        for _ in range(n):
            self.made += 1
            stamp = f"{int(time.time())}-{self.made}"
            browser = Browser(language="en")
            answer = self.caller.request("GET", "/complaints/new", browser)
            answers.append(answer)
            submission = Submission(self.made, f"zqprof{self.made}", f"prof-{stamp}@example.com")
            fields = {**submission.fields(), **form_tokens(answer.body.decode())}
            forms.append((browser, fields))
        return forms, answers

    def _posts(self, photo: bytes | None) -> Work:
        from submit_load import encode

        def work(forms: list[tuple[Browser, dict[str, str]]]) -> list[Answer]:
            answers = []
            for browser, fields in forms:
                body, content_type = encode(fields, photo)
                environ = self.caller.environ("POST", "/complaints/new", browser, body=body,
                                              content_type=content_type)  # fmt: skip
                answer = self.caller.call(environ)
                if answer.status not in (302, 303) or not answer.header("Location").endswith(
                    "/complaints/submitted"
                ):
                    raise SystemExit(f"POST /complaints/new answered {answer.status}")
                answers.append(answer)
            return answers

        return work

    def _login(self) -> Browser:
        browser = Browser()
        page = self.caller.request("GET", "/staff/login", browser).body.decode()
        fields = {"email": STAFF[0], "password": STAFF[1], "csrf_token": _token(page)}
        answer = self._post_form("/staff/login", fields, browser)
        if answer.status not in (302, 303):
            raise SystemExit(f"staff login answered {answer.status}")
        # As bench/run.py's warm-up: the first page after the login puts a CSRF token in the
        # session (Set-Cookie); the cookie sent from then on has it, as a browser's would.
        self.caller.request("GET", "/staff/", browser)
        return browser

    def _track(self, reference: str, email: str) -> tuple[Browser, str]:
        browser = Browser()
        page = self.caller.request("GET", "/track", browser).body.decode()
        fields = {"reference": reference, "email": email, "csrf_token": _token(page)}
        answer = self._post_form("/track", fields, browser)
        location = answer.header("Location")
        if answer.status not in (302, 303) or not location:
            raise SystemExit(f"/track answered {answer.status}")
        return browser, urllib.parse.urlsplit(location).path

    def _post_form(self, path: str, fields: dict[str, str], browser: Browser) -> Answer:
        body = urllib.parse.urlencode(fields).encode()
        return self.caller.request("POST", path, browser, body=body,
                                   content_type="application/x-www-form-urlencoded")  # fmt: skip

    def _resolved_case(self) -> tuple[str, str]:
        """bench/run.py's case: the newest resolved complaint with at least 4 messages."""
        with sqlite3.connect(self.folder / "helpdesk.sqlite3") as conn:
            row = conn.execute(
                "SELECT c.reference, c.email FROM complaint c "
                "JOIN message m ON m.complaint_id = c.id WHERE c.status IN ('resolved', 'final') "
                "AND c.id <= 100000 GROUP BY c.id, c.reference, c.email "
                "HAVING COUNT(m.id) >= 4 ORDER BY c.id DESC LIMIT 1"
            ).fetchone()
        return str(row[0]), str(row[1])


def _token(page: str) -> str:
    found = CSRF.search(page)
    return (found.group(1) or found.group(2)) if found else ""


def spy(pid: int, output: Path, rate: int) -> subprocess.Popen[bytes]:
    """py-spy recording this process into a flame graph (collapsed stacks for .txt) until it
    gets SIGINT."""
    spy_bin = Path(sys.executable).with_name("py-spy")
    kind = "raw" if output.suffix == ".txt" else "flamegraph"
    command = [str(spy_bin), "record", "--pid", str(pid), "--rate", str(rate),
               "--format", kind, "--output", str(output)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1.0)  # attached (nothing runs meanwhile, and idle time is not sampled)
    return process


def sampled(args: argparse.Namespace, slug: str, prepare: Any, work: Work) -> None:
    """Run one endpoint for about --seconds under py-spy and/or cProfile."""
    probe_state, _ = prepare(10)
    started = time.process_time()
    work(probe_state)
    each = max((time.process_time() - started) / 10, 0.0005)
    state, _ = prepare(max(10, int(args.seconds / each)))
    spy_process = None
    if args.flamegraphs:
        args.flamegraphs.mkdir(parents=True, exist_ok=True)
        name = f"{slug}-{args.suffix}" if args.suffix else slug
        name += ".txt" if args.raw else ".svg"
        spy_process = spy(_pid(), args.flamegraphs / name, args.rate)
    profiler = cProfile.Profile() if args.cprofile else None
    if profiler:
        profiler.enable()
    answers = work(state)
    if profiler:
        profiler.disable()
        args.cprofile.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(args.cprofile / f"{slug}.pstats")
    if spy_process:
        spy_process.send_signal(signal.SIGINT)
        _out, err = spy_process.communicate(timeout=120)
        if spy_process.returncode:
            print(err.decode(errors="replace"), file=sys.stderr)
    cpu = statistics.median(a.cpu_ms for a in answers)
    print(f"{slug}: {len(answers)} requests sampled, CPU median {cpu:.2f} ms", file=sys.stderr)


def counted(slug: str, prepare: Any, work: Work, requests: int, folder: Path) -> float:
    """Millions of instructions a request of one endpoint (callgrind collecting only around
    the requests; its counters dumped after them and read back from the dump)."""
    work(prepare(5)[0])  # warm-up: caches, pools, templates
    state, _ = prepare(requests)
    pid = str(_pid())
    subprocess.run(["callgrind_control", "-z", pid], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["callgrind_control", "-i", "on", pid], check=True, stdout=subprocess.DEVNULL)
    work(state)
    subprocess.run(["callgrind_control", "-i", "off", pid], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["callgrind_control", "-d", slug, pid], check=True, stdout=subprocess.DEVNULL)
    dumps = sorted(folder.glob(f"*.{pid}.*"), key=lambda path: path.stat().st_mtime)
    total = _dump_total(dumps[-1]) if dumps else None
    if total is None:
        raise SystemExit(f"--callgrind: no callgrind dump of process {pid} in {folder}")
    millions = total / requests / 1e6
    print(f"{slug}: {millions:.2f} M instructions a request ({requests} requests)")
    return millions


def _dump_total(path: Path) -> int | None:
    """The instruction total of a callgrind dump (its `summary:` or `totals:` line)."""
    total = None
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith(("summary:", "totals:")):
            total = int(line.split()[1])
    return total


def _pid() -> int:
    import os

    return os.getpid()


def measure(args: argparse.Namespace, rows: list[Any]) -> dict[str, Any]:
    """Rounds of every endpoint in turn, the pages first and then the submissions (which add
    complaints and outbox rows the inbox would show); per row the figures of all requests."""
    seen: dict[str, list[list[Answer]]] = defaultdict(list)
    pages = [row for row in rows if not row[0].startswith("submit-")]
    posts = [row for row in rows if row[0] in ("submit-plain", "submit-photo")]
    if not posts and any(row[0] == "submit-form" for row in rows):
        pages.append(next(row for row in rows if row[0] == "submit-form"))
    step = 0
    for group in (pages, posts):
        for _slug, _name, prepare, work in group:  # warm-up: caches, pools, templates
            work(prepare(5)[0])
        for _round in range(args.rounds):
            for _slug, name, prepare, work in group:
                _meet(args.lockstep, step := step + 1)  # the forms' GETs are measured too
                state, extra = prepare(args.requests)
                if extra:
                    seen["submission form (GET)"].append(extra)
                _meet(args.lockstep, step := step + 1)
                seen[name].append(work(state))
    return {name: summary(rounds) for name, rounds in seen.items()}


def _meet(folder: Path | None, step: int) -> None:
    """With --lockstep: say this run is ready for batch `step`, wait for the other run."""
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{_pid()}-{step}").touch()
    deadline = time.monotonic() + 600
    while len(list(folder.glob(f"*-{step}"))) < 2:
        if time.monotonic() > deadline:
            raise SystemExit(f"--lockstep: no partner at step {step}")
        time.sleep(0.005)


def summary(rounds: list[list[Answer]]) -> dict[str, float]:
    """Median and p95 CPU ms of all requests, the best round's median, wall and queries."""
    every = [a for answers in rounds for a in answers]
    cpu = sorted(a.cpu_ms for a in every)
    return {
        "requests": len(every),
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": round(cpu[min(len(cpu) - 1, int(0.95 * len(cpu)))], 2),
        "cpu_best_round_p50_ms": round(
            min(statistics.median(a.cpu_ms for a in answers) for answers in rounds), 2
        ),
        "wall_p50_ms": round(statistics.median(a.wall_ms for a in every), 2),
        "queries": statistics.median(a.queries for a in every),
        "bytes": int(statistics.median(len(a.body) for a in every)),
    }


def print_table(figures: dict[str, dict[str, float]]) -> None:
    """The figures as a Markdown table."""
    print("| endpoint | requests | CPU p50 ms | CPU p95 ms | best round p50 | wall p50 ms "
          "| SQL statements | bytes |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, f in figures.items():
        print(f"| {name} | {f['requests']} | {f['cpu_p50_ms']:.2f} | {f['cpu_p95_ms']:.2f} | "
              f"{f['cpu_best_round_p50_ms']:.2f} | {f['wall_p50_ms']:.2f} | "
              f"{f['queries']:g} | {f['bytes']} |")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Copy the data, build the app, then measure or sample."""
    args = parse_args(argv)
    code = args.code.resolve()
    for option in (
        "flamegraphs",
        "cprofile",
        "json",
        "lockstep",
        "callgrind_dir",
    ):  # the app's folder becomes the cwd
        if getattr(args, option) is not None:
            setattr(args, option, getattr(args, option).resolve())
    folder = args.data.resolve().with_name(f"{args.data.resolve().name}-{args.copy}")
    copy_data(args.data.resolve(), folder, refresh=args.refresh)
    migrate(code, folder)
    app = load_app(code, folder)
    rows = Endpoints(Caller(app), folder).table()
    if args.only:
        rows = [row for row in rows if row[0] in args.only]
    if args.callgrind:
        for slug, _name, prepare, work in rows:
            counted(slug, prepare, work, args.callgrind, args.callgrind_dir)
        return 0
    if args.flamegraphs or args.cprofile:
        for slug, _name, prepare, work in rows:
            if args.only or slug in FLAMES:
                sampled(args, slug, prepare, work)
        return 0
    figures = measure(args, rows)
    print_table(figures)
    if args.json:
        args.json.write_text(json.dumps({
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "code": str(code), "rounds": args.rounds, "requests": args.requests,
            "figures": figures,
        }, indent=2))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
