"""Trend alerts: each rising trend services.trends finds is stored once and emailed to every
active manager, in one commit (an alert already stored is never sent again)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..domain.improvement import TREND_MIN_COUNT, TREND_SIGMAS, TREND_WEEKS
from ..extensions import db
from ..models import RootCause, Staff, TrendAlert
from ..models.types import utcnow
from ..outbox.queue import queue_email
from ..words.labels import category_label, root_cause_label
from .reports import shop_today
from .trends import Progress, Trend, find_trends


def alert_new_trends(
    *, today: date | None = None, now: datetime | None = None, progress: Progress | None = None
) -> list[TrendAlert]:
    """Store the trends not alerted before and email them to every active manager (one
    email each, listing them), in one commit. Returns the new alerts."""
    now = now or utcnow()
    today = today or shop_today(now)
    trends = find_trends(today, progress=progress)
    known = _known(trends)
    new = [
        TrendAlert(
            dimension=t.dimension,
            key=t.key,
            week_start=t.week,
            count=t.check.count,
            mean=t.check.mean,
            threshold=t.check.threshold,
            created_at=now,
        )
        for t in trends
        if (t.dimension, t.key, t.week) not in known
    ]
    if not new:
        return []
    db.session.add_all(new)
    _email_managers(new)
    try:
        db.session.commit()
    except IntegrityError:
        # Another run stored the same alerts at the same moment: it sends them.
        db.session.rollback()
        return []
    return new


def list_alerts(first_week: date, last_day: date) -> list[TrendAlert]:
    """The alerts stored for the weeks from the one starting `first_week` to the one holding
    `last_day`, newest week first, then by what rose (the reports page's panel)."""
    query = (
        select(TrendAlert)
        .where(TrendAlert.week_start >= first_week, TrendAlert.week_start <= last_day)
        .order_by(TrendAlert.week_start.desc(), TrendAlert.dimension, TrendAlert.key)
    )
    return list(db.session.scalars(query))


def _known(trends: Iterable[Trend]) -> set[tuple[str, str, date]]:
    weeks = {t.week for t in trends}
    if not weeks:
        return set()
    query = select(TrendAlert.dimension, TrendAlert.key, TrendAlert.week_start).where(
        TrendAlert.week_start.in_(weeks)
    )
    return {(dimension, key, week) for dimension, key, week in db.session.execute(query)}


def _email_managers(alerts: list[TrendAlert]) -> None:
    """One email per active manager listing the new alerts (no commit)."""
    managers = db.session.scalars(
        select(Staff).where(Staff.role == "manager", Staff.active.is_(True)).order_by(Staff.id)
    )
    names = {
        key: (name, name_nl)
        for key, name, name_nl in db.session.execute(
            select(RootCause.key, RootCause.name, RootCause.name_nl)
        )
    }
    context = {
        "alerts": alerts,
        "words": lambda alert: alert_words(alert, names),
        "shop_name": current_app.config["SHOP_NAME"],
        "reports_link": str(current_app.config["BASE_URL"]).rstrip("/") + "/staff/reports",
        # The rule in the email's words comes from the rule itself (domain.improvement).
        "rule": {"sigmas": TREND_SIGMAS, "weeks": TREND_WEEKS, "least": TREND_MIN_COUNT},
    }
    language = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    for manager in managers:
        queue_email(
            kind="trend_alert",
            to=manager.email,
            template="trend_alert",
            language=language,
            **context,
        )


def alert_words(
    alert: TrendAlert | Trend, root_cause_names: dict[str, tuple[str | None, str | None]]
) -> str:
    """What rose, in words: "Category: Billing or payment", "Root cause: Packing",
    "Keyword: lamp" (called while the email is rendered, in its language; a root cause's
    names are its managers' English and Dutch ones, by key)."""
    if alert.dimension == "category":
        return str(_("Category: %(name)s", name=category_label(alert.key)))
    if alert.dimension == "root_cause":
        name, name_nl = root_cause_names.get(alert.key, (None, None))
        return str(_("Root cause: %(name)s", name=root_cause_label(alert.key, name, name_nl)))
    return str(_("Keyword: %(word)s", word=alert.key))
