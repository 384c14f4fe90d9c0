"""Small real files for demo attachments: photos and screenshots from customers, and the
replacement files staff send (PDF, ZIP, EPUB). Drawn once per run, written under random-looking
names in the upload folder like helpdesk.files.storage does, so downloads work in the demo."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw


@dataclass(frozen=True)
class Sample:
    """File content with the name a person would have given it."""

    name: str
    content_type: str
    data: bytes

    @property
    def extension(self) -> str:
        """The extension the stored file gets."""
        return self.name.rsplit(".", 1)[-1]


def _photo(shade: tuple[int, int, int], crack: bool) -> bytes:
    """A small JPEG of a parcel on a floor, with a crack or a dent when `crack`."""
    image = Image.new("RGB", (320, 240), (205, 200, 190))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 50, 260, 200), fill=shade, outline=(90, 60, 30), width=3)
    draw.rectangle((150, 50, 170, 200), fill=(225, 205, 150))  # tape
    if crack:
        draw.line((80, 70, 120, 120, 105, 160, 140, 190), fill=(40, 30, 20), width=4)
    else:
        draw.polygon([(200, 50), (260, 50), (260, 110)], fill=(160, 130, 90))
    draw.text((8, 222), "demo photo", fill=(80, 80, 80))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def _screenshot(label: str) -> bytes:
    """A small PNG that looks like a browser window with an error."""
    image = Image.new("RGB", (360, 220), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 360, 26), fill=(225, 228, 235))
    draw.rectangle((70, 80, 290, 140), fill=(255, 235, 235), outline=(200, 60, 60), width=2)
    draw.text((86, 102), label, fill=(160, 20, 20))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _pdf(title: str) -> bytes:
    """A one-page PDF (an image page made by Pillow) standing in for a corrected document."""
    page = Image.new("1", (420, 595), 1)  # black and white keeps the file small
    draw = ImageDraw.Draw(page)
    draw.text((40, 40), title, fill=0)
    for y in range(90, 560, 18):
        draw.line((40, y, 380, y), fill=0)
    out = io.BytesIO()
    page.save(out, "PDF", resolution=72)
    return out.getvalue()


def _zip(title: str, inner: str) -> bytes:
    """A ZIP archive with a readme, standing in for a corrected download."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", f"{title}\nCorrected version (demo data).\n")
        archive.writestr(inner, "demo content\n" * 20)
    return out.getvalue()


@cache
def evidence_samples() -> tuple[Sample, ...]:
    """Photos and screenshots customers attach."""
    return (
        Sample("IMG_2041.jpg", "image/jpeg", _photo((175, 140, 95), crack=True)),
        Sample("IMG_2042.jpg", "image/jpeg", _photo((160, 125, 85), crack=False)),
        Sample("photo_parcel.jpg", "image/jpeg", _photo((185, 150, 105), crack=True)),
        Sample("screenshot.png", "image/png", _screenshot("Error: download failed")),
        Sample("Schermafbeelding.png", "image/png", _screenshot("Access denied")),
    )


@cache
def replacement_sample(file_name: str) -> Sample:
    """The corrected file sent for a digital product originally delivered as `file_name`."""
    stem, _, extension = file_name.rpartition(".")
    name = f"{stem}-corrected.{extension}"
    if extension == "pdf":
        return Sample(name, "application/pdf", _pdf(name))
    if extension == "epub":
        return Sample(name, "application/epub+zip", _zip(name, "content.xhtml"))
    return Sample(f"{stem}-corrected.zip", "application/zip", _zip(name, f"{stem}.dat"))


def stored_name(key: str, sample: Sample) -> str:
    """A unique, unguessable-looking file name derived from a unique key."""
    return f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.{sample.extension}"


def write_files(folder: Path, files: list[tuple[str, bytes]]) -> list[Path]:
    """Write (stored name, bytes) pairs into `folder`; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files:
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written
