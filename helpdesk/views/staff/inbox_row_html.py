"""Each inbox row's HTML, written out here rather than in the template's row loop.

A row is one `<tbody>`: the row, then its search snippets at full width (app.css turns it
into a card on a phone; app.js makes it clickable through the link it holds). The markup is
the one `staff/_inbox_list.html` had in its loop, unchanged. In Jinja the loop cost about
40 µs a row, a quarter of the inbox page's CPU (every output an attribute look-up and an
`escape` through the template runtime); written out here, a row is a few string joins
(docs/performance.md, "Page speed, eighth session"). Every value that comes from the
database or the catalogue is escaped here; the snippets are Markup already (search.snippets
escapes the text and adds only <mark>).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .inbox_rows import BadgeCell, InboxRow


@dataclass(frozen=True, slots=True)
class RowWords:
    """The words every row may show, translated and escaped once per page."""

    exact: str
    new_answer: str
    mediation: str
    reply_overdue: str
    email_failed: str
    wants: str
    unassigned: str
    acknowledgement: str
    response: str
    due: str


def row_words() -> RowWords:
    """The rows' words in the page's language."""
    return RowWords(
        *(
            str(escape(word))
            for word in (
                _("Exact match"), _("New answer"), _("In mediation"), _("Reply overdue"),
                _("Email failed"), _("Wants:"), _("Unassigned"), _("Acknowledgement"),
                _("Response"), _("due"),
            )
        )
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class RowMarks:
    """Which of the page's complaints carry the mediation and failed-email badges."""

    in_mediation: Collection[int]
    reply_overdue: Collection[int]
    failed_mail: Collection[int]


def _badge(label: str, badge: BadgeCell, due: str) -> str:
    return (
        f'<td class="cell-clock"><span class="visually-hidden clock-label">{label}: </span>'
        f'<span class="badge {escape(badge.css)}" title="{due} {escape(badge.due)}">'
        f"{escape(badge.text)}</span></td>"
    )


def _marks(row: InboxRow, words: RowWords, marks: RowMarks) -> str:
    """The badges after the reference: exact match, new answer, mediation, failed email."""
    found = []
    if row.exact:
        found.append(f'<span class="badge exact">{words.exact}</span>')
    if row.new_answer:
        found.append(f'<span class="badge new-answer">{words.new_answer}</span>')
    if row.id in marks.in_mediation:
        found.append(f'<span class="badge mediation">{words.mediation}</span>')
        if row.id in marks.reply_overdue:
            found.append(f' <span class="badge overdue">{words.reply_overdue}</span>')
    if row.id in marks.failed_mail:
        found.append(f'<span class="badge overdue email-failed">{words.email_failed}</span>')
    return "".join(found)


def _customer(row: InboxRow, words: RowWords) -> str:
    """The customer's name, the complaint's first words and the remedy asked for."""
    found = [f'<span class="customer">{escape(row.name)}</span>']
    if row.gist:
        found.append(f'<span class="gist">{escape(row.gist)}</span>')
    if row.wants:
        found.append(f'<span class="small muted wants">{words.wants} {escape(row.wants)}</span>')
    return "\n".join(found)


def row_html(row: InboxRow, words: RowWords, marks: RowMarks, case_base: str) -> Markup:
    """One complaint's `<tbody>` (case_base: the case page's URL without the reference)."""
    assignee = (
        escape(row.assignee)
        if row.assignee is not None
        else f'<span class="muted">{words.unassigned}</span>'
    )
    html = [
        f'<tbody class="inbox-item{" is-exact" if row.exact else ""}">\n',
        f'<tr id="complaint-{row.id}" class="inbox-row">\n',
        f'<td class="cell-ref">\n<a class="ref-link row-link" '
        f'href="{escape(case_base + row.reference)}">{escape(row.display_reference)}</a>\n',
        _marks(row, words, marks),
        '\n</td>\n<td class="cell-customer">\n',
        _customer(row, words),
        f'\n</td>\n<td class="optional cell-category">{escape(row.category)}</td>\n',
        f'<td class="cell-status"><span class="status status-{escape(row.status)}">'
        f"{escape(row.status_words)}</span></td>\n",
        f'<td class="optional cell-assignee">{assignee}</td>\n',
        _badge(words.acknowledgement, row.ack, words.due),
        "\n",
        _badge(words.response, row.response, words.due),
        "\n</tr>\n",
    ]
    if row.snippets:
        found = "".join(f'<p class="snippet small">{escape(text)}</p>' for text in row.snippets)
        html.append(f'<tr class="snippet-row">\n<td colspan="7">{found}</td>\n</tr>\n')
    html.append("</tbody>\n")
    return Markup("".join(html))  # noqa: S704 - every value above is escaped


def rows_html(rows: list[InboxRow], marks: RowMarks) -> list[Markup]:
    """The page's rows, each as its `<tbody>`, in the page's language."""
    words, case_base = row_words(), url_for("staff.case", reference="_")[:-1]
    return [row_html(row, words, marks, case_base) for row in rows]
