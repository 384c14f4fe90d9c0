"""The list of root causes staff choose from when they give an outcome (policy clause 7).

Managers keep the list, in English and Dutch: add an entry, rename one (their names replace
the translated words of a seeded entry), move one up or down, retire one (no longer
offered; the outcomes, actions and alerts that name it keep it), bring a retired one back,
and delete one nothing names yet (a mistyped entry). The list starts with eight entries
(migration 0009).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import CorrectiveAction, Outcome, RootCause, Staff, TrendAlert
from ..words.labels import ROOT_CAUSES, root_cause_label
from .outcome_errors import InvalidInput, WrongStatus, require_manager

MAX_NAME = 100
MAX_NOTE = 1000
#: The languages a root cause is named in, and the form field each name comes from.
NAME_FIELDS = {"en": "name", "nl": "name_nl"}

__all__ = [
    "MAX_NAME",
    "MAX_NOTE",
    "RootCauseInUse",
    "RootCauseNames",
    "add_root_cause",
    "delete_root_cause",
    "find_root_cause",
    "is_used",
    "label",
    "list_root_causes",
    "move_root_cause",
    "names_of",
    "rename_root_cause",
    "retire_root_cause",
    "used_ids",
]


class RootCauseInUse(WrongStatus):
    """An outcome, corrective action or alert names the entry: it can only be retired."""


@dataclass(frozen=True)
class RootCauseNames:
    """An entry's names as a manager typed them: English and Dutch."""

    name: str
    name_nl: str


def label(cause: RootCause) -> str:
    """The words staff read for a root cause, in their language."""
    return root_cause_label(cause.key, cause.name, cause.name_nl)


def names_of(cause: RootCause) -> RootCauseNames:
    """The entry's words in English and in Dutch, as the rename form starts from."""
    words = {}
    for language in NAME_FIELDS:
        with force_locale(language):
            words[language] = label(cause)
    return RootCauseNames(name=words["en"], name_nl=words["nl"])


def list_root_causes(*, include_retired: bool = False) -> list[RootCause]:
    """The list in its order; only the ones still offered unless `include_retired`."""
    query = select(RootCause).order_by(RootCause.position, RootCause.id)
    if not include_retired:
        query = query.where(RootCause.active.is_(True))
    return list(db.session.scalars(query))


def find_root_cause(key: str) -> RootCause | None:
    """The root cause with this key, retired or not."""
    return db.session.scalars(select(RootCause).filter_by(key=key)).first()


def _require(key: str) -> RootCause:
    cause = find_root_cause(key)
    if cause is None:
        raise LookupError(key)
    return cause


def _clean_names(names: RootCauseNames, cause: RootCause | None) -> tuple[str, str]:
    """Both names as they will be kept; raises InvalidInput (fields "name", "name_nl") when
    one is empty, too long, or another entry's name in that language."""
    others = [c for c in list_root_causes(include_retired=True) if c is not cause]
    errors, cleaned = {}, {}
    for language, field in NAME_FIELDS.items():
        text = " ".join(getattr(names, field).split())
        with force_locale(language):
            taken = {label(other).casefold() for other in others}
        if not text:
            errors[field] = (
                _("Give the root cause an English name.")
                if language == "en"
                else _("Give the root cause a Dutch name.")
            )
        elif len(text) > MAX_NAME:
            errors[field] = _("At most %(count)d characters.", count=MAX_NAME)
        elif text.casefold() in taken:
            errors[field] = _("There is already a root cause with this name.")
        cleaned[language] = text
    if errors:
        raise InvalidInput(errors)
    return cleaned["en"], cleaned["nl"]


def _own(key: str, language: str, text: str) -> str | None:
    """What to keep as a manager's own name: None when it is a seeded entry's own words in
    that language (so the translation keeps speaking for it)."""
    if key in ROOT_CAUSES:
        with force_locale(language):
            if text == str(ROOT_CAUSES[key]):
                return None
    return text


