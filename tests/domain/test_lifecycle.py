"""The status transition table: every allowed move, every forbidden one, and paths."""

from __future__ import annotations

import itertools

import pytest

from helpdesk.domain.lifecycle import (
    PAUSED,
    TRANSITIONS,
    Status,
    TransitionError,
    can_transition,
    check_transition,
    path_to,
)

ALLOWED = {
    ("received", "acknowledged"),
    ("acknowledged", "assessing"),
    ("assessing", "awaiting_customer"),
    ("awaiting_customer", "assessing"),
    ("assessing", "resolved"),
    ("resolved", "review_requested"),
    ("resolved", "closed"),
    ("review_requested", "final"),
    ("final", "closed"),
}


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_transitions(current: str, target: str) -> None:
    assert can_transition(current, target)
    assert check_transition(current, target) == Status(target)


FORBIDDEN = sorted(
    (a.value, b.value)
    for a, b in itertools.product(Status, Status)
    if (a.value, b.value) not in ALLOWED
)


@pytest.mark.parametrize(("current", "target"), FORBIDDEN)
def test_forbidden_transitions(current: str, target: str) -> None:
    assert not can_transition(current, target)
    with pytest.raises(TransitionError):
        check_transition(current, target)


def test_table_matches_the_specification() -> None:
    table = {(a.value, b.value) for a, targets in TRANSITIONS.items() for b in targets}
    assert table == ALLOWED


def test_closed_is_the_end() -> None:
    assert TRANSITIONS[Status.CLOSED] == frozenset()


def test_only_awaiting_customer_pauses_the_clock() -> None:
    assert {Status.AWAITING_CUSTOMER} == PAUSED


def test_path_takes_every_step() -> None:
    assert path_to("received", "resolved") == [
        Status.ACKNOWLEDGED,
        Status.ASSESSING,
        Status.RESOLVED,
    ]
    assert path_to("awaiting_customer", "resolved") == [Status.ASSESSING, Status.RESOLVED]
    assert path_to("assessing", "assessing") == []


def test_path_refuses_going_back() -> None:
    with pytest.raises(TransitionError):
        path_to("final", "review_requested")
    with pytest.raises(TransitionError):
        path_to("closed", "assessing")
