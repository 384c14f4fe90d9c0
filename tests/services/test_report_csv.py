"""The report's CSV files, parsed back: UTF-8 with a BOM, CRLF line ends, ISO dates, the tidy
table (period, measure, category, value) of May and the period before, and one row per
complaint; and `flask reports csv`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from flask import Flask

from helpdesk.services.report_csv import (
    COMPLAINT_HEADER,
    TIDY_HEADER,
    complaint_csv,
    neutralise,
    tidy_csv,
)
from helpdesk.services.reports import ReportFilters, get_report
from tests.services.reports_support import MAY, TODAY, DataSet, build


@pytest.fixture
def data(any_app: Flask) -> DataSet:
    return build()


def parse(text: str) -> list[list[str]]:
    """What a spreadsheet reads: the BOM first, every line ending in CRLF."""
    assert text.startswith("\ufeff")
    body = text.removeprefix("\ufeff")
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")
    return list(csv.reader(io.StringIO(body, newline="")))


def test_the_tidy_table_of_may_and_the_period_before(data: DataSet) -> None:
    reports = [get_report(p, ReportFilters(), today=TODAY) for p in (MAY, MAY.previous())]
    rows = parse(tidy_csv(reports))
    assert tuple(rows[0]) == TIDY_HEADER
    table = {(period, measure, category): value for period, measure, category, value in rows[1:]}
    may, april = "2026-05-01/2026-05-31", "2026-03-31/2026-04-30"
    assert table[(may, "complaints", "all")] == "7"
    assert table[(may, "complaints", "physical")] == "3"
    assert table[(april, "complaints", "all")] == "1"
    # Weekly counts, the first week cut to the period's days.
    assert table[("2026-05-11/2026-05-17", "complaints_per_week", "digital")] == "1"
    assert table[("2026-05-01/2026-05-03", "complaints_per_week", "physical")] == "0"
    assert table[("2026-05-25/2026-05-31", "complaints_per_week", "physical")] == "1"
    expected = {
        "ack_met": "5",
        "ack_open_overdue": "1",
        "ack_compliance_rate": "0.7143",
        "ack_days_median": "0",
        "response_open_in_time": "1",
        "response_compliance_rate": "0.5000",
        "response_days_median": "3",
        "response_days_p90": "8",
        "refunds": "2",
        "refund_total_eur": "51.00",
        "review_rate": "0.5000",
        "review_change_rate": "0.5000",
        "mediation_rate": "0.1429",
        "satisfaction_resolution_average": "3.6667",
        "satisfaction_handling_answers": "2",
        "satisfaction_handling_average": "4.5000",
    }
    assert {m: table[(may, m, "all")] for m in expected} == expected
    assert table[(may, "outcomes", "none")] == "3"
    assert table[(may, "mediation_decisions", "settled")] == "1"
    assert table[(may, "remedy_sought_given", "refund>refund")] == "2"
    assert table[(may, "remedy_sought_given", "not_stated>technical_assistance")] == "1"
    assert table[(may, "satisfaction_resolution", "2")] == "1"
    assert table[(may, "satisfaction_handling", "3")] == "0"
    assert table[(may, "root_causes", "packing")] == "1"
    # Asked for an outcome (refund x2, replacement product) and ended with it: 3 of 3.
    assert table[(may, "remedy_asked", "all")] == "3"
    assert table[(may, "remedy_granted_rate", "all")] == "1.0000"
    assert table[(april, "response_days_median", "all")] == ""  # no response yet: none
    assert table[(april, "review_rate", "all")] == ""


def test_one_row_per_complaint(data: DataSet) -> None:
    rows = parse("".join(complaint_csv(MAY, ReportFilters())))
    assert tuple(rows[0]) == COMPLAINT_HEADER
    found = {row[0]: dict(zip(COMPLAINT_HEADER, row, strict=True)) for row in rows[1:]}
    assert len(found) == 7  # May only: not C8
    c2 = found[data.complaints["C2"].reference]
    assert {k: c2[k] for k in ("received_on", "channel", "language", "preferred_solution",
                               "outcome", "root_cause", "acknowledged_on", "days_to_acknowledge",
                               "responded_on", "days_to_respond", "responded_on_time")} == {
        "received_on": "2026-05-13", "channel": "email", "language": "nl",
        "preferred_solution": "", "outcome": "technical_assistance",
        "root_cause": "download_server", "acknowledged_on": "2026-05-15",
        "days_to_acknowledge": "1", "responded_on": "2026-05-27", "days_to_respond": "5",
        "responded_on_time": "yes",
    }  # fmt: skip
    c3 = found[data.complaints["C3"].reference]
    assert {k: c3[k] for k in ("refund_eur", "acknowledged_on_time", "review_requested_on",
                               "review_changed_outcome", "rating_resolution", "rating_handling",
                               "referrals", "mediation_decision")} == {
        "refund_eur": "31.00", "acknowledged_on_time": "no", "review_requested_on": "2026-06-01",
        "review_changed_outcome": "yes", "rating_resolution": "2", "rating_handling": "",
        "referrals": "1", "mediation_decision": "settled",
    }  # fmt: skip
    c6 = found[data.complaints["C6"].reference]
    assert (c6["status"], c6["outcome"], c6["days_to_acknowledge"]) == ("received", "", "")
    nl = parse("".join(complaint_csv(MAY, ReportFilters(language="nl"))))
    assert sorted(row[0] for row in nl[1:]) == sorted(
        data.complaints[name].reference for name in ("C2", "C4", "C7")
    )


def test_the_command_writes_both_files(app: Flask, tmp_path: Path) -> None:
    data = build()
    runner = app.test_cli_runner()
    out = tmp_path / "may.csv"
    args = ["reports", "csv", "--from", "2026-05-01", "--to", "2026-05-31", "--out", str(out)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    rows = parse(out.read_bytes().decode("utf-8"))
    assert ["2026-05-01/2026-05-31", "complaints", "all", "7"] in rows
    assert ["2026-03-31/2026-04-30", "complaints", "all", "1"] in rows
    result = runner.invoke(args=[*args, "--complaints", "--category", "physical"])
    assert result.exit_code == 0, result.output
    references = [row[0] for row in parse(out.read_bytes().decode("utf-8"))[1:]]
    assert sorted(references) == sorted(data.complaints[n].reference for n in ("C1", "C4", "C7"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "1 May"], "--from wants a date as YYYY-MM-DD, not '1 May'."),
        (["--from", "2026-06-01", "--to", "2026-05-01"], "the period ends (2026-05-01) before"),
        (["--category", "toys"], "Unknown category 'toys'; one of: digital"),
        (["--language", "de"], "Unknown language 'de'; one of: en, nl."),
    ],
)
def test_bad_input_is_one_line(app: Flask, tmp_path: Path, args: list[str], message: str) -> None:
    result = app.test_cli_runner().invoke(
        args=["reports", "csv", *args, "--out", str(tmp_path / "x.csv")]
    )
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "x.csv").exists()


def test_a_missing_folder_is_one_line(app: Flask, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "x.csv"
    result = app.test_cli_runner().invoke(args=["reports", "csv", "--out", str(target)])
    assert result.exit_code == 2 and "its folder does not exist" in result.output


def test_a_cell_a_spreadsheet_would_run_is_written_as_text() -> None:
    cells = ['=HYPERLINK("http://x")', "+31 6", "-cmd", "@SUM(A1)", "\tx", "plain", "-5.00", "12"]
    assert [neutralise(cell) for cell in cells] == [
        "'=HYPERLINK(\"http://x\")", "'+31 6", "'-cmd", "'@SUM(A1)", "'\tx", "plain", "-5.00", "12",
    ]  # fmt: skip


def test_a_moment_is_written_as_the_shops_date() -> None:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from helpdesk.services.report_csv import _ShopDays

    amsterdam = _ShopDays(ZoneInfo("Europe/Amsterdam"))
    assert amsterdam(datetime(2026, 5, 14, 21, 59)) == "2026-05-14"  # 23:59 summer time
    assert amsterdam(datetime(2026, 5, 14, 22, 0)) == "2026-05-15"  # SQLite: naive UTC
    assert amsterdam(datetime(2026, 5, 14, 22, 0, tzinfo=UTC)) == "2026-05-15"  # PostgreSQL
    assert amsterdam(datetime(2026, 12, 14, 22, 59)) == "2026-12-14"  # winter: UTC+1
    assert amsterdam(None) == ""
    kolkata = _ShopDays(ZoneInfo("Asia/Kolkata"))  # UTC+5:30
    assert kolkata(datetime(2026, 5, 14, 18, 29)) == "2026-05-14"
    assert kolkata(datetime(2026, 5, 14, 18, 30)) == "2026-05-15"
    # The days the clocks change (29 March and 25 October 2026, at 01:00 UTC): each moment
    # of those UTC days is converted on its own.
    assert amsterdam(datetime(2026, 3, 28, 23, 30)) == "2026-03-29"  # 00:30 CET
    assert amsterdam(datetime(2026, 3, 29, 0, 30)) == "2026-03-29"  # 01:30 CET
    assert amsterdam(datetime(2026, 3, 29, 21, 59)) == "2026-03-29"  # 23:59 CEST
    assert amsterdam(datetime(2026, 3, 29, 22, 0)) == "2026-03-30"  # 00:00 CEST
    assert amsterdam(datetime(2026, 10, 24, 22, 30)) == "2026-10-25"  # 00:30 CEST
    assert amsterdam(datetime(2026, 10, 25, 22, 59)) == "2026-10-25"  # 23:59 CET
    assert amsterdam(datetime(2026, 10, 25, 23, 0)) == "2026-10-26"  # 00:00 CET
    every = [datetime(2026, 3, 27) + timedelta(minutes=15 * n) for n in range(4 * 24 * 5)]
    every += [datetime(2026, 10, 23) + timedelta(minutes=15 * n) for n in range(4 * 24 * 5)]
    tz = ZoneInfo("Europe/Amsterdam")
    assert [amsterdam(m) for m in every] == [
        m.replace(tzinfo=UTC).astimezone(tz).date().isoformat() for m in every
    ]


def test_a_formula_in_the_tidy_table_is_parsed_back_as_text(data: DataSet) -> None:
    """No key the helpdesk writes starts like a formula today (root cause keys are made of
    letters, digits and _); should one, the spreadsheet still reads it as text."""
    import dataclasses

    may = get_report(MAY, ReportFilters(), today=TODAY)
    odd = dataclasses.replace(may, root_causes={'=HYPERLINK("http://x")': 1, "-2": 2})
    rows = parse(tidy_csv([odd]))
    causes = {row[2]: row[3] for row in rows if row[1] == "root_causes"}
    assert causes == {'\'=HYPERLINK("http://x")': "1", "-2": "2"}  # a plain number stays
