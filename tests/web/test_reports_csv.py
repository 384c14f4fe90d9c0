"""The reports page's downloads, parsed back with the csv module: "Download CSV" (the tidy
table of the period and the one before) and "Download complaints (CSV)" (one row per
complaint), for the period and filters of the page; UTF-8 with a BOM, attachments."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.services.report_csv import COMPLAINT_HEADER, TIDY_HEADER
from tests.services.outcomes_support import login
from tests.services.reports_support import DataSet, build

PERIOD = "from=2026-05-01&to=2026-05-31"


@pytest.fixture
def data(app: Flask) -> DataSet:
    return build()


@pytest.fixture
def manager(client: FlaskClient, data: DataSet) -> FlaskClient:
    login(client, data.manager)
    return client


def download(client: FlaskClient, url: str) -> tuple[str, list[list[str]]]:
    """The attachment's file name and its rows; the bytes must be UTF-8 with a BOM."""
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    return disposition.split("filename=")[1].strip('"'), list(
        csv.reader(io.StringIO(text, newline=""))
    )


def test_download_csv_is_the_tidy_table_of_the_page(manager: FlaskClient) -> None:
    name, rows = download(manager, f"/staff/reports/figures.csv?{PERIOD}")
    assert name == "report-2026-05-01-2026-05-31.csv"
    assert tuple(rows[0]) == TIDY_HEADER
    assert ["2026-05-01/2026-05-31", "complaints", "all", "7"] in rows
    assert ["2026-03-31/2026-04-30", "complaints", "all", "1"] in rows
    assert ["2026-05-01/2026-05-31", "refund_total_eur", "all", "51.00"] in rows
    _name, physical = download(manager, f"/staff/reports/figures.csv?{PERIOD}&category=physical")
    assert ["2026-05-01/2026-05-31", "complaints", "all", "3"] in physical


def test_download_complaints_is_one_row_per_complaint(manager: FlaskClient, data: DataSet) -> None:
    name, rows = download(manager, f"/staff/reports/complaints.csv?{PERIOD}&language=nl")
    assert name == "complaints-2026-05-01-2026-05-31.csv"
    assert tuple(rows[0]) == COMPLAINT_HEADER
    found = {row[0]: dict(zip(COMPLAINT_HEADER, row, strict=True)) for row in rows[1:]}
    assert sorted(found) == sorted(data.complaints[n].reference for n in ("C2", "C4", "C7"))
    c2 = found[data.complaints["C2"].reference]
    assert (c2["received_on"], c2["days_to_respond"], c2["outcome"]) == (
        "2026-05-13", "5", "technical_assistance",
    )  # fmt: skip


def test_this_month_when_no_period_is_given(manager: FlaskClient) -> None:
    name, rows = download(manager, "/staff/reports/complaints.csv")
    assert name.startswith("complaints-") and rows == [list(COMPLAINT_HEADER)]
