"""The submission benchmark's rows for the table bench/run.py prints (the same columns as
the endpoints': req/s, p50, p95, p99, target, PASS/MISS), against issue 11's targets."""

from __future__ import annotations

from typing import Any

from cpu_split import split_line
from submit_load import Outcome, spread

#: Issue 11's targets: submissions per second and p95, with a photo, and time to searchable.
TARGETS = {"rps": 300.0, "p95_ms": 30.0, "photo_rps": 60.0, "searchable_ms": 1000.0}


def figures(outcomes: list[Outcome], seconds: float, photo: int | None) -> dict[str, Any]:
    """Speed of the timed submissions of one phase."""
    timed = [o for o in outcomes if not o.submission.warmup]
    ok = [o for o in timed if o.redirected]
    return {
        "posts": len(timed),
        "redirected": len(ok),
        "errors": len(timed) - len(ok),
        "error_samples": sorted({o.error for o in timed if o.error})[:3],
        "photo_bytes": photo,
        "seconds": round(seconds, 2),
        "rps": round(len(ok) / seconds, 1) if seconds else 0.0,
        **spread([o.post_ms for o in ok]),
        "get": spread([o.get_ms for o in timed if o.get_ms], (50, 95)),
    }


def table_lines(found: dict[str, Any]) -> list[str]:
    """The rows for the benchmark's table (the same columns as the endpoints)."""
    lines = []
    for key, name, rps_target, p95_target in (
        ("plain", "submissions", TARGETS["rps"], TARGETS["p95_ms"]),
        ("photo", "submit + 300 KB photo", TARGETS["photo_rps"], None),
    ):
        row = found.get(key)
        if not row:
            continue
        met = row["rps"] >= rps_target and (
            p95_target is None or (row["p95_ms"] is not None and row["p95_ms"] <= p95_target)
        )
        errors = f", {row['errors']} not redirected" if row["errors"] else ""
        lines.append(
            f"{name:<20} {row['rps']:>8.1f} {_ms(row['p50_ms'])} {_ms(row['p95_ms'])} "
            f"{_ms(row['p99_ms'])} {p95_target or '-':>10}  {'PASS' if met else 'MISS'}  "
            f"(>= {rps_target:.0f}/s; GET p95 {row['get']['p95_ms']} ms{errors})"
        )
    for key in ("plain", "photo"):
        checks = (found.get(key) or {}).get("checks")
        if checks:
            lines.extend(_check_lines(key, checks))
    for key, target in (("plain", TARGETS["rps"]), ("photo", TARGETS["photo_rps"])):
        line = split_line(key, (found.get(key) or {}).get("cpu"), target)
        if line:
            lines.append(line)
    lines.append(_indexer_line(found))
    poller = found.get("poller") or {}
    if poller:
        lines.append(
            f"search poller: {poller['searches']} searches of {poller['search_ms_mean']} ms "
            f"on average (time to searchable may be late by that plus the poll interval), "
            f"{poller['cpu_s']} s of CPU"
        )
    return lines


def _check_lines(key: str, checks: dict[str, Any]) -> list[str]:
    """Time to searchable (p50, p95, max) and the database check of one phase."""
    timing = checks["searchable"]
    if timing["max_ms"] is None:
        result = "n/a"  # nothing was redirected, so nothing could be looked for
    else:
        met = not timing["not_found"] and timing["max_ms"] <= TARGETS["searchable_ms"]
        result = "PASS" if met else "MISS"
    name = "searchable" + (" (photo)" if key == "photo" else "")
    rows = [
        f"{name:<20} {'':>8} {_ms(timing['p50_ms'])} {_ms(timing['p95_ms'])} "
        f"{_ms(timing['max_ms'])} {TARGETS['searchable_ms']:>10.0f}  "
        f"{result}  (p50/p95/max ms from the redirect; "
        f"{timing['found']} of {checks['redirected']} found)"
    ]
    verdict = f"{checks['problems']} PROBLEMS" if checks["problems"] else "OK"
    if not checks["redirected"]:
        verdict = "nothing was redirected"
    rows.append(
        f"{'stored (' + key + ')':<20} {checks['redirected']} redirects: one complaint and one "
        f"acknowledgement waiting in the outbox each: {verdict}"
    )
    rows.extend(f"    {problem}" for problem in checks["problem_samples"][:3])
    return rows


def _indexer_line(found: dict[str, Any]) -> str:
    """Whether the background indexer ran, and what is left in its queue."""
    info = found.get("indexer", {})
    if info.get("ran"):
        early = info.get("exited_early")  # its exit status when it stopped before we did
        state = "ran beside gunicorn" if early is None else f"exited early (status {early})"
        if info.get("cpu_s") is not None:
            state += f" ({info['cpu_s']:.1f} s of CPU, its start-up included)"
    else:
        state = f"not run ({info.get('note', 'unknown')})"
    left = found.get("search_queue_left")
    queue = "" if left is None else f"; search_queue rows left: {left}"
    extra = found.get("unexpected_complaints")
    other = f"; {extra} complaints nobody submitted" if extra else ""
    return f"search indexer: {info.get('command', '')} {state}{queue}{other}"


def _ms(value: float | None) -> str:
    return f"{value:>8.1f}" if value is not None else f"{'-':>8}"
