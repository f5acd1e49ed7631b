"""The pages: two-step submit without JavaScript, photos, the private link, the queues."""

from __future__ import annotations

import io
import re
from datetime import date

import httpx
from PIL import Image
from sqlalchemy import func, select

from dialog.concerns.models import Concern, Photo, State
from tests import factories
from tests.concerns.conftest import MakeUser, World, jpeg_with_gps


def step_one(world: World, csrf: str, **fields: str) -> dict[str, str]:
    return {
        "csrf_token": csrf,
        "kind": "defect",
        "category": str(world.category.id),
        "district": str(world.district.id),
        "text": "Die Laterne an der Ecke Parkstraße ist dunkel.",
        "place": "Parkstraße 3",
        **fields,
    }


async def count(world: World, model: type[object]) -> int:
    async with world.db.reading() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_form_explains_itself_in_easy_language(
    world: World, client: httpx.AsyncClient
) -> None:
    response = await client.get("/concerns/new")
    assert response.status_code == 200
    assert "Leichte Sprache" in response.text and "Sonstiges" in response.text


async def test_an_anonymous_resident_submits_in_two_steps_with_a_photo(
    world: World, client: httpx.AsyncClient
) -> None:
    csrf = await factories.csrf(client)
    checked = await client.post("/concerns/new", data=step_one(world, csrf))
    assert checked.status_code == 200 and 'name="step" value="send"' in checked.text
    sent = await client.post(
        "/concerns/new",
        data={**step_one(world, csrf, step="send"), "public": "1"},
        files={"photos": ("lampe.jpg", jpeg_with_gps(), "image/jpeg")},
    )
    assert sent.status_code == 201, sent.text
    assert "deshalb kommt keine E-Mail" in sent.text  # German is the default
    link = re.search(r'href="http://testserver(/concerns/track/[0-9a-f]+)"', sent.text)
    assert link is not None
    async with world.db.reading() as session:
        photo = await session.scalar(select(Photo))
    assert photo is not None and b"SecretCam" not in photo.data
    assert dict(Image.open(io.BytesIO(photo.data)).getexif()) == {}
    tracked = await client.get(link.group(1))
    assert tracked.status_code == 200 and "Parkstraße" in tracked.text


async def test_a_file_that_is_no_image_is_refused_and_nothing_is_stored(
    world: World, client: httpx.AsyncClient
) -> None:
    csrf = await factories.csrf(client)
    sent = await client.post(
        "/concerns/new",
        data=step_one(world, csrf, step="send"),
        files={"photos": ("virus.jpg", b"MZ\x90\x00 not a picture", "image/jpeg")},
    )
    assert sent.status_code == 422
    assert 'id="photos-error"' in sent.text
    assert await count(world, Concern) == 0 and await count(world, Photo) == 0


async def test_four_photos_are_refused(world: World, client: httpx.AsyncClient) -> None:
    csrf = await factories.csrf(client)
    photo = ("p.jpg", jpeg_with_gps(), "image/jpeg")
    sent = await client.post(
        "/concerns/new",
        data=step_one(world, csrf, step="send"),
        files=[("photos", photo)] * 4,
    )
    assert sent.status_code in (400, 422)
    assert await count(world, Concern) == 0


async def test_a_multipart_form_without_the_csrf_token_is_refused(
    world: World, client: httpx.AsyncClient
) -> None:
    await factories.csrf(client)
    data = step_one(world, "", step="send")
    data.pop("csrf_token")
    sent = await client.post(
        "/concerns/new", data=data, files={"photos": ("p.jpg", jpeg_with_gps(), "image/jpeg")}
    )
    assert sent.status_code == 403
    assert await count(world, Concern) == 0


async def test_similar_open_items_are_offered_on_the_confirm_step_and_as_a_fragment(
    world: World, client: httpx.AsyncClient
) -> None:
    existing = await world.submit(text="Die Laterne an der Parkstraße leuchtet nicht mehr.")
    csrf = await factories.csrf(client)
    checked = await client.post("/concerns/new", data=step_one(world, csrf))
    assert f"/concerns/{existing.id}/support" in checked.text
    fragment = await client.get(
        "/concerns/similar",
        params={
            "text": "Laterne Parkstraße dunkel",
            "category": world.category.id,
            "district": world.district.id,
        },
    )
    assert fragment.status_code == 200 and f"/concerns/{existing.id}" in fragment.text
    unrelated = await client.get(
        "/concerns/similar",
        params={"text": "Parkbank kaputt", "category": world.other.id},
    )
    assert f"/concerns/{existing.id}" not in unrelated.text


