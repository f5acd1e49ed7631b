"""Personal data in concerns: export and erasure of the author's items, photos and support;
non-public and anonymous items never leak through lists, pages, APIs or live events."""

from __future__ import annotations

from sqlalchemy import select

from dialog.concerns.models import Concern, Photo, Supporter
from dialog.concerns.photos import clean
from dialog.live.models import Event
from tests import factories
from tests.concerns.conftest import MakeUser, World, jpeg_with_gps


async def test_the_export_lists_own_items_with_photos_and_supported_items(
    world: World, make_user: MakeUser, api: factories.ApiAs
) -> None:
    author, other = await make_user(), await make_user()
    mine = await world.submit(author, photos=[clean(jpeg_with_gps())], place="Am See 1")
    theirs = await world.submit(other)
    done = await api.request(author, "PUT", f"/api/v1/concerns/{theirs.id}/support")
    assert done.status_code == 200
    data = (await api.request(author, "GET", "/api/v1/me/export")).json()
    assert [c["id"] for c in data["concerns"]] == [mine.id]
    assert data["concerns"][0]["place"] == "Am See 1"
    assert len(data["concerns"][0]["photos"]) == 1
    assert data["concerns_supported"] == [theirs.id]


async def test_deleting_the_account_removes_name_and_support_and_keeps_the_item(
    world: World, make_user: MakeUser, api: factories.ApiAs
) -> None:
    author, other = await make_user(), await make_user()
    mine = await world.submit(author, show_name=True)
    theirs = await world.submit(other)
    await api.request(author, "PUT", f"/api/v1/concerns/{theirs.id}/support")
    deleted = await api.request(
        author, "DELETE", "/api/v1/me", json={"password": factories.PASSWORD}
    )
    assert deleted.status_code == 204
    kept, supported = await world.load(mine.id), await world.load(theirs.id)
    assert kept.author_id is None and kept.author_name == "" and not kept.show_name
    assert supported.supporter_count == 0
    async with world.db.reading() as session:
        assert (await session.scalars(select(Supporter))).all() == []


async def test_deleting_with_content_removes_the_items_and_their_photos(
    world: World, make_user: MakeUser, api: factories.ApiAs
) -> None:
    author = await make_user()
    await world.submit(author, photos=[clean(jpeg_with_gps())])
    deleted = await api.request(
        author, "DELETE", "/api/v1/me", json={"password": factories.PASSWORD, "comments": "remove"}
    )
    assert deleted.status_code == 204
    async with world.db.reading() as session:
        assert (await session.scalars(select(Concern))).all() == []
        assert (await session.scalars(select(Photo))).all() == []


async def test_anonymous_and_private_items_leave_no_trace_in_public_places(
    world: World, make_user: MakeUser, api: factories.ApiAs
) -> None:
    private = await world.submit(public=False, text="Mein Nachbar Herr X parkt immer falsch.")
    async with world.db.reading() as session:
        events = (await session.scalars(select(Event))).all()
    assert not any(e.topic == f"concern:{private.id}" for e in events)
    assert all("Nachbar" not in str(e.data) for e in events)
    for url in ("/concerns", "/api/v1/concerns", f"/api/v1/concerns/{private.id}"):
        response = await api.request(None, "GET", url)
        assert "Nachbar" not in response.text
    public = await world.submit(text="Die Bank am Ufer ist kaputt, bitte reparieren.")
    shown = (await api.request(None, "GET", f"/api/v1/concerns/{public.id}")).json()
    assert shown["author"] is None and "email" not in shown


async def test_the_reason_for_not_publishing_goes_to_the_author_only(
    world: World, make_user: MakeUser, api: factories.ApiAs
) -> None:
    author, office = await make_user(), await make_user("office")
    item = await world.submit(author)
    done = await api.request(
        office, "POST", f"/api/v1/concerns/{item.id}/unpublish", json={"reason": "Beleidigung"}
    )
    assert done.status_code == 200
    assert (await api.request(None, "GET", f"/api/v1/concerns/{item.id}")).status_code == 404
    own = (await api.request(author, "GET", f"/api/v1/concerns/{item.id}")).json()
    assert own["state"] == "not-published" and own["reason"] == "Beleidigung"
    page = await api.request(author, "GET", f"/concerns/{item.id}")
    assert "Beleidigung" in page.text
