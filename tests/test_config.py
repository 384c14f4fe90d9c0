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


def test_an_unknown_holiday_country_stops_the_start_with_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mistyped country used to start the app and fail every page with a business-day
    clock (the holidays package raising NotImplementedError inside the request)."""
    monkeypatch.setenv("HELPDESK_HOLIDAY_COUNTRY", "XX")
    with pytest.raises(SystemExit) as caught:
        load_config(tmp_path, {"SECRET_KEY": "given"})
    message = str(caught.value)
    assert message.startswith("Configuration error: HELPDESK_HOLIDAY_COUNTRY: 'XX' is not")
    assert "NL" in message and "\n" not in message


@pytest.mark.parametrize("code", ["NL", "BE", "nl", " DEU "])
def test_a_known_holiday_country_is_taken_as_its_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    monkeypatch.setenv("HELPDESK_HOLIDAY_COUNTRY", code)
    config = load_config(tmp_path, {"SECRET_KEY": "given"})
    assert config["HOLIDAY_COUNTRY"] == code.strip().upper()
