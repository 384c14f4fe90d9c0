"""`flask reports …`: rising-trend alerts for cron, and the report's CSV files.

    flask --app wsgi reports trends [--today DATE] [--dry-run]
    flask --app wsgi reports csv [--from DATE] [--to DATE] [--category C] [--channel CH]
                                 [--language L] [--complaints] --out FILE

`trends` checks the week so far and the last complete week (services.trends) and emails
the managers each new alert once; run it daily. `csv` writes the tidy table of the period
and the period before (or, with --complaints, one row per complaint); the period defaults
to this month so far.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from tqdm import tqdm

from ..domain.reports import PeriodError, custom_period, quick_period
from ..models import TrendAlert
from ..services.report_csv import complaint_csv, tidy_csv
from ..services.reports import ReportInputError, check_filters, get_report, shop_today
from ..services.root_causes import find_root_cause, label
from ..services.trend_alerts import alert_new_trends
from ..services.trends import count_descriptions, find_trends
from ..words.labels import category_label
from .cases import BadInput, parse_day

reports_cli = AppGroup("reports", help="Report figures: rising-trend alerts and CSV files.")


@reports_cli.command("trends")
@click.option("--today", metavar="DATE", help="Check as if today were DATE (YYYY-MM-DD).")
@click.option(
    "--dry-run", is_flag=True, help="Only list the rising trends; store and send nothing."
)
def trends_command(today: str | None, dry_run: bool) -> None:
    """Find categories, root causes and product keywords rising well above their usual
    weekly level; email the managers each new alert once."""
    day = parse_day(today, "--today") or shop_today()
    if day > shop_today():
        raise BadInput(f"--today {day} is in the future.")
    with tqdm(
        total=count_descriptions(day), desc="Reading complaints", unit="complaint", file=sys.stderr
    ) as bar:
        if dry_run:
            trends = find_trends(day, progress=bar.update)
            lines = [
                f"{t.dimension} {t.key}: {t.check.count} in the week of {t.week}" for t in trends
            ]
        else:
            alerts = alert_new_trends(today=day, progress=bar.update)
            lines = [_line(alert) for alert in alerts]
    for line in lines:
        click.echo(line)
    if dry_run:
        click.echo(f"{len(lines)} rising trend(s) (dry run: nothing stored or sent).")
    else:
        click.echo(f"{len(lines)} new alert(s); the managers were emailed.")


def _line(alert: TrendAlert) -> str:
    """One alert as a line: what rose, in which week, against its usual level."""
    if alert.dimension == "category":
        name = category_label(alert.key, short=True)
    elif alert.dimension == "root_cause":
        cause = find_root_cause(alert.key)  # a manager's own name, if they gave it one
        name = label(cause) if cause is not None else alert.key
    else:
        name = alert.key
    return (
        f"{alert.dimension} {name}: {alert.count} in the week of {alert.week_start} "
        f"(usually {alert.mean:.1f}, alert above {alert.threshold:.1f})"
    )


@reports_cli.command("csv")
@click.option("--from", "start", metavar="DATE", help="First day received (YYYY-MM-DD).")
@click.option("--to", "end", metavar="DATE", help="Last day received (YYYY-MM-DD).")
@click.option("--category", help="Only this category (e.g. physical).")
@click.option("--channel", help="Only web or email complaints.")
@click.option("--language", help="Only complaints in this language (en, nl).")
@click.option("--complaints", is_flag=True, help="One row per complaint instead of the figures.")
@click.option("--out", required=True, metavar="FILE", help="The CSV file to write.")
def csv_command(
    start: str | None,
    end: str | None,
    category: str | None,
    channel: str | None,
    language: str | None,
    complaints: bool,
    out: str,
) -> None:
    """Write the report's figures (the period and the one before) or its complaints as CSV."""
    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    try:
        filters = check_filters(category, channel, language)
        if first is None and last is None:
            period = quick_period("month", shop_today())
        else:
            end_day = last or shop_today()
            period = custom_period(first or end_day.replace(day=1), end_day)
    except (ReportInputError, PeriodError) as exc:
        raise BadInput(str(exc)) from None
    target = Path(out)
    if not target.parent.is_dir():
        raise BadInput(f"Cannot write {out!r}: its folder does not exist.")
    with target.open("w", encoding="utf-8", newline="") as handle:
        if complaints:
            for piece in complaint_csv(period, filters):
                handle.write(piece)
        else:
            reports = [get_report(p, filters) for p in (period, period.previous())]
            handle.write(tidy_csv(reports))
    click.echo(f"Wrote {target} ({period.start} to {period.end}).")