def _key_for(name: str) -> str:
    """A stable key from a name ("Late courier" -> late_courier), made unique."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:30] or "cause"
    key, number = base, 2
    while find_root_cause(key) is not None:
        key, number = f"{base}_{number}", number + 1
    return key


def add_root_cause(staff: Staff, names: RootCauseNames) -> RootCause:
    """A manager adds an entry at the end of the list; raises NotAllowed or InvalidInput."""
    require_manager(staff)
    name, name_nl = _clean_names(names, None)
    last = db.session.scalar(select(func.max(RootCause.position))) or 0
    cause = RootCause(
        key=_key_for(name), name=name, name_nl=name_nl, active=True, position=last + 10
    )
    db.session.add(cause)
    try:
        db.session.commit()
    except IntegrityError as exc:  # the same key made at the same moment
        db.session.rollback()
        raise InvalidInput({"name": _("There is already a root cause with this name.")}) from exc
    return cause


def rename_root_cause(staff: Staff, key: str, names: RootCauseNames) -> RootCause:
    """A manager renames an entry in both languages (raises NotAllowed, LookupError or
    InvalidInput)."""
    require_manager(staff)
    cause = _require(key)
    name, name_nl = _clean_names(names, cause)
    cause.name, cause.name_nl = _own(key, "en", name), _own(key, "nl", name_nl)
    db.session.commit()
    return cause


def retire_root_cause(staff: Staff, key: str, *, retired: bool = True) -> RootCause:
    """A manager stops offering an entry, or (retired=False) offers it again."""
    require_manager(staff)
    cause = _require(key)
    cause.active = not retired
    db.session.commit()
    return cause


def move_root_cause(staff: Staff, key: str, step: int) -> RootCause:
    """A manager moves an entry one place up (step -1) or down (+1) in the list staff see;
    at either end nothing changes. The list is numbered afresh (10, 20, ...)."""
    require_manager(staff)
    cause = _require(key)
    causes = list_root_causes(include_retired=True)
    here = causes.index(cause)
    there = here + (1 if step > 0 else -1)
    if 0 <= there < len(causes):
        causes[here], causes[there] = causes[there], causes[here]
        for number, entry in enumerate(causes, start=1):
            entry.position = number * 10
        db.session.commit()
    return cause


def used_ids() -> set[int]:
    """The ids of the entries an outcome, corrective action or trend alert names (the
    complaint's own copy of its outcome's root cause names none of its own)."""
    named = (
        select(Outcome.root_cause_id)
        .where(Outcome.root_cause_id.is_not(None))
        .union(
            select(CorrectiveAction.root_cause_id),
            select(RootCause.id).join(
                TrendAlert,
                (TrendAlert.dimension == "root_cause") & (TrendAlert.key == RootCause.key),
            ),
        )
    )
    return {found for found in db.session.scalars(named) if found is not None}


def is_used(cause: RootCause) -> bool:
    """True when an outcome, corrective action or trend alert names the entry."""
    named = (
        exists().where(Outcome.root_cause_id == cause.id),
        exists().where(CorrectiveAction.root_cause_id == cause.id),
        exists().where(TrendAlert.dimension == "root_cause", TrendAlert.key == cause.key),
    )
    return any(db.session.scalar(select(condition)) for condition in named)


def delete_root_cause(staff: Staff, key: str) -> None:
    """A manager deletes an entry nothing names (raises NotAllowed, LookupError or
    RootCauseInUse: a used entry is retired instead, so the figures keep their words)."""
    require_manager(staff)
    cause = _require(key)
    in_use = RootCauseInUse(
        _("This root cause is named by complaints or actions: retire it instead.")
    )
    if is_used(cause):
        raise in_use
    db.session.delete(cause)
    try:
        db.session.commit()
    except IntegrityError as exc:  # an outcome named it at the same moment
        db.session.rollback()
        raise in_use from exc
