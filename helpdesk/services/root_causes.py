"""The list of root causes staff choose from when they give an outcome (policy clause 7).

Managers keep the list: add an entry, rename one (their name replaces the translated words
of a seeded entry), retire one (no longer offered; the outcomes that name it keep it) and
bring a retired one back. The list starts with eight entries (migration 0009).
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import RootCause, Staff
from ..words.labels import root_cause_label
from .outcome_errors import InvalidInput, require_manager

MAX_NAME = 100
MAX_NOTE = 1000

__all__ = [
    "MAX_NOTE",
    "add_root_cause",
    "find_root_cause",
    "label",
    "list_root_causes",
    "rename_root_cause",
    "retire_root_cause",
]


def label(cause: RootCause) -> str:
    """The words staff read for a root cause, in their language."""
    return root_cause_label(cause.key, cause.name)


def list_root_causes(*, include_retired: bool = False) -> list[RootCause]:
    """The list in its order; only the ones still offered unless `include_retired`."""
    query = select(RootCause).order_by(RootCause.position, RootCause.id)
    if not include_retired:
        query = query.where(RootCause.active.is_(True))
    return list(db.session.scalars(query))


def find_root_cause(key: str) -> RootCause | None:
    """The root cause with this key, retired or not."""
    return db.session.scalars(select(RootCause).filter_by(key=key)).first()


def _clean_name(name: str) -> str:
    """The name as it will be kept; raises InvalidInput (field "name") when unusable."""
    text = " ".join(name.split())
    if not text:
        raise InvalidInput({"name": _("Give the root cause a name.")})
    if len(text) > MAX_NAME:
        raise InvalidInput({"name": _("At most %(count)d characters.", count=MAX_NAME)})
    taken = {label(cause).casefold() for cause in list_root_causes(include_retired=True)}
    if text.casefold() in taken:
        raise InvalidInput({"name": _("There is already a root cause with this name.")})
    return text


def _key_for(name: str) -> str:
    """A stable key from a name ("Late courier" -> late_courier), made unique."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:30] or "cause"
    key, number = base, 2
    while find_root_cause(key) is not None:
        key, number = f"{base}_{number}", number + 1
    return key


def add_root_cause(staff: Staff, name: str) -> RootCause:
    """A manager adds an entry at the end of the list; raises NotAllowed or InvalidInput."""
    require_manager(staff)
    text = _clean_name(name)
    last = db.session.scalar(select(func.max(RootCause.position))) or 0
    cause = RootCause(key=_key_for(text), name=text, active=True, position=last + 10)
    db.session.add(cause)
    try:
        db.session.commit()
    except IntegrityError as exc:  # the same key made at the same moment
        db.session.rollback()
        raise InvalidInput({"name": _("There is already a root cause with this name.")}) from exc
    return cause


def rename_root_cause(staff: Staff, key: str, name: str) -> RootCause:
    """A manager renames an entry (raises NotAllowed, LookupError or InvalidInput)."""
    require_manager(staff)
    cause = find_root_cause(key)
    if cause is None:
        raise LookupError(key)
    if " ".join(name.split()) != label(cause):
        cause.name = _clean_name(name)
        db.session.commit()
    return cause


def retire_root_cause(staff: Staff, key: str, *, retired: bool = True) -> RootCause:
    """A manager stops offering an entry, or (retired=False) offers it again."""
    require_manager(staff)
    cause = find_root_cause(key)
    if cause is None:
        raise LookupError(key)
    cause.active = not retired
    db.session.commit()
    return cause
