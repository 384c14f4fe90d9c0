"""services.root_causes: the seeded list (its words from helpdesk.words.labels, translated), and
managers adding, renaming and retiring entries (an outcome must name one still offered)."""

from __future__ import annotations

import pytest
from flask import Flask

from helpdesk.services.outcome_errors import InvalidInput, NotAllowed
from helpdesk.services.outcomes import give_outcome
from helpdesk.services.root_causes import (
    add_root_cause,
    find_root_cause,
    label,
    list_root_causes,
    rename_root_cause,
    retire_root_cause,
)
from tests.services.outcomes_support import ANSWERED, fast_staff, new_complaint, refund_input

SEEDED = ["carrier_damage", "packing", "wrong_item", "download_server", "payment_provider",
          "unclear_product_page", "customer_error", "other"]  # fmt: skip


def test_the_list_starts_with_eight_translated_entries(app: Flask) -> None:
    causes = list_root_causes()
    assert [c.key for c in causes] == SEEDED
    assert [label(c) for c in causes][:3] == ["Carrier damage", "Packing", "Wrong item picked"]


def test_managers_add_rename_and_retire(app: Flask) -> None:
    manager = fast_staff("manager")
    added = add_root_cause(manager, "  Late   courier ")
    assert (added.key, added.name, label(added)) == ("late_courier", "Late courier", "Late courier")
    assert [c.key for c in list_root_causes()][-1] == "late_courier"
    renamed = rename_root_cause(manager, "packing", "Packing at the warehouse")
    assert label(renamed) == "Packing at the warehouse" and renamed.key == "packing"
    retire_root_cause(manager, "other")
    assert "other" not in [c.key for c in list_root_causes()]
    assert "other" in [c.key for c in list_root_causes(include_retired=True)]
    retire_root_cause(manager, "other", retired=False)
    assert "other" in [c.key for c in list_root_causes()]


def test_names_must_be_new_and_short_and_agents_may_not(app: Flask) -> None:
    manager = fast_staff("manager")
    for name, message in (("", "Give the root cause a name."),
                          ("carrier DAMAGE", "There is already a root cause with this name."),
                          ("x" * 101, "At most 100 characters.")):  # fmt: skip
        with pytest.raises(InvalidInput) as refused:
            add_root_cause(manager, name)
        assert refused.value.errors == {"name": message}
    with pytest.raises(NotAllowed):
        add_root_cause(fast_staff("agent"), "Weather")
    with pytest.raises(LookupError):
        rename_root_cause(manager, "no_such_cause", "Anything")
    assert find_root_cause("weather") is None


def test_an_outcome_needs_a_root_cause_still_offered(app: Flask) -> None:
    agent, manager = fast_staff("agent"), fast_staff("manager")
    complaint = new_complaint()
    for key in ("", "no_such_cause"):
        with pytest.raises(InvalidInput) as refused:
            give_outcome(complaint, agent, refund_input(root_cause=key), seen=complaint.version,
                         now=ANSWERED)  # fmt: skip
        assert refused.value.errors == {"root_cause": "Choose the root cause of this complaint."}
    retire_root_cause(manager, "packing")
    with pytest.raises(InvalidInput):
        give_outcome(complaint, agent, refund_input(), seen=complaint.version, now=ANSWERED)
    long_note = refund_input(root_cause="other", root_cause_note="n" * 1001)
    with pytest.raises(InvalidInput) as refused:
        give_outcome(complaint, agent, long_note, seen=complaint.version, now=ANSWERED)
    assert refused.value.errors == {"root_cause_note": "At most 1000 characters."}
    assert complaint.status == "received"
    outcome = give_outcome(complaint, agent, refund_input(root_cause="other",
                           root_cause_note="  Customer typo in the address.\r\n"),
                           seen=complaint.version, now=ANSWERED)  # fmt: skip
    assert outcome.root_cause is not None and outcome.root_cause.key == "other"
    assert outcome.root_cause_note == "Customer typo in the address."
