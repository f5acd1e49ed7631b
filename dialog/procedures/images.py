"""A procedure's optional image: checked and re-encoded by the photo code of ideas and complaints
(dialog.concerns.photos: no EXIF, no GPS, at most 1600 px), always with a text alternative."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import UploadFile

from dialog.concerns.photos import MAX_UPLOAD_BYTES, CleanPhoto, clean
from dialog.db import UnitOfWork
from dialog.errors import InvalidInput
from dialog.i18n import lazy
from dialog.procedures.models import Procedure, ProcedureImage

MAX_ALT = 300


@dataclass(frozen=True)
class ImageChange:
    """What the form asks: a new image, removing it, or only a changed text alternative."""

    photo: CleanPhoto | None
    alt: str
    remove: bool


async def read_upload(upload: Any) -> CleanPhoto | None:
    """The form's file, cleaned; None when no file was chosen."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    # Read one byte past the limit: enough to refuse a larger file without holding it all.
    raw = await upload.read(MAX_UPLOAD_BYTES + 1)
    if not raw:
        return None
    return clean(raw, field="image")


def check_change(
    form: dict[str, Any], photo: CleanPhoto | None, has_image: bool
) -> ImageChange | None:
    """The change the form asks for (None: nothing about the image), or 422 naming the field."""
    alt = " ".join(str(form.get("image_alt", "")).split())
    remove = form.get("image_remove") in ("on", "1", "true")
    if remove and photo is None:
        return ImageChange(None, "", True)
    if photo is None and not has_image:
        return None
    errors: dict[str, str] = {}
    if not alt:
        errors["image_alt"] = lazy("Please describe the image for people who cannot see it.")
    elif len(alt) > MAX_ALT:
        errors["image_alt"] = lazy("The description may have at most 300 characters.")
    if errors:
        raise InvalidInput(lazy("Please check the marked fields."), errors)
    return ImageChange(photo, alt, False)


async def do_apply(uow: UnitOfWork, procedure: Procedure, change: ImageChange | None) -> None:
    """Store, replace or remove the image (the caller checked that the actor may manage)."""
    if change is None:
        return
    stored = await uow.session.get(ProcedureImage, procedure.id)
    if change.remove:
        if stored is not None:
            await uow.session.delete(stored)
        procedure.image_width = procedure.image_height = None
        procedure.image_alt = ""
        return
    procedure.image_alt = change.alt
    if change.photo is not None:
        if stored is None:
            uow.session.add(ProcedureImage(procedure_id=procedure.id, data=change.photo.data))
        else:
            stored.data = change.photo.data
        procedure.image_width = change.photo.width
        procedure.image_height = change.photo.height
        procedure.image_version += 1
    await uow.session.flush()
