"""Photos: decoded and re-encoded by Pillow as JPEG, so no EXIF, GPS or other metadata
survives; anything that is not an image is refused before anything is stored."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from dialog.errors import InvalidInput
from dialog.i18n import lazy

MAX_PHOTOS = 3
MAX_UPLOAD_BYTES = 8_000_000  # per photo as sent
MAX_PIXELS = 40_000_000  # a decompression bomb is refused, not decoded
LONG_SIDE = 1600  # stored at most this wide or high
ACCEPTED = frozenset({"JPEG", "PNG", "WEBP", "GIF"})


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    width: int
    height: int


def refuse(field: str, message: str) -> InvalidInput:
    return InvalidInput(lazy("Please check the marked fields."), {field: message})


def clean(raw: bytes, field: str = "photos") -> CleanPhoto:
    """The photo as a fresh JPEG without metadata, turned upright, at most LONG_SIDE px."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise refuse(field, lazy("A photo may have at most 8 MB."))
    try:
        with Image.open(io.BytesIO(raw)) as image:
            if image.format not in ACCEPTED:
                raise refuse(field, lazy("Please send a photo (JPEG, PNG, WebP or GIF)."))
            if image.width * image.height > MAX_PIXELS:
                raise refuse(field, lazy("This photo has too many pixels."))
            image.load()
            upright = ImageOps.exif_transpose(image)
            upright = upright.convert("RGB")
            upright.thumbnail((LONG_SIDE, LONG_SIDE))
            out = io.BytesIO()
            # A new image: only pixels are copied, no exif=, icc_profile= or comment is passed.
            fresh = Image.new("RGB", upright.size)
            fresh.paste(upright)
            fresh.save(out, format="JPEG", quality=85, optimize=True)
            return CleanPhoto(out.getvalue(), fresh.width, fresh.height)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        raise refuse(field, lazy("Please send a photo (JPEG, PNG, WebP or GIF).")) from None
