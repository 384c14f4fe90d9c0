"""The pixel budget (issue 10): five 7000 x 7000 PNGs in a 700 KB request cost 6.9 s and
375 MB in one worker, because a picture under the old 50-megapixel limit was decoded in
full. A picture's size is read from its header and checked against MAX_IMAGE_PIXELS before
anything is decoded, in every place that decodes one: upload checks and the case file's
thumbnails; and Pillow's own limit is set to the budget for the whole process."""

from __future__ import annotations

import io
import warnings
import zlib
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from helpdesk import create_app
from helpdesk.documents.casefile import thumbnails
from helpdesk.extensions import db
from helpdesk.models import Attachment, Complaint
from helpdesk.services.casefile import load_case_file
from helpdesk.services.submission import Upload, submit_complaint
from tests.conftest import base_config
from tests.services.test_submission import new_complaint, png_bytes, stored_files
from tests.web.test_public_submit import GOOD, field_error, field_value, submit

REFUSED = "has too many pixels: a picture may have at most 40 million."


def huge_png(width: int = 7000, height: int = 7000) -> bytes:
    """A real 1-bit PNG of width x height white pixels: a few kilobytes on the wire, about
    200 MB once decoded to RGBA. Written with zlib, so making it decodes nothing either."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    pixels = zlib.compress(row * height, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_the_test_picture_is_what_it_claims() -> None:
    data = huge_png()
    assert len(data) < 40_000
    with warnings.catch_warnings():  # over the budget an app of this process gave Pillow
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as image:  # the header only
            assert image.size == (7000, 7000) and image.mode == "1" and image.format == "PNG"


def test_huge_pictures_are_refused_next_to_attachments(app: Flask, client: FlaskClient) -> None:
    files = [(png_bytes(), "fine.png")] + [(huge_png(), f"huge-{i}.png") for i in range(4)]
    assert sum(len(data) for data, _name in files) < 200_000
    response = submit(client, GOOD, files=files)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"huge-0.png {REFUSED}" in field_error(page, "Attachments", "complaint-form")
    assert field_value(page, "Name", "complaint-form") == GOOD["Name"]  # what was typed stays
    assert db.session.query(Complaint).count() == 0
    assert db.session.query(Attachment).count() == 0
    assert stored_files(app) == []  # nothing written, not even the fine picture


def test_the_budget_is_a_setting(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HELPDESK_MAX_IMAGE_PIXELS", "90000")
    configured = create_app(base_config(tmp_path / "other", f"sqlite:///{tmp_path / 'x.db'}"))
    assert configured.config["MAX_IMAGE_PIXELS"] == 90_000
    app.config["MAX_IMAGE_PIXELS"] = 90_000
    submit_complaint(new_complaint(), [Upload("ok.png", png_bytes((300, 300)))])  # 90,000
    with pytest.raises(ValueError, match=r"at most 0\.09 million"):
        submit_complaint(
            new_complaint(submission_token="b" * 32), [Upload("big.png", png_bytes((301, 300)))]
        )
    assert len(stored_files(app)) == 1


def test_pillow_refuses_a_bomb_anywhere_in_the_process(tmp_path: Path) -> None:
    create_app(base_config(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite3'}"))
    assert Image.MAX_IMAGE_PIXELS == 40_000_000
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(huge_png(10_000, 9_000)))  # 90 million: over twice the budget


def test_the_case_file_makes_no_thumbnail_of_a_picture_over_the_budget(app: Flask) -> None:
    complaint = submit_complaint(
        new_complaint(),
        [Upload("small.png", png_bytes((200, 200))), Upload("large.png", png_bytes((300, 300)))],
    )
    small, large = complaint.attachments
    app.config["MAX_IMAGE_PIXELS"] = 50_000  # the large one was stored before a lower budget
    case = load_case_file(complaint.reference, internal=False)
    assert case is not None
    made = thumbnails(case)
    assert set(made) == {str(small.id)}
    assert Path(app.config["UPLOAD_DIR"], large.stored_name).is_file()
