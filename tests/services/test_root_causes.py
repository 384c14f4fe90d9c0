"""services.root_causes: the seeded list (its words from helpdesk.words.labels, translated), and
managers adding, renaming (in English and Dutch), moving, retiring and deleting entries (an
outcome must name one still offered; a used entry is retired, never deleted)."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask_babel import force_locale

from helpdesk.services.corrective_actions import ActionInput, record_action
from helpdesk.services.outcome_errors import InvalidInput, NotAllowed
from helpdesk.services.outcomes import give_outcome
from helpdesk.services.root_causes import (
    RootCauseInUse,
    RootCauseNames,
    add_root_cause,
    delete_root_cause,
    find_root_cause,
    is_used,
    label,
    list_root_causes,
    move_root_cause,
    names_of,
    rename_root_cause,
    retire_root_cause,
    used_ids,
)
from tests.services.outcomes_support import (
    ANSWERED,
    fast_staff,
    give_refund,
    new_complaint,
    refund_input,
)

SEEDED = ["carrier_damage", "packing", "wrong_item", "download_server", "payment_provider",
          "unclear_product_page", "customer_error", "other"]  # fmt: skip


def test_the_list_starts_with_eight_translated_entries(app: Flask) -> None:
    causes = list_root_causes()
    assert [c.key for c in causes] == SEEDED
    assert [label(c) for c in causes][:3] == ["Carrier damage", "Packing", "Wrong item picked"]


def test_managers_add_rename_and_retire(app: Flask) -> None:
    manager = fast_staff("manager")
    added = add_root_cause(manager, RootCauseNames("  Late   courier ", " Te  late koerier"))
    assert (added.key, added.name, added.name_nl) == ("late_courier", "Late courier",
                                                      "Te late koerier")  # fmt: skip
    assert label(added) == "Late courier"
    with force_locale("nl"):
        assert label(added) == "Te late koerier"
    assert [c.key for c in list_root_causes()][-1] == "late_courier"
    renamed = rename_root_cause(
        manager, "packing", RootCauseNames("Packing at the warehouse", "Verpakking")
    )
    assert label(renamed) == "Packing at the warehouse" and renamed.key == "packing"
    # The Dutch name typed is the seeded entry's own Dutch words: the translation keeps it.
    assert renamed.name_nl is None and names_of(renamed).name_nl == "Verpakking"
    retire_root_cause(manager, "other")
    assert "other" not in [c.key for c in list_root_causes()]
    assert "other" in [c.key for c in list_root_causes(include_retired=True)]
    retire_root_cause(manager, "other", retired=False)
    assert "other" in [c.key for c in list_root_causes()]


def test_the_seeded_words_are_the_names_in_each_language(app: Flask) -> None:
    cause = find_root_cause("carrier_damage")
    assert cause is not None
    assert names_of(cause) == RootCauseNames("Carrier damage", "Schade door vervoerder")
    renamed = rename_root_cause(fast_staff("manager"), "carrier_damage",
                                RootCauseNames("Carrier damage", "Transportschade"))  # fmt: skip
    assert (renamed.name, renamed.name_nl) == (None, "Transportschade")
    with force_locale("nl"):
        assert label(renamed) == "Transportschade"
    assert label(renamed) == "Carrier damage"


def test_names_must_be_new_and_short_and_agents_may_not(app: Flask) -> None:
    manager = fast_staff("manager")
    for names, errors in (
        (RootCauseNames("", " "), {"name": "Give the root cause an English name.",
                                   "name_nl": "Give the root cause a Dutch name."}),
        (RootCauseNames("carrier DAMAGE", "Nieuw"),
         {"name": "There is already a root cause with this name."}),
        (RootCauseNames("Weather", "verpakking"),
         {"name_nl": "There is already a root cause with this name."}),
        (RootCauseNames("x" * 101, "y" * 101), {"name": "At most 100 characters.",
                                                "name_nl": "At most 100 characters."}),
    ):  # fmt: skip
        with pytest.raises(InvalidInput) as refused:
            add_root_cause(manager, names)
        assert refused.value.errors == errors
    with pytest.raises(NotAllowed):
        add_root_cause(fast_staff("agent"), RootCauseNames("Weather", "Weer"))
    with pytest.raises(LookupError):
        rename_root_cause(manager, "no_such_cause", RootCauseNames("Anything", "Iets"))
    with pytest.raises(InvalidInput) as refused:  # another entry's name, not its own
        rename_root_cause(manager, "packing", RootCauseNames("Packing", "Overig"))
    assert refused.value.errors == {"name_nl": "There is already a root cause with this name."}
    assert find_root_cause("weather") is None
    assert len(list_root_causes(include_retired=True)) == 8


def test_managers_move_entries_up_and_down(app: Flask) -> None:
    manager = fast_staff("manager")
    move_root_cause(manager, "packing", -1)
    assert [c.key for c in list_root_causes()][:3] == ["packing", "carrier_damage", "wrong_item"]
    move_root_cause(manager, "packing", -1)  # at the top already: nothing changes
    move_root_cause(manager, "other", +1)  # at the bottom already
    retire_root_cause(manager, "customer_error")
    move_root_cause(manager, "other", -1)  # passes the retired entry in the whole list
    everything = [c.key for c in list_root_causes(include_retired=True)]
    assert everything[-2:] == ["other", "customer_error"]
    assert [c.position for c in list_root_causes(include_retired=True)] == list(range(10, 90, 10))
    with pytest.raises(NotAllowed):
        move_root_cause(fast_staff("agent"), "other", -1)


def test_only_an_entry_nothing_names_can_be_deleted(app: Flask) -> None:
    manager, agent = fast_staff("manager"), fast_staff("agent")
    typo = add_root_cause(manager, RootCauseNames("Packng", "Verpakkng"))
    assert not is_used(typo)
    delete_root_cause(manager, typo.key)
    assert find_root_cause("packng") is None
    give_refund(new_complaint(), agent)  # its outcome names "packing"
    courier = add_root_cause(manager, RootCauseNames("Courier", "Koerier"))
    record_action(manager, ActionInput(title="Talk to the courier", root_cause="courier",
                                       owner_id=agent.id, due_on=date(2026, 7, 1)))  # fmt: skip
    packing = find_root_cause("packing")
    assert packing is not None
    assert used_ids() == {packing.id, courier.id}
    for key in ("packing", "courier"):
        with pytest.raises(RootCauseInUse, match="retire it instead"):
            delete_root_cause(manager, key)
        assert find_root_cause(key) is not None
    with pytest.raises(NotAllowed):
        delete_root_cause(agent, "other")


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


def test_a_delete_that_loses_a_race_is_refused(
    pg_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check found the entry unused, then an outcome named it before the delete was
    committed: PostgreSQL's foreign key refuses the delete, and the manager is told to retire
    it instead (never a 500)."""
    from helpdesk.services import root_causes

    manager = fast_staff("manager")
    add_root_cause(manager, RootCauseNames("Courier", "Koerier"))
    give_refund(new_complaint(), fast_staff("agent"), root_cause="courier")
    monkeypatch.setattr(root_causes, "is_used", lambda cause: False)  # the check came first
    with pytest.raises(RootCauseInUse):
        delete_root_cause(manager, "courier")
    assert find_root_cause("courier") is not None
