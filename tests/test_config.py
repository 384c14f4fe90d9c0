"""Settings: a test's settings leave the checkout alone; the environment fills in the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpdesk.config import load_config


def test_a_given_secret_key_writes_nothing_into_the_instance_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HELPDESK_SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    config = load_config(instance, {"SECRET_KEY": "given"})
    assert config["SECRET_KEY"] == "given"
    assert not instance.exists()


def test_without_a_key_one_is_made_once_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HELPDESK_SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    first = load_config(instance)["SECRET_KEY"]
    assert (instance / "secret_key").read_text() == first
    assert load_config(instance)["SECRET_KEY"] == first
    assert len(first) >= 48


def test_the_rebuild_workers_are_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A small server halves a rebuild's peak memory with one worker process."""
    monkeypatch.setenv("HELPDESK_SEARCH_REINDEX_PROCS", "1")
    assert load_config(tmp_path, {"SECRET_KEY": "given"})["SEARCH_REINDEX_PROCS"] == 1
    monkeypatch.delenv("HELPDESK_SEARCH_REINDEX_PROCS")
    assert load_config(tmp_path, {"SECRET_KEY": "given"})["SEARCH_REINDEX_PROCS"] in (1, 2)
