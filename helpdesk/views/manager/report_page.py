"""What the reports page (/staff/reports) shows, read from its query string: the form (period,
filters, their errors), the period's report and the one before as sections (report_handling,
report_results), the latest comments, the corrective actions' effect, the rising trends,
and the links (quick picks, CSV downloads) that keep the chosen period and filters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ...domain.improvement import TREND_MIN_COUNT, TREND_SIGMAS, TREND_WEEKS, RateChange
from ...domain.reports import Period, week_start
from ...forms.reports import FILTERS, PICKS, ReportForm
from ...models import CorrectiveAction
from ...services.corrective_actions import action_effect, list_actions
from ...services.report_queries import RatingComment
from ...services.reports import (
    Report,
    ReportFilters,
    ReportInputError,
    check_filters,
    get_report,
)
from ...services.root_causes import label, list_root_causes
from ...services.trend_alerts import alert_words, list_alerts
from ...services.trends import rising_now, weeks_checked
from ...words import numbers as n
from . import report_handling, report_results
from .report_figures import Section

#: Done corrective actions shown with their effect, newest first.
ACTIONS_SHOWN = 6


@dataclass(frozen=True)
class Pick:
    """A quick-pick link: its words, its query and whether it is the period shown."""

    words: str
    args: dict[str, str]
    current: bool


@dataclass(frozen=True)
class ActionLine:
    """A done corrective action and its root cause's share before and after, as words."""

    action: CorrectiveAction
    cause: str
    before: str
    after: str
    change: str


@dataclass(frozen=True)
class TrendLine:
    """A rising trend: what rose, in which week, how many against the usual level."""

    words: str
    week: date
    count: int
    usual: str


@dataclass
class ReportPage:
    """Everything the template reads."""

    form: ReportForm
    today: date
    picks: list[Pick]
    period: Period | None = None
    previous: Period | None = None
    now: Report | None = None
    sections: Sequence[Section] = ()
    comments: Sequence[RatingComment] = ()
    actions: Sequence[ActionLine] = ()
    open_actions: int = 0
    overdue_actions: int = 0
    #: Categories and root causes rising now (when the period reaches the weeks checked).
    rising: Sequence[TrendLine] = ()
    #: The alerts the daily check stored for the period's weeks.
    alerts: Sequence[TrendLine] = ()
    #: The trend rule's numbers, for the panel's words (domain.improvement).
    rule: Mapping[str, float] = field(default_factory=dict)
    #: The corrective-actions page, when there is one.
    actions_url: str | None = None
    #: The query that names this period and filters (CSV links, quick picks keep filters).
    args: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the form made a report (no errors)."""
        return self.now is not None


def read_form(
    args: MultiDict[str, str], today: date
) -> tuple[ReportForm, Period | None, ReportFilters | None]:
    """The form filled from the query string, its period and filters (None, None with the
    errors on their fields)."""
    form = ReportForm(formdata=args)
    valid = form.validate()
    period = form.period(today)  # also when a filter is wrong: every message at once
    if not valid or period is None:
        return form, None, None
    try:
        filters = check_filters(**form.filter_values())
    except ReportInputError:
        # A choice the form offers that the settings do not (a language not configured).
        form.form_errors.append(_("This filter is not available here."))
        return form, None, None
    form.show(period)
    return form, period, filters


def query_args(form: ReportForm) -> dict[str, str]:
    """The non-empty query parameters of the form as shown."""
    found = {"from": form.start.data or "", "to": form.end.data or "", "pick": form.pick.data or ""}
    found.update({name: form[name].data or "" for name in FILTERS})
    return {key: value for key, value in found.items() if value}


def _picks(form: ReportForm, period: Period | None) -> list[Pick]:
    kept = {name: form[name].data for name in FILTERS if form[name].data and not form[name].errors}
    return [
        Pick(str(words), {"pick": kind.value, **kept}, period is not None and period.kind == kind)
        for kind, words in PICKS.items()
    ]


def build_page(args: MultiDict[str, str], today: date) -> ReportPage:
    """The page for this query string, as of `today` (the shop's date)."""
    form, period, filters = read_form(args, today)
    rule = {"sigmas": TREND_SIGMAS, "weeks": TREND_WEEKS, "least": TREND_MIN_COUNT}
    page = ReportPage(form=form, today=today, picks=_picks(form, period), rule=rule)
    if period is None or filters is None:
        return page
    previous = period.previous()
    now = get_report(period, filters, today=today)
    before = get_report(previous, filters, today=today)
    causes = list_root_causes(include_retired=True)
    names = {cause.key: label(cause) for cause in causes}
    page.period, page.previous, page.now, page.args = period, previous, now, query_args(form)
    page.sections = sections(now, before, names)
    page.comments = now.comments
    _add_actions(page, names, today)
    own_names = {c.key: (c.name, c.name_nl) for c in causes}
    page.alerts = _alerts(period, own_names)
    if period.end >= weeks_checked(today)[0]:
        page.rising = [
            TrendLine(alert_words(t, own_names), t.week, t.check.count, n.decimal(t.check.mean))
            for t in rising_now(today)
        ]
    return page


def sections(now: Report, before: Report, names: Mapping[str, str]) -> list[Section]:
    """Every section, in the page's order."""
    return [
        report_handling.overview(now, before),
        report_handling.categories(now, before),
        report_handling.sla(now, before),
        report_handling.speed(now, before),
        report_results.outcomes(now, before),
        report_results.refunds(now, before),
        report_results.reviews(now, before),
        report_results.mediation(now, before),
        report_results.remedies(now, before),
        report_results.satisfaction(now, before),
        report_results.root_causes(now, before, names),
    ]


def _add_actions(page: ReportPage, names: Mapping[str, str], today: date) -> None:
    """The done actions with their effect, and how many are open or overdue."""
    summaries = list_actions(today=today)
    done = [s.action for s in summaries if s.action.done_on is not None][:ACTIONS_SHOWN]
    page.actions = [_action_line(action, names, action_effect(action, today)) for action in done]
    opened = [s for s in summaries if s.action.done_on is None]
    page.open_actions = len(opened)
    page.overdue_actions = sum(1 for s in opened if s.overdue)


def _action_line(
    action: CorrectiveAction, names: Mapping[str, str], effect: RateChange | None
) -> ActionLine:
    cause = names.get(action.root_cause.key, action.root_cause.key)
    if effect is None:
        return ActionLine(action, cause, n.NONE, n.NONE, n.NONE)
    before = f"{n.percent(effect.before_rate)} ({effect.before_count}/{effect.before_total})"
    after = f"{n.percent(effect.after_rate)} ({effect.after_count}/{effect.after_total})"
    change = n.point_change(effect.after_rate, effect.before_rate)
    return ActionLine(action, cause, before, after, change)


def _alerts(period: Period, own_names: dict[str, tuple[str | None, str | None]]) -> list[TrendLine]:
    """The rising-trend alerts of the weeks the period touches, with their words (a root
    cause by its managers' own names, by key)."""
    alerts = list_alerts(week_start(period.start), period.end)
    return [
        TrendLine(alert_words(a, own_names), a.week_start, a.count, n.decimal(a.mean))
        for a in alerts
    ]
