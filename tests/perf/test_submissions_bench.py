"""The submission benchmark (bench/submissions.py) end to end on a tiny data set: real
gunicorn, real CSRF forms, a real JPEG, the database checks and the search poller; and
the checks themselves catch what they are there to catch."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import submissions  # noqa: E402 — bench/ is a folder of scripts, not a package
from cpu_split import CpuSplit, split_line  # noqa: E402
from dataset import Dataset, counts  # noqa: E402
from submit_checks import Stored, problems_for, verify  # noqa: E402
from submit_load import Outcome, Submission, form_tokens, percentile  # noqa: E402


def _options(**given: object) -> argparse.Namespace:
    options = submissions.parse_args([])
    for key, value in given.items():
        setattr(options, key, value)
    return options


def test_a_small_run_stores_acknowledges_and_finds_every_submission(
    tmp_path: Path, sqlite_template: Path
) -> None:
    """8 plain and 4 photo POSTs (plus a warm-up each per thread) on a copy of a migrated
    database: every POST redirected, all stored once with one waiting acknowledgement, all
    found by search; the data set itself is left as it was."""
    dataset = Dataset("whoosh", 0, 7, tmp_path / "set")
    (dataset.folder / "data").mkdir(parents=True)
    shutil.copy(sqlite_template, dataset.folder / "helpdesk.sqlite3")

    found = submissions.run(dataset, _options(posts=8, photo_posts=4, threads=2, wait=5.0))

    for phase, posts, photo in (("plain", 8, None), ("photo", 4, True)):
        row = found[phase]
        assert (row["posts"], row["redirected"], row["errors"]) == (posts, posts, 0), row
        assert row["rps"] > 0 and row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"]
        assert (row["photo_bytes"] is not None) is bool(photo)
        checks = row["checks"]
        assert checks["redirected"] == posts + 2  # one warm-up per thread
        assert checks["problems"] == 0, checks["problem_samples"]
        assert checks["searchable"]["found"] == posts + 2
        assert checks["searchable"]["max_ms"] is not None
    assert 270_000 <= found["photo"]["photo_bytes"] <= 330_000
    assert found["unexpected_complaints"] == 0
    assert counts(dataset)["complaint"] == 0  # the data set is left as it was
    rows = "\n".join(submissions.table_lines(found))
    assert "submissions " in rows and "submit + 300 KB photo" in rows
    assert "searchable" in rows and "OK" in rows
    # The indexer ran beside gunicorn; its CPU time (start-up included) is read and shown.
    assert found["indexer"]["ran"] and found["indexer"]["exited_early"] is None
    assert found["indexer"]["cpu_s"] > 0.5  # importing the app alone takes more
    assert f"({found['indexer']['cpu_s']:.1f} s of CPU" in rows
    # Where the cores went during each timed phase: the workers did the serving.
    for phase in ("plain", "photo"):
        parts = found[phase]["cpu"]["ms_per_submission"]
        assert set(parts) == {"workers", "indexer", "poller", "client", "other", "idle", "stolen"}
        assert parts["workers"] > 0 and all(value >= 0 for value in parts.values())
        assert f"CPU a submission ({phase}), ms: workers {parts['workers']:.2f}" in rows


def test_the_cpu_split_gives_each_process_its_own_time() -> None:
    """A process that burns 0.6 s of CPU is charged 0.6 s (to within the clock's ticks), one
    that sleeps nothing, and the machine's busy time covers both."""
    burn = (
        "import sys, time\nsys.stdin.readline()\nend = time.process_time() + 0.6\n"
        "while time.process_time() < end: pass\nprint('done', flush=True)\nsys.stdin.read()"
    )
    burner = subprocess.Popen([sys.executable, "-c", burn], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        time.sleep(0.3)  # both started and idle
        split = CpuSplit(lambda: {"burner": [burner.pid], "sleeper": [sleeper.pid]})
        split.start()
        assert burner.stdin is not None and burner.stdout is not None
        burner.stdin.write("go\n")
        burner.stdin.flush()
        assert burner.stdout.readline().strip() == "done"
        found = split.stop(count=2)["ms_per_submission"]  # both still alive here
    finally:
        burner.kill()
        sleeper.kill()
        burner.communicate()
        sleeper.wait()
    assert 250 <= found["burner"] <= 360, found  # 600 ms over 2 "submissions"
    assert found["sleeper"] <= 10, found
    assert found["burner"] + found["other"] + found["client"] <= 2000, found
    line = split_line("plain", {"cores": 2, "ms_per_submission": found}, 300.0)
    assert line is not None
    assert f"burner {found['burner']:.2f}" in line and "leaves 6.67 ms of the 2 cores" in line


def _stored(**given: object) -> Stored:
    stored = Stored(
        complaints={"a@x.example": 11},
        acks={11: [(True, 0)]},
        submitted_events={11: 1},
        messages={11: 1},
    )
    for key, value in given.items():
        setattr(stored, key, value)
    return stored


def test_the_database_checks_pass_a_right_submission() -> None:
    """One complaint, one waiting acknowledgement, one event and message: no problem."""
    assert problems_for("a@x.example", True, False, _stored()) == []


@pytest.mark.parametrize(
    ("redirected", "photo", "stored", "expected"),
    [
        (True, False, _stored(complaints={}), "no complaint stored"),
        (True, False, _stored(duplicates={"a@x.example": 2}), "2 complaints"),
        (True, False, _stored(acks={}), "0 acknowledgements"),
        (True, False, _stored(acks={11: [(True, 0), (True, 0)]}), "2 acknowledgements"),
        (True, False, _stored(acks={11: [(False, 1)]}), "not waiting untried"),
        (True, True, _stored(), "0 attachments"),
        (True, False, _stored(submitted_events={}), "one 'submitted' event"),
        (False, False, _stored(), "stored although the POST was not redirected"),
    ],
)
def test_the_database_checks_name_what_is_wrong(
    redirected: bool, photo: bool, stored: Stored, expected: str
) -> None:
    """Each way a submission can be stored wrongly is reported."""
    problems = problems_for("a@x.example", redirected, photo, stored)
    assert any(expected in p for p in problems), problems


def test_a_complaint_the_search_never_returned_counts_as_not_found() -> None:
    """Found only when the poller saw the complaint's id under the word's block prefix."""
    outcomes = [
        Outcome(Submission(n, f"zqbbbbbbb{n}", f"{n}@x.example"), 303, "/complaints/submitted")
        for n in range(2)
    ]
    for outcome in outcomes:
        outcome.done_at = 100.0
    stored = Stored(
        complaints={"0@x.example": 1, "1@x.example": 2},
        acks={1: [(True, 0)], 2: [(True, 0)]},
        submitted_events={1: 1, 2: 1},
        messages={1: 1, 2: 1},
    )
    result = verify(outcomes, stored, {"zqbbbbb": {1: 100.25}}, photo=False)
    assert result["searchable"]["found"] == 1 and result["searchable"]["not_found"] == 1
    assert result["searchable"]["max_ms"] == 250.0
    assert result["problems"] == 0


def test_form_tokens_and_percentiles() -> None:
    """Both tokens are read from the form whatever the attribute order; nearest-rank p95."""
    page = (
        '<input id="csrf_token" name="csrf_token" type="hidden" value="abc.def">'
        '<input type="hidden" value="0123" name="submission_token">'
    )
    assert form_tokens(page) == {"csrf_token": "abc.def", "submission_token": "0123"}
    assert percentile(list(range(1, 101)), 95) == 95
    assert percentile([], 50) is None
