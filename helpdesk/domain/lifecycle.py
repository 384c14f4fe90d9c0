"""Complaint statuses, the one transition table, and which statuses pause the response clock."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """The lifecycle of a complaint (PRODUCT.md)."""

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    ASSESSING = "assessing"
    AWAITING_CUSTOMER = "awaiting_customer"
    RESOLVED = "resolved"
    REVIEW_REQUESTED = "review_requested"
    FINAL = "final"
    CLOSED = "closed"


TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset({Status.ACKNOWLEDGED}),
    Status.ACKNOWLEDGED: frozenset({Status.ASSESSING}),
    Status.ASSESSING: frozenset({Status.AWAITING_CUSTOMER, Status.RESOLVED}),
    Status.AWAITING_CUSTOMER: frozenset({Status.ASSESSING}),
    Status.RESOLVED: frozenset({Status.REVIEW_REQUESTED, Status.CLOSED}),
    Status.REVIEW_REQUESTED: frozenset({Status.FINAL}),
    Status.FINAL: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

#: Statuses in which the full-response clock does not run.
PAUSED = frozenset({Status.AWAITING_CUSTOMER})
#: Statuses in which staff still owe the customer something (the clocks matter).
OPEN = frozenset(
    {
        Status.RECEIVED,
        Status.ACKNOWLEDGED,
        Status.ASSESSING,
        Status.AWAITING_CUSTOMER,
        Status.REVIEW_REQUESTED,
    }
)
#: Statuses after an outcome was sent.
DONE = frozenset({Status.RESOLVED, Status.FINAL, Status.CLOSED})


class TransitionError(ValueError):
    """A status change the lifecycle does not allow."""

    def __init__(self, current: Status, target: Status) -> None:
        super().__init__(f"cannot go from {current} to {target}")
        self.current = current
        self.target = target


def can_transition(current: Status | str, target: Status | str) -> bool:
    """True when the lifecycle allows going from `current` to `target`."""
    return Status(target) in TRANSITIONS[Status(current)]


def check_transition(current: Status | str, target: Status | str) -> Status:
    """Return the target status, or raise TransitionError when the move is not allowed."""
    if not can_transition(current, target):
        raise TransitionError(Status(current), Status(target))
    return Status(target)


def path_to(current: Status | str, target: Status | str) -> list[Status]:
    """Shortest chain of allowed steps from `current` to `target` (empty when already there).

    Services use it so that, say, a staff reply on a fresh complaint records
    "acknowledged" and "assessing" as two audited steps instead of skipping them.
    Raises TransitionError when `target` cannot be reached.
    """
    start, goal = Status(current), Status(target)
    if start == goal:
        return []
    frontier: list[list[Status]] = [[start]]
    seen = {start}
    while frontier:
        chain = frontier.pop(0)
        for nxt in sorted(TRANSITIONS[chain[-1]]):
            if nxt in seen:
                continue
            if nxt == goal:
                return [*chain[1:], nxt]
            seen.add(nxt)
            frontier.append([*chain, nxt])
    raise TransitionError(start, goal)
