"""bench/under_fire.py's verdict (every guarantee of issue 10 item 4, each pass or fail) and
its table: requests by kind, what happened when, and each check with its figures."""

from __future__ import annotations

from typing import Any


def verdict(result: dict[str, Any]) -> dict[str, Any]:
    """Each guarantee as True/False, and "pass" when all hold."""
    checks = result["checks"]
    stored = checks["stored"]
    drain = result["drain"]
    held = {
        "no 5xx answer": result["server_errors"] == 0
        and not result["server_log"].get("access_log_5xx"),
        "every accepted submission stored once": stored["problems"] == 0
        and checks["unexpected_complaints"] == 0,
        "every file there with its SHA-256": checks["files"]["problems"] == 0,
        "no orphan file but a killed worker's, none after files check --delete": _files_ok(
            checks["files_check"], result["faults"]["worker"]
        ),
        "every acknowledgement delivered once": checks["acks"]["problems"] == 0
        and checks["acks"]["messages_twice"] == 0,
        "every accepted complaint found by search, once": stored["searchable"]["not_found"] == 0
        and not result["poller"].get("repeated_ids"),
        "drained within the bound": drain["acks_unsent"] == 0 and drain["search_queue"] == 0,
        "some submissions accepted": checks["accepted"] > 0,
        "the faults asked for happened": _faults_happened(result),
    }
    return {"pass": all(held.values()), **held}


def _files_ok(check: dict[str, Any], worker_killed: bool) -> bool:
    """No row without its file; orphan or temporary files only as many as the killed worker
    had threads (HELPDESK_THREADS=4), and none left after `files check --delete`."""
    first, after = check["first"], check["after_delete"]
    if first["exit_status"] == 0:
        return True
    left = sum(first["counts"].get(k, 0) for k in ("orphan file", "temporary file"))
    cleaned = after is not None and after["exit_status"] == 0
    return worker_killed and left <= 4 and cleaned and not first["counts"].get("missing file")


def _faults_happened(result: dict[str, Any]) -> bool:
    """Each fault the options asked for took place: a worker killed and replaced, the mail
    worker and the indexer killed and running again (started in place by `make serve`, or
    the whole runner started again and answering), refused transactions."""
    asked, what = result["faults"], [e["what"] for e in result["timeline"]]
    worker = not asked["worker"] or "gunicorn replaced the worker" in what
    background = not asked["background"] or (
        any(w.startswith("kill -9 mail") for w in what)
        and ("answering again" in what or "mail and indexer started again in place" in what)
    )
    refused = not asked["refusal"] or sum(result["smtp"]["refused"].values()) > 0
    return worker and background and refused


def table_lines(result: dict[str, Any]) -> list[str]:
    """The report printed at the end of a run."""
    clients = result["clients"]
    lines = [
        f"Under fire: {result['seconds']:.0f} s of load on `make serve` (gthread 2 x 4), "
        f"{clients['submitters']} customers submitting with a {result['photo_bytes'] // 1024} KB "
        f"photo, {clients['trackers']} tracking, {clients['searchers']} staff searching",
        f"{'request':<16} {'answers':>8} {'no answer':>9} {'5xx':>5} {'other':>6} "
        f"{'p50 ms':>8} {'p95 ms':>8}  statuses",
    ]
    for kind, row in result["requests"].items():
        fives = sum(n for s, n in row["statuses"].items() if s.startswith("5"))
        statuses = ", ".join(f"{s}: {n}" for s, n in row["statuses"].items())
        lines.append(
            f"{kind:<16} {row['answers']:>8} {row['no_answer']:>9} {fives:>5} "
            f"{row['unexpected']:>6} {_ms(row['p50_ms'])} {_ms(row['p95_ms'])}  {statuses}"
        )
    lines.append("what happened (seconds into the load):")
    for event in result["timeline"]:
        extra = ", ".join(f"{k} {v}" for k, v in event.items() if k not in ("t", "what"))
        lines.append(f"  {event['t']:6.1f}  {event['what']}" + (f" ({extra})" if extra else ""))
    smtp = result["smtp"]
    refused = ", ".join(f"{n} x {code}" for code, n in smtp["refused"].items())
    lines.append(f"  SMTP refusal window: {refused}; {smtp['accepted']} messages accepted")
    lines.extend(_check_lines(result))
    held = result["verdict"]
    lines.append("verdict: " + ("PASS" if held["pass"] else "FAIL"))
    lines.extend(
        f"  {'ok  ' if ok else 'FAIL'} {name}" for name, ok in held.items() if name != "pass"
    )
    return lines


def _check_lines(result: dict[str, Any]) -> list[str]:
    checks = result["checks"]
    stored, acks, drain = checks["stored"], checks["acks"], result["drain"]
    searchable = stored["searchable"]
    lines = [
        f"submissions: {checks['submitted']} POSTed, {checks['accepted']} accepted (303); "
        f"{checks['resent_posts']} resent after a hang-up or no answer "
        f"({checks['resent_and_accepted']} then accepted, {checks['resent_already_stored']} "
        f"of them stored by the POST without an answer: the resend found it), "
        f"{checks['never_answered']} never answered",
        f"stored: {stored['problems']} problems, {checks['unexpected_complaints']} unexpected "
        f"complaints; files: {checks['files']['problems']} problems; files check: "
        + _files_line(checks["files_check"]),
        f"acknowledgements: {acks['problems']} problems, {acks['messages_twice']} messages "
        f"delivered twice, {acks['acks_tried_more_than_once']} delivered after a refusal",
        f"search: {searchable['found']} found, {searchable['not_found']} not found; time to "
        f"searchable p50 {searchable['p50_ms']} ms, p95 {searchable['p95_ms']} ms, "
        f"max {searchable['max_ms']} ms; {result['poller'].get('repeated_ids', 0)} ids returned "
        "twice by one search",
        f"drained {drain['seconds']} s after the load (bound {drain['bound_seconds']:.0f} s): "
        f"{drain['acks_unsent']} acknowledgements unsent, {drain['search_queue']} index changes "
        f"queued",
        f"server log: {result['server_log'] or 'nothing alarming'}",
        "load average (start, end of load, end): "
        + " | ".join(" ".join(a.split()[:3]) for a in result["load_average"]),
    ]
    for key, samples in (
        ("stored", stored["problem_samples"]),
        ("files", checks["files"]["problem_samples"]),
        ("acks", acks["problem_samples"]),
    ):
        lines.extend(f"  {key}: {sample}" for sample in samples[:5])
    lines.extend(f"  {sample}" for sample in result["samples"][:12])
    return lines


def _files_line(check: dict[str, Any]) -> str:
    first, after = check["first"], check["after_delete"]
    line = f"exit {first['exit_status']}, {first['summary']}"
    if after is not None:
        line += f"; after --delete: exit {after['exit_status']}, {after['summary']}"
    return line


def _ms(value: float | None) -> str:
    return f"{value:>8.1f}" if value is not None else f"{'-':>8}"