async def test_a_resident_supports_a_similar_item_instead(
    world: World, client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    existing = await world.submit()
    csrf = await factories.sign_in(client, await make_user())
    done = await client.post(f"/concerns/{existing.id}/support", data={"csrf_token": csrf})
    assert done.status_code == 303
    assert (await world.load(existing.id)).supporter_count == 1
    page = await client.get(f"/concerns/{existing.id}")
    assert "Withdraw my support" in page.text or "Unterstützung zurückziehen" in page.text


async def test_a_private_item_is_hidden_from_others_but_shown_to_office_and_department(
    world: World, client: httpx.AsyncClient, make_user: MakeUser, api: factories.ApiAs
) -> None:
    author = await make_user()
    item = await world.submit(author, public=False)
    office = await make_user("office")
    staff = await make_user("staff", world.department)
    stranger = await make_user("staff", world.other_department)
    expected = {None: 404, author: 200, office: 200, staff: 200, stranger: 404}
    for who, status in expected.items():
        assert (await api.request(who, "GET", f"/concerns/{item.id}")).status_code == status
        got = await api.request(who, "GET", f"/api/v1/concerns/{item.id}")
        assert got.status_code == status
    listed = await client.get("/concerns")
    assert f"/concerns/{item.id}" not in listed.text
    public = await api.request(None, "GET", "/api/v1/concerns")
    assert item.id not in [entry["id"] for entry in public.json()]


async def test_the_office_routes_through_the_page_and_the_department_sees_its_queue(
    world: World, client: httpx.AsyncClient, make_user: MakeUser, api: factories.ApiAs
) -> None:
    item = await world.submit()
    office = await make_user("office")
    staff = await make_user("staff", world.department)
    assert (await api.request(staff, "GET", "/office/concerns")).status_code == 403
    queue = await api.request(office, "GET", "/office/concerns")
    assert queue.status_code == 200 and f"/concerns/{item.id}" in queue.text
    csrf = await factories.sign_in(client, office)
    routed = await client.post(
        f"/concerns/{item.id}/route",
        data={"csrf_token": csrf, "department": str(world.department.id)},
    )
    assert routed.status_code == 303
    assert (await world.load(item.id)).state == State.review
    mine = await api.request(staff, "GET", "/concerns/department")
    assert mine.status_code == 200 and f"/concerns/{item.id}" in mine.text


async def test_hidden_photos_are_gone_for_the_public(
    world: World, client: httpx.AsyncClient, make_user: MakeUser, api: factories.ApiAs
) -> None:
    from dialog.concerns.photos import clean

    item = await world.submit(photos=[clean(jpeg_with_gps())])
    async with world.db.reading() as session:
        photo = await session.scalar(select(Photo))
    assert photo is not None
    assert (await client.get(f"/concerns/photos/{photo.id}")).status_code == 200
    csrf = await factories.sign_in(client, await make_user("office"))
    hidden = await client.post(
        f"/concerns/{item.id}/photos/{photo.id}/hide",
        data={"csrf_token": csrf, "reason": "Gesicht erkennbar"},
    )
    assert hidden.status_code == 303
    client.cookies.clear()  # anonymous again
    assert (await api.request(None, "GET", f"/concerns/photos/{photo.id}")).status_code == 404
    shown = await api.request(None, "GET", f"/api/v1/concerns/{item.id}")
    assert shown.json()["photos"] == []


async def test_answer_templates_are_offered_with_the_placeholders_filled_in(
    world: World, make_user: MakeUser, api: factories.ApiAs
) -> None:
    from dialog.concerns.models import Template

    async with world.db.unit_of_work() as uow:
        uow.session.add(Template(name="Dank", body="Ihr Anliegen Nr. {number} bei {department}."))
    item = await world.submit()
    page = await api.request(await make_user("office"), "GET", f"/concerns/{item.id}")
    assert f"Ihr Anliegen Nr. {item.id} bei {world.department.name}." in page.text


async def test_the_office_records_a_phone_call_for_a_resident(
    world: World, client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    office = await make_user("office")
    csrf = await factories.sign_in(client, office)
    checked = await client.post("/concerns/new", data=step_one(world, csrf))
    assert 'id="channel"' in checked.text
    sent = await client.post(
        "/concerns/new",
        data={**step_one(world, csrf, step="send"), "channel": "phone", "author_name": "Frau K."},
    )
    assert sent.status_code == 201
    async with world.db.reading() as session:
        item = await session.scalar(select(Concern))
    assert item is not None and item.channel == "phone" and item.recorded_by_id == office.id
    assert item.author_id is None and item.author_name == "Frau K."


async def test_an_email_author_confirms_on_the_private_page_not_by_opening_the_link(
    world: World, client: httpx.AsyncClient
) -> None:
    from dialog.mail.models import OutboxMail

    csrf = await factories.csrf(client)
    sent = await client.post(
        "/concerns/new", data={**step_one(world, csrf, step="send"), "email": "b@example.org"}
    )
    assert sent.status_code == 201 and "/concerns/track/" not in sent.text
    async with world.db.reading() as session:
        mail = await session.scalar(select(OutboxMail))
    assert mail is not None
    link = "/concerns/track/" + mail.text.split("/concerns/track/")[1].split()[0]
    assert (await client.get(link)).status_code == 200
    async with world.db.reading() as session:
        waiting = await session.scalar(select(Concern))
    assert waiting is not None and waiting.state == State.unconfirmed  # a GET changes nothing
    confirmed = await client.post(link, data={"csrf_token": csrf, "action": "confirm"})
    assert confirmed.status_code == 303
    assert (await world.load(waiting.id)).state == State.received


async def test_a_signed_in_author_reopens_from_the_item_page(
    world: World, client: httpx.AsyncClient, make_user: MakeUser, api: factories.ApiAs
) -> None:
    author, office = await make_user(), await make_user("office")
    item = await world.submit(author)
    answered = await api.request(
        office,
        "POST",
        f"/api/v1/concerns/{item.id}/answer",
        json={"outcome": "answered", "body": "Die Lampe ist repariert."},
    )
    assert answered.status_code == 200 and answered.json()["state"] == "answered"
    csrf = await factories.sign_in(client, author)
    page = await client.get(f"/concerns/{item.id}")
    assert 'id="reopen-h"' in page.text
    missing = await client.post(
        f"/concerns/{item.id}/reopen",
        data={"csrf_token": csrf, "solved": "false", "satisfaction": "1", "reopen": "yes"},
    )
    assert missing.status_code == 422
    reopened = await client.post(
        f"/concerns/{item.id}/reopen",
        data={
            "csrf_token": csrf,
            "solved": "false",
            "satisfaction": "1",
            "reopen": "yes",
            "reason": "Sie ist schon wieder aus.",
        },
    )
    assert reopened.status_code == 303
    again = await world.load(item.id)
    assert again.state == State.progress and again.satisfaction == 1


async def test_the_public_list_pages_through_older_items(
    world: World, client: httpx.AsyncClient
) -> None:
    async with world.db.unit_of_work() as uow:
        for number in range(55):
            uow.session.add(
                Concern(
                    kind="idea",
                    category_id=world.category.id,
                    text=f"Idee Nummer {number} für den Park.",
                    first_reply_due=date(2026, 1, 5),
                    answer_due=date(2026, 2, 2),
                )
            )
    first = await client.get("/concerns")
    older = re.search(r'href="(/concerns\?before=\d+)"', first.text)
    assert older is not None
    second = await client.get(older.group(1))
    assert "Idee Nummer 0 " in second.text and "Idee Nummer 0 " not in first.text


async def test_a_refused_workflow_step_shows_its_message_beside_the_field_and_keeps_the_text(
    world: World, client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    """Before, every refused step led to a bare error page and the typed text was lost."""
    item = await world.submit()
    csrf = await factories.sign_in(client, await make_user("office"))
    refused = await client.post(
        f"/concerns/{item.id}/unpublish", data={"csrf_token": csrf, "reason": "Ja"}
    )
    assert refused.status_code == 422
    page = refused.text
    assert 'id="unpublish-reason-error"' in page
    assert 'aria-describedby="unpublish-reason-error" aria-invalid="true"' in page
    assert 'value="Ja"' in page
    assert '<a href="#unpublish-reason">' in page  # the summary leads to the field
    merged = await client.post(
        f"/concerns/{item.id}/merge", data={"csrf_token": csrf, "original": "999999"}
    )
    assert merged.status_code == 422
    assert 'id="merge-original-error"' in merged.text
    assert "Es gibt kein Anliegen mit dieser Nummer." in merged.text
    assert 'value="999999"' in merged.text
    assert (await world.load(item.id)).state == "received"
