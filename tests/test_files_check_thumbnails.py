"""`flask files check` and the thumbnail cache (files.thumbnails), on a real upload folder:
a preview whose attachment row is gone, whose upload's file is missing, or that is named for
another size is reported as a stale thumbnail and removed by `--delete`; the previews pages
show are kept, and so is one a page shows by the time it would be removed."""

from __future__ import annotations

import os
import time
from functools import partial
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from helpdesk.commands.files import STALE, Removable, _preview_wanted, remove
from helpdesk.extensions import db
from helpdesk.files.storage import attachment_path
from helpdesk.files.thumbnails import THUMBNAIL_SIZE, thumbnail, thumbnail_dir, thumbnail_files
from helpdesk.models import Attachment
from helpdesk.services.submission import Upload, submit_complaint
from tests.services.test_submission import new_complaint, pdf_bytes, png_bytes

CHECK = ["files", "check"]


def photos(count: int) -> list[Attachment]:
    """A complaint with `count` photos and a PDF; each photo's preview made and cached."""
    uploads = [Upload(f"photo{i}.png", png_bytes((40 + i, 30))) for i in range(count)]
    complaint = submit_complaint(new_complaint(), [*uploads, Upload("a.pdf", pdf_bytes())])
    pictures = [a for a in complaint.attachments if a.content_type == "image/png"]
    for item in pictures:
        assert thumbnail(item) is not None
    return pictures


def preview(item: Attachment) -> Path:
    """The cached preview file of `item`."""
    (path,) = [path for path in thumbnail_files(item) if path.is_file()]
    return path


def age(*paths: Path, hours: float = 2) -> None:
    """Make files `hours` old."""
    then = time.time() - hours * 3600
    for path in paths:
        os.utime(path, (then, then))


def test_stale_thumbnails_are_reported_and_removed(app: Flask, runner: FlaskCliRunner) -> None:
    kept, gone, young = photos(3)
    kept_preview, gone_preview, young_preview = preview(kept), preview(gone), preview(young)
    for item in (gone, young):  # their rows go (and their uploads with them)
        attachment_path(item).unlink()
        db.session.delete(item)
    db.session.commit()
    old_size = thumbnail_dir() / f"{kept.stored_name}.{THUMBNAIL_SIZE // 2}.png"
    old_size.write_bytes(kept_preview.read_bytes())
    half = thumbnail_dir() / f"{kept_preview.name}.0a1b2c.part"
    half.write_bytes(b"half a preview")
    age(kept_preview, gone_preview, old_size, half)

    dry = runner.invoke(args=CHECK)
    assert dry.exit_code == 1, dry.output
    thumbs = "uploads/thumbnails"
    assert (
        f"stale thumbnail {thumbs}/{gone_preview.name} (its attachment row is gone, 2 h old)"
        in dry.stdout
    )
    assert (
        f"stale thumbnail {thumbs}/{old_size.name} "
        "(not the preview its attachment is shown with, 2 h old)" in dry.stdout
    )
    assert f"temporary file {thumbs}/{half.name} (2 h old)" in dry.stdout
    assert kept_preview.name + " " not in dry.stdout and young_preview.name not in dry.stdout
    assert "0 orphan, 1 temporary, 2 stale thumbnails, 0 rows without their file" in dry.stdout
    assert "1 too recent to judge" in dry.stdout
    assert all(path.exists() for path in (gone_preview, old_size, half))  # a dry run

    fixed = runner.invoke(args=[*CHECK, "--delete"])
    assert fixed.exit_code == 0, fixed.output
    assert fixed.stdout.count(": removed") == 3
    left = sorted(path.name for path in thumbnail_dir().iterdir())
    assert left == sorted([kept_preview.name, young_preview.name])  # young: maybe in use

    again = runner.invoke(args=[*CHECK, "--older-than", "0"])
    assert (
        again.exit_code == 1 and f"{young_preview.name} (its attachment row is gone" in again.stdout
    )
    assert runner.invoke(args=[*CHECK, "--older-than", "0", "--delete"]).exit_code == 0
    assert [path.name for path in thumbnail_dir().iterdir()] == [kept_preview.name]
    clean = runner.invoke(args=CHECK)
    assert clean.exit_code == 0, clean.output
    assert "0 stale thumbnails" in clean.stdout


def test_the_preview_of_an_upload_whose_file_is_missing_goes_and_the_row_stays(
    app: Flask, runner: FlaskCliRunner
) -> None:
    (item,) = photos(1)
    item_preview = preview(item)
    attachment_path(item).unlink()
    result = runner.invoke(args=[*CHECK, "--older-than", "0", "--delete"])
    assert result.exit_code == 1, result.output  # the row without its file remains
    line = f"stale thumbnail uploads/thumbnails/{item_preview.name} (its upload's file is missing"
    assert line in result.stdout and ": removed" in result.stdout
    assert f"missing file uploads/{item.stored_name}" in result.stdout
    assert not item_preview.exists()
    assert db.session.get(Attachment, item.id) is not None


def test_a_preview_a_page_shows_by_now_is_not_removed(app: Flask) -> None:
    """Between the listing and the removal the database is asked again: a preview found
    stale (its upload was not there yet) that a page shows by then stays."""
    (item,) = photos(1)
    item_preview = preview(item)
    uploads = Path(app.config["UPLOAD_DIR"])
    wanted = partial(_preview_wanted, item_preview.name, uploads)
    found = Removable(STALE, item_preview, f"stale thumbnail {item_preview.name}", wanted)
    assert remove(found) == "a page shows it now"
    assert item_preview.exists()
    attachment_path(item).unlink()  # now it is stale: it goes
    assert remove(found) is None
    assert not item_preview.exists()
