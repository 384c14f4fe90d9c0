"""`cases export` runs the garbage collector between cases, not on Python's own schedule:
what a case leaves in cycles is freed after it, and the collector is on again afterwards."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from helpdesk.commands.case_export import FULL_COLLECTION_EVERY, collect_between_cases
from tests.documents.casefile_support import full_case
from tests.services.outcomes_support import fast_staff


class _Node:
    """An object that refers to itself: only the collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_what_a_case_leaves_in_cycles_is_freed_between_cases() -> None:
    gc.disable()
    try:
        for done in (1, FULL_COLLECTION_EVERY):
            node = _Node()
            ref = weakref.ref(node)
            del node
            assert ref() is not None  # the collector is off
            collect_between_cases(done)
            assert ref() is None
    finally:
        gc.enable()


def test_the_collector_is_on_again_after_an_export_in_one_process(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    full_case(fast_staff("agent"), fast_staff("manager"))
    assert gc.isenabled()
    result = runner.invoke(args=["cases", "export", "--jobs", "1", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("*.zip"))) == 1
    assert gc.isenabled()
