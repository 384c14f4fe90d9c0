"""How long a staff login attempt must wait, from the failures before it (pure rules; the
login throttle in services counts the failures and passes the clock in).

- Per account *and* address: FREE_TRIES failures cost nothing; after that every further
  attempt from that address for that account waits 2, 4, 8 … seconds after the last
  failure, at most MAX_WAIT_SECONDS. The right password after the wait works.
- Per account, from anywhere: only a distributed attack makes ACCOUNT_FAILURES_PER_HOUR
  failures in an hour. Then an address gets no free tries for that account: after its
  first failure it waits MAX_WAIT_SECONDS. An address that has not failed is never
  refused, so strangers cannot lock the real staff member out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

FREE_TRIES = 5
MAX_WAIT_SECONDS = 15 * 60
ACCOUNT_FAILURES_PER_HOUR = 100
#: Failures of an (account, address) pair count this long (a success forgets them at once).
PAIR_WINDOW = timedelta(days=1)
#: The window of the per-account count.
ACCOUNT_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Failures:
    """What the throttle counted for one attempt."""

    pair: int  #: failures for this account from this address, within PAIR_WINDOW
    pair_last: datetime | None  #: the newest of them
    account: int  #: failures for this account from any address, within ACCOUNT_WINDOW


def is_under_attack(account_failures: int) -> bool:
    """True when an account failed so often in the last hour that only an attack explains it."""
    return account_failures >= ACCOUNT_FAILURES_PER_HOUR


def delay_after(pair_failures: int, *, under_attack: bool = False) -> int:
    """Seconds an address must wait after its last failure, having failed `pair_failures` times."""
    if pair_failures <= 0:
        return 0
    if under_attack:
        return MAX_WAIT_SECONDS
    if pair_failures < FREE_TRIES:
        return 0
    return min(1 << min(pair_failures - FREE_TRIES + 1, 30), MAX_WAIT_SECONDS)


def seconds_to_wait(failures: Failures, now: datetime) -> int:
    """Whole seconds before the next attempt may be checked (0: go ahead)."""
    if failures.pair_last is None:
        return 0
    delay = delay_after(failures.pair, under_attack=is_under_attack(failures.account))
    left = (failures.pair_last + timedelta(seconds=delay) - now).total_seconds()
    return max(0, math.ceil(left))
