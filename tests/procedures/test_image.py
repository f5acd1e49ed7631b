"""A procedure's optional image: uploaded with the procedure form (no JavaScript), re-encoded
without metadata, always with a text alternative, shown on the page and the card, removable,
and given by the API and the exports as address and text alternative."""

from __future__ import annotations

import io
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import openpyxl
import pytest
from PIL import Image

from dialog.accounts.models import User
from dialog.db import Database
from dialog.procedures import queries
from dialog.procedures.forms import procedure_values
from dialog.procedures.models import Department, Procedure, ProcedureImage
from tests import factories

MakeUser = Callable[..., Awaitable[User]]
SignIn = Callable[[User], Awaitable[str]]
GPS_IFD = 0x8825
ALT = "Luftbild des Bassinplatzes mit der Kirche St. Peter und Paul"


def photo_with_gps(size: tuple[int, int] = (640, 480), fmt: str = "JPEG") -> bytes:
    image = Image.new("RGB", size, (40, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    exif[0x0110] = "Kameramodell"  # Model
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 24.0, 0.0), 3: "E", 4: (13.0, 3.0, 0.0)})
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif)
    return out.getvalue()


async def edit_form(db: Database, procedure_id: int, **changes: str) -> dict[str, Any]:
    async with db.reading() as session:
        found = await queries.procedure(session, procedure_id)
        assert found is not None
        values = procedure_values(found)
    return {**values, **changes}


async def post_edit(
    client: httpx.AsyncClient,
    db: Database,
    procedure_id: int,
    token: str,
    image: bytes | None = None,
    **changes: str,
) -> httpx.Response:
    data = {"csrf_token": token, **(await edit_form(db, procedure_id, **changes))}
    files = {"image": ("platz.jpg", image, "image/jpeg")} if image is not None else None
    return await client.post(f"/procedures/{procedure_id}/edit", data=data, files=files)


async def stored_image(db: Database, procedure_id: int) -> ProcedureImage | None:
    async with db.reading() as session:
        return await session.get(ProcedureImage, procedure_id)


@pytest.fixture
async def staff_token(make_user: MakeUser, browser_session: SignIn, department: Department) -> str:
    return await browser_session(await make_user(role="staff", department=department))


async def test_staff_add_an_image_without_its_metadata_and_it_is_shown_with_its_alt(
    client: httpx.AsyncClient, db: Database, procedure: Procedure, staff_token: str
) -> None:
    form = await client.get(f"/procedures/{procedure.id}/edit")
    assert 'enctype="multipart/form-data"' in form.text and 'name="image"' in form.text
    saved = await post_edit(
        client, db, procedure.id, staff_token, photo_with_gps((3200, 2400)), image_alt=ALT
    )
    assert saved.status_code == 303, saved.text
    stored = await stored_image(db, procedure.id)
    assert stored is not None
    with Image.open(io.BytesIO(stored.data)) as image:
        assert image.format == "JPEG" and max(image.size) == 1600
        exif = image.getexif()
        assert dict(exif) == {} and dict(exif.get_ifd(GPS_IFD)) == {}
        assert "exif" not in image.info
    page = (await client.get(f"/procedures/{procedure.id}")).text
    assert f'src="/procedures/{procedure.id}/image?v=1" alt="{ALT}"' in page
    card = (await client.get("/procedures")).text
    assert f'class="card-image" src="/procedures/{procedure.id}/image?v=1" alt="{ALT}"' in card
    served = await client.get(f"/procedures/{procedure.id}/image?v=1")
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert served.content == stored.data


async def test_an_image_without_a_text_alternative_is_refused_naming_the_field(
    client: httpx.AsyncClient, db: Database, procedure: Procedure, staff_token: str
) -> None:
    refused = await post_edit(
        client, db, procedure.id, staff_token, photo_with_gps(), image_alt="  ", title="Neu"
    )
    assert refused.status_code == 422
    assert 'id="image_alt-error"' in refused.text and 'aria-invalid="true"' in refused.text
    assert await stored_image(db, procedure.id) is None
    async with db.reading() as session:
        unchanged = await queries.procedure(session, procedure.id)
    assert unchanged is not None and unchanged.title == procedure.title  # nothing half-written


async def test_a_file_that_is_no_image_is_refused_naming_the_field(
    client: httpx.AsyncClient, db: Database, procedure: Procedure, staff_token: str
) -> None:
    refused = await post_edit(
        client, db, procedure.id, staff_token, b"%PDF-1.4 not an image", image_alt=ALT
    )
    assert refused.status_code == 422 and 'id="image-error"' in refused.text
    assert await stored_image(db, procedure.id) is None


async def test_an_image_over_8_mb_is_refused_naming_the_field(
    client: httpx.AsyncClient, db: Database, procedure: Procedure, staff_token: str
) -> None:
    too_large = photo_with_gps() + b"\0" * 8_000_000
    refused = await post_edit(client, db, procedure.id, staff_token, too_large, image_alt=ALT)
    assert refused.status_code == 422 and 'id="image-error"' in refused.text
    assert "8 MB" in refused.text
    assert await stored_image(db, procedure.id) is None


