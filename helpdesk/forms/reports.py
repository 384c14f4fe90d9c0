"""The reports page's GET form (/staff/reports): the period (a quick pick, or from/to dates)
and the filters (category, channel, language). A GET form changes nothing, so it carries no
CSRF token; a bad value gets its message next to its field and is shown back as typed.

Which period the form means (`ReportForm.period`):

- `from` and/or `to` typed: from..to (a missing `to` is today, a missing `from` the first
  day of `to`'s month), compared with as many days right before, unless the dates are
  exactly those of the quick pick also sent, which then keeps its calendar comparison;
- only a quick pick (`pick`): that pick;
- nothing: this month.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectChoice, SelectField, StringField

from ..domain.reports import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_PERIOD_YEARS,
    Period,
    PeriodError,
    PeriodKind,
    custom_period,
    quick_period,
)
from ..words import labels
from .base import Form
from .mediation import typed_date

#: The quick picks the page offers, in its order, with their words.
PICKS = {
    PeriodKind.MONTH: _l("This month"),
    PeriodKind.LAST_30: _l("Last 30 days"),
    PeriodKind.LAST_90: _l("Last 90 days"),
    PeriodKind.QUARTER: _l("This quarter"),
    PeriodKind.LAST_QUARTER: _l("Last quarter"),
    PeriodKind.YEAR: _l("This year"),
}
CHANNELS = {"web": _l("Web form"), "email": _l("Email")}
LANGUAGES = {"en": _l("English"), "nl": _l("Dutch")}
#: The filter fields (query parameters named as the report's filters).
FILTERS = ("category", "channel", "language")


def _choices(words: dict[str, object], everything: object) -> list[SelectChoice]:
    return [SelectChoice("", everything), *(SelectChoice(k, v) for k, v in words.items())]


class ReportForm(Form):
    """Period and filters, read from the query string."""

    class Meta(Form.Meta):
        """A GET form: no CSRF token."""

        csrf = False

    pick = HiddenField()
    # Named start/end in Python: "from" is a keyword; the query string says from and to.
    start = StringField(_l("From"), name="from", render_kw={"type": "date"})
    end = StringField(_l("To"), name="to", render_kw={"type": "date"})
    category = SelectField(
        _l("Category"),
        choices=_choices(dict(labels.CATEGORY_SHORT), _l("All categories")),
        default="",
    )
    channel = SelectField(
        _l("Channel"), choices=_choices(dict(CHANNELS), _l("All channels")), default=""
    )
    language = SelectField(
        _l("Language"), choices=_choices(dict(LANGUAGES), _l("All languages")), default=""
    )

    def period(self, today: date) -> Period | None:
        """The period the form means (see the module's docstring), after validate(); None,
        with the message on its field, when the dates cannot make one."""
        pick = self._pick(today)
        typed_start, typed_end = (self.start.data or "").strip(), (self.end.data or "").strip()
        if not typed_start and not typed_end:
            return pick or quick_period(PeriodKind.MONTH, today)
        first, last = self._day(self.start, typed_start), self._day(self.end, typed_end)
        if (typed_start and first is None) or (typed_end and last is None):
            return None
        end = last or today
        start = first or end.replace(day=1)
        if pick is not None and (pick.start, pick.end) == (start, end):
            return pick
        try:
            return custom_period(start, end)
        except PeriodError:
            if end < start:
                message = _("The last day comes before the first day.")
            else:
                message = _("A report can span at most %(years)d years.", years=MAX_PERIOD_YEARS)
            self.end.errors = [*self.end.errors, message]
            return None

    def _pick(self, today: date) -> Period | None:
        """The quick pick sent, if it is one the page offers."""
        try:
            kind = PeriodKind(self.pick.data or "")
        except ValueError:
            return None
        return quick_period(kind, today) if kind in PICKS else None

    @staticmethod
    def _day(field: StringField, typed: str) -> date | None:
        """The typed date, or None with a message on the field."""
        if not typed:
            return None
        found = typed_date(field)
        if found is None:
            field.errors = [*field.errors, _("Enter a date as YYYY-MM-DD, e.g. 2026-12-01.")]
        elif not FIRST_YEAR <= found.year <= LAST_YEAR:
            years = {"first": FIRST_YEAR, "last": LAST_YEAR}
            field.errors = [*field.errors, _("Enter a date from %(first)d to %(last)d.", **years)]
            return None
        return found

    def show(self, period: Period) -> None:
        """Fill the date fields with the period shown (a pick's dates, or today's month)."""
        self.start.data = period.start.isoformat()
        self.end.data = period.end.isoformat()
        self.pick.data = period.kind.value if period.kind in PICKS else ""

    def filter_values(self) -> dict[str, str | None]:
        """The chosen filters ("" for all becomes None)."""
        return {name: (self[name].data or None) for name in FILTERS}
