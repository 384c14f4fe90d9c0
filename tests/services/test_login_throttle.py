"""The login throttle's counts on each database: per pair and per account in one statement,
forgotten after a success, pruned after a day; addresses keyed as an attacker rotates them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.models import LoginFailure
from helpdesk.services import login_throttle

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _rows() -> int:
    return int(db.session.scalar(select(func.count()).select_from(LoginFailure)) or 0)


def test_counts_per_pair_and_per_account(any_app: Flask) -> None:
    for minute in range(6):
        login_throttle.record_failure(
            "Mia@Shop.example ", "192.0.2.1", now=NOW + timedelta(minutes=minute)
        )
    login_throttle.record_failure("mia@shop.example", "192.0.2.2", now=NOW)
    login_throttle.record_failure("other@shop.example", "192.0.2.1", now=NOW)
    later = NOW + timedelta(minutes=5, seconds=1)
    counted = login_throttle.count_failures("MIA@shop.example", "192.0.2.1", now=later)
    assert (counted.pair, counted.pair_last, counted.account) == (6, NOW + timedelta(minutes=5), 7)
    # Six failures: the seventh attempt waits 4 s after the last one.
    assert login_throttle.seconds_to_wait("mia@shop.example", "192.0.2.1", now=later) == 3
    assert login_throttle.seconds_to_wait("mia@shop.example", "192.0.2.2", now=later) == 0
    login_throttle.forget_failures("mia@shop.example", "192.0.2.1")
    assert login_throttle.count_failures("mia@shop.example", "192.0.2.1", now=later).pair == 0
    assert _rows() == 2


def test_failures_older_than_a_day_are_deleted(any_app: Flask) -> None:
    login_throttle.record_failure("mia@shop.example", "192.0.2.1", now=NOW)
    login_throttle.record_failure("mia@shop.example", "192.0.2.1", now=NOW + timedelta(hours=1))
    assert _rows() == 2
    login_throttle.record_failure("x@shop.example", "192.0.2.9", now=NOW + timedelta(days=1))
    assert _rows() == 2  # the day-old first one went as the new one came in
    assert (
        login_throttle.count_failures(
            "mia@shop.example", "192.0.2.1", now=NOW + timedelta(days=1)
        ).pair
        == 1
    )


def test_address_keys() -> None:
    # One IPv6 subscriber (a /64) is one address; IPv4 inside IPv6 is the IPv4 address.
    assert login_throttle.address_key("2001:db8:1:2::1") == login_throttle.address_key(
        "2001:db8:1:2:ffff::9"
    )
    assert login_throttle.address_key("2001:db8:1:2::1") != login_throttle.address_key(
        "2001:db8:1:3::1"
    )
    assert login_throttle.address_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert login_throttle.address_key(None) == "unknown"
    assert len(login_throttle.address_key("x" * 500)) == 64
    assert login_throttle.account_key(" A@B.example") == login_throttle.account_key("a@b.example")