async def test_the_alt_stays_required_while_an_image_is_kept_and_removing_clears_both(
    client: httpx.AsyncClient, db: Database, procedure: Procedure, staff_token: str
) -> None:
    await post_edit(client, db, procedure.id, staff_token, photo_with_gps(), image_alt=ALT)
    emptied = await post_edit(client, db, procedure.id, staff_token, image_alt="")
    assert emptied.status_code == 422 and 'id="image_alt-error"' in emptied.text
    changed = await post_edit(client, db, procedure.id, staff_token, image_alt="Der Platz")
    assert changed.status_code == 303
    assert 'alt="Der Platz"' in (await client.get(f"/procedures/{procedure.id}")).text
    removed = await post_edit(
        client, db, procedure.id, staff_token, image_alt="", image_remove="on"
    )
    assert removed.status_code == 303
    assert await stored_image(db, procedure.id) is None
    page = (await client.get(f"/procedures/{procedure.id}")).text
    assert "/image?v=" not in page
    assert (await client.get(f"/procedures/{procedure.id}/image?v=1")).status_code == 404


async def test_a_new_procedure_takes_its_image_in_the_same_form(
    client: httpx.AsyncClient, db: Database, department: Department, staff_token: str
) -> None:
    data = {
        "csrf_token": staff_token,
        "title": "Spielplatz am Schlaatz",
        "summary": "Der Spielplatz wird erneuert, Kinder planen mit.",
        "department": department.slug,
        "level": "consultation",
        "initiator": "administration",
        "phase": "planned",
        "image_alt": "Kinder auf einem Klettergerüst",
    }
    files = {"image": ("spiel.png", photo_with_gps(fmt="PNG"), "image/png")}
    created = await client.post("/procedures/new", data=data, files=files)
    assert created.status_code == 303, created.text
    procedure_id = int(created.headers["location"].rsplit("/", 1)[1])
    assert await stored_image(db, procedure_id) is not None


async def test_the_api_and_the_json_export_give_address_and_alt(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    db: Database,
    make_user: MakeUser,
    department: Department,
    procedure: Procedure,
    staff_token: str,
) -> None:
    plain = (await api.request(None, "GET", f"/api/v1/procedures/{procedure.id}")).json()
    assert plain["image"] is None
    await post_edit(client, db, procedure.id, staff_token, photo_with_gps(), image_alt=ALT)
    body = (await api.request(None, "GET", f"/api/v1/procedures/{procedure.id}")).json()
    assert body["image"] == {
        "url": f"/procedures/{procedure.id}/image?v=1",
        "alt": ALT,
        "width": 640,
        "height": 480,
    }
    listed = (await api.request(None, "GET", "/api/v1/procedures")).json()["items"]
    assert [item["image"]["alt"] for item in listed if item["id"] == procedure.id] == [ALT]
    staff = await make_user(role="staff", department=department)
    exported = await api.request(
        staff, "GET", f"/api/v1/procedures/{procedure.id}/export?format=json"
    )
    assert exported.status_code == 200
    document = json.loads(exported.content)
    assert document["procedure"]["image"] == {"url": body["image"]["url"], "alt": ALT}
    for lang in ("de", "en"):
        workbook = await api.request(
            staff, "GET", f"/api/v1/procedures/{procedure.id}/export?format=xlsx&lang={lang}"
        )
        assert workbook.status_code == 200
        cells = [
            [cell for cell in row if cell is not None]
            for sheet in openpyxl.load_workbook(io.BytesIO(workbook.content)).worksheets
            for row in sheet.iter_rows(values_only=True)
        ]
        label = {"de": "Textalternative des Bildes", "en": "text alternative of the image"}
        assert [label[lang], ALT] in cells


@pytest.mark.parametrize("role", ["anonymous", "resident", "moderator", "office", "other-staff"])
async def test_only_its_department_changes_the_image(
    client: httpx.AsyncClient,
    db: Database,
    make_user: MakeUser,
    browser_session: SignIn,
    other_department: Department,
    procedure: Procedure,
    role: str,
) -> None:
    if role == "anonymous":
        token = await factories.csrf(client)
    else:
        who = (
            await make_user(role="staff", department=other_department)
            if role == "other-staff"
            else await make_user(role=role)
        )
        token = await browser_session(who)
    refused = await post_edit(client, db, procedure.id, token, photo_with_gps(), image_alt=ALT)
    assert refused.status_code in (401, 403)
    assert await stored_image(db, procedure.id) is None


async def test_the_image_of_a_draft_is_seen_only_by_those_who_see_the_draft(
    client: httpx.AsyncClient,
    db: Database,
    make_user: MakeUser,
    browser_session: SignIn,
    department: Department,
    staff_token: str,
) -> None:
    draft = await factories.procedure(db, department, status="draft")
    saved = await post_edit(client, db, draft.id, staff_token, photo_with_gps(), image_alt=ALT)
    assert saved.status_code == 303
    own = await client.get(f"/procedures/{draft.id}/image?v=1")
    assert own.status_code == 200 and "no-store" in own.headers["cache-control"]
    await browser_session(await make_user(role="resident"))
    assert (await client.get(f"/procedures/{draft.id}/image?v=1")).status_code == 404
