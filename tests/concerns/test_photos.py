"""Photos are re-encoded without metadata; anything else is refused with the field named."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from dialog.concerns.photos import LONG_SIDE, MAX_UPLOAD_BYTES, clean
from dialog.errors import InvalidInput
from tests.concerns.conftest import jpeg_with_gps


def test_a_cleaned_photo_has_no_exif_and_no_gps() -> None:
    raw = jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get(0x010F) == "SecretCam"
    cleaned = clean(raw)
    image = Image.open(io.BytesIO(cleaned.data))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert b"SecretCam" not in cleaned.data
    assert "exif" not in image.info


def test_a_large_photo_is_scaled_to_the_long_side() -> None:
    out = io.BytesIO()
    Image.new("RGB", (4000, 1000), (0, 90, 0)).save(out, format="PNG")
    cleaned = clean(out.getvalue())
    assert (cleaned.width, cleaned.height) == (LONG_SIDE, 400)


def test_text_pretending_to_be_a_photo_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        clean(b"%PDF-1.4 not an image at all")
    assert "photos" in caught.value.fields


def test_an_oversized_upload_is_refused_before_decoding() -> None:
    with pytest.raises(InvalidInput) as caught:
        clean(b"\xff" * (MAX_UPLOAD_BYTES + 1))
    assert "8 MB" in caught.value.fields["photos"]
