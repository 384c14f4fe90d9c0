"""The login throttle's rules: free tries, a doubling wait with a cap, and one try per address
for an account under a distributed attack."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from helpdesk.domain.login_delay import (
    ACCOUNT_FAILURES_PER_HOUR,
    FREE_TRIES,
    MAX_WAIT_SECONDS,
    Failures,
    delay_after,
    seconds_to_wait,
)

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_free_tries_then_doubling_with_a_cap() -> None:
    waits = [delay_after(n) for n in range(FREE_TRIES + 12)]
    assert waits[:FREE_TRIES] == [0] * FREE_TRIES
    assert waits[FREE_TRIES : FREE_TRIES + 5] == [2, 4, 8, 16, 32]
    assert max(waits) == MAX_WAIT_SECONDS == waits[-1]
    assert delay_after(10_000) == MAX_WAIT_SECONDS


def test_under_attack_an_address_waits_the_most_after_one_failure() -> None:
    assert delay_after(0, under_attack=True) == 0
    assert delay_after(1, under_attack=True) == MAX_WAIT_SECONDS


def test_seconds_to_wait_counts_from_the_last_failure_and_rounds_up() -> None:
    last = NOW - timedelta(seconds=2.5)
    assert seconds_to_wait(Failures(FREE_TRIES + 2, last, 7), NOW) == 6  # 8 s after it
    assert seconds_to_wait(Failures(FREE_TRIES + 2, NOW - timedelta(seconds=9), 7), NOW) == 0
    assert seconds_to_wait(Failures(0, None, ACCOUNT_FAILURES_PER_HOUR), NOW) == 0
    attacked = Failures(1, NOW - timedelta(seconds=60), ACCOUNT_FAILURES_PER_HOUR)
    assert seconds_to_wait(attacked, NOW) == MAX_WAIT_SECONDS - 60
