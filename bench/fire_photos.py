"""The photos of bench/under_fire.py: one real JPEG of about 300 KB (bench/submit_load.py's
make_photo), made different for every submission by a coloured square that encodes its
number, and the SHA-256 of the file the helpdesk must store for it.

The helpdesk keeps a picture saved again (orientation applied, metadata gone, JPEG quality
90: helpdesk/files/uploads.py). The expected SHA-256 is that of the same steps done here, on
the same Pillow: so a stored file that is another submission's photo, or a truncated one, or
not the one its row describes, is caught.
"""

from __future__ import annotations

import hashlib
import io
import threading
from dataclasses import dataclass

from submit_load import make_photo

#: What helpdesk/files/uploads.py saves a JPEG with.
STORED_QUALITY = 90


@dataclass(frozen=True)
class Photo:
    """One submission's photo and the SHA-256 its stored file must have."""

    data: bytes
    stored_sha256: str


class Photos:
    """Makes a distinct photo for each submission number."""

    def __init__(self, target_bytes: int) -> None:
        from PIL import Image

        made = make_photo(target_bytes)
        self.quality = made.quality
        self.base = Image.open(io.BytesIO(made.data))
        self.base.load()
        self.size = len(made.data)
        self._lock = threading.Lock()

    def make(self, number: int) -> Photo:
        """The photo of submission `number` (a 48-pixel square in a colour of its own)."""
        from PIL import ImageDraw

        with self._lock:  # Pillow images are not to be shared between threads while copied
            picture = self.base.copy()
        colour = (number % 256, (number // 256) % 256, (number * 37) % 256)  # one per number
        left = 40 + (number % 20) * 48
        ImageDraw.Draw(picture).rectangle((left, 40, left + 47, 87), fill=colour)
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=self.quality)
        data = out.getvalue()
        return Photo(data, hashlib.sha256(stored_form(data)).hexdigest())


def stored_form(data: bytes) -> bytes:
    """The bytes the helpdesk stores for an uploaded JPEG (the steps of its clean-up)."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        upright = ImageOps.exif_transpose(image) or image
        upright.info = {}
        out = io.BytesIO()
        upright.save(out, "JPEG", quality=STORED_QUALITY)
        return out.getvalue()
