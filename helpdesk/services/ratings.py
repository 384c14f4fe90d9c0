"""The customer's rating of a resolution (1-5 and an optional comment), once per complaint.

A customer may change their rating within CHANGE_HOURS of giving it (a mis-click on the
wrong star should not be final); after that a second rating is refused politely.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import Integer, bindparam, inspect, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from ..domain.lifecycle import DONE, Status
from ..extensions import db
from ..models import Complaint, Rating
from ..models.types import utcnow
from .lifecycle import record_event
from .outcome_errors import InvalidInput, WrongStatus

CHANGE_HOURS = 24
MAX_COMMENT = 2000
SCORES = (1, 2, 3, 4, 5)


class AlreadyRated(WrongStatus):
    """The rating was given more than CHANGE_HOURS ago and stays as it is."""


def can_rate(complaint: Complaint) -> bool:
    """True once the customer has had an outcome (resolved, final or closed)."""
    return Status(complaint.status) in DONE and complaint.responded_at is not None


#: Built once; the complaint's id is the parameter.
_RATING = select(Rating).where(Rating.complaint_id == bindparam("complaint_id", type_=Integer))


def current_rating(complaint: Complaint) -> Rating | None:
    """The rating of a complaint, if given: the one loaded with the complaint when its query
    joined it in (the customer's case page), else asked for."""
    if "rating" in inspect(complaint).dict:
        return complaint.rating
    return db.session.scalars(_RATING, {"complaint_id": complaint.id}).first()


def can_change_rating(rating: Rating, now: datetime | None = None) -> bool:
    """True while a given rating may still be replaced."""
    return (now or utcnow()) <= rating.created_at + timedelta(hours=CHANGE_HOURS)


def rate_resolution(
    complaint: Complaint,
    score: int | None,
    comment: str = "",
    *,
    handling_score: int | None = None,
    now: datetime | None = None,
) -> Rating:
    """Store (or, within CHANGE_HOURS, replace) the customer's rating; audit event "rated".

    `score` rates the resolution and is required; `handling_score` rates how the complaint
    was handled and may be left out (None): an answer to the first question alone still
    counts, and ratings from before the second question have none.
    """
    now = now or utcnow()
    if not can_rate(complaint):
        raise WrongStatus(_("You can rate the resolution once we have sent our response."))
    text = (comment or "").replace("\r\n", "\n").strip()
    errors = {}
    if score not in SCORES:
        errors["score"] = _("Choose a rating from 1 to 5.")
    if handling_score is not None and handling_score not in SCORES:
        errors["handling_score"] = _("Choose a rating from 1 to 5.")
    if len(text) > MAX_COMMENT:
        errors["comment"] = _("At most %(count)d characters.", count=MAX_COMMENT)
    if errors:
        raise InvalidInput(errors)
    assert score is not None
    failure: Exception | None = None
    for _attempt in range(2):
        try:
            return _store(complaint, (score, handling_score), text, now)
        except (IntegrityError, StaleDataError, OperationalError) as exc:
            # A double click or a change at the same moment: try once more on fresh data
            # (the second try finds the first click's rating and replaces it with the same).
            db.session.rollback()
            failure = exc
    raise WrongStatus(_("Your rating could not be saved just now. Please try again.")) from failure


def _store(
    complaint: Complaint, scores: tuple[int, int | None], text: str, now: datetime
) -> Rating:
    """Add or replace the rating and its audit event, then commit."""
    score, handling_score = scores
    rating = current_rating(complaint)
    replaced = rating is not None
    if rating is None:
        rating = Rating(
            complaint=complaint,
            score=score,
            handling_score=handling_score,
            comment=text,
            created_at=now,
        )
        db.session.add(rating)
    elif not can_change_rating(rating, now):
        raise AlreadyRated(
            _(
                "Thank you, you have already rated this resolution. A rating can be changed "
                "only within %(hours)d hours.",
                hours=CHANGE_HOURS,
            )
        )
    else:
        rating.score, rating.handling_score, rating.comment = score, handling_score, text
    detail = {"score": score, "replaced": replaced, "with_comment": bool(text)}
    if handling_score is not None:
        detail["handling_score"] = handling_score
    record_event(complaint, "rated", now=now, actor="customer", detail=detail)
    db.session.commit()
    return rating
