"""Saved Vorhabenliste searches: save, manage, hear of new matches once, export and erasure."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from sqlalchemy import func, select, update
from starlette.applications import Starlette

from dialog.accounts.models import User
from dialog.background import Background
from dialog.db import Database
from dialog.live.models import ConsumerPosition
from dialog.procedures.models import Department
from dialog.saved_searches.models import SavedSearch, SavedSearchMatch
from tests import factories

MakeUser = Callable[..., Awaitable[User]]
SignIn = Callable[[User], Awaitable[str]]


async def save(client: httpx.AsyncClient, csrf: str, **filters: str) -> httpx.Response:
    return await client.post("/me/searches", data={"csrf_token": csrf, **filters})


async def publish(api: factories.ApiAs, staff: User, title: str, **fields: Any) -> int:
    body = {
        "title": title,
        "summary": "Eine kurze Beschreibung des Vorhabens.",
        "department": "stadtplanung",
        "level": "consultation",
        "initiator": "administration",
        "phase": "active",
        **fields,
    }
    response = await api.request(staff, "POST", "/api/v1/procedures", json=body)
    assert response.status_code == 201, response.text
    procedure_id: int = response.json()["id"]
    return procedure_id


async def notices(api: factories.ApiAs, who: User) -> list[dict[str, Any]]:
    response = await api.request(who, "GET", "/api/v1/me/notifications")
    assert response.status_code == 200
    found = response.json()
    items: list[dict[str, Any]] = found["items"] if isinstance(found, dict) else found
    return [n for n in items if n.get("url", "").startswith("/procedures/")]


def background(app: Starlette) -> Background:
    found: Background = app.state.services.background
    return found


async def test_a_resident_saves_the_lists_filters_and_sees_them_on_me(
    client: httpx.AsyncClient, browser_session: SignIn, make_user: MakeUser, db: Database
) -> None:
    await factories.district(db, "babelsberg", "Babelsberg")
    resident = await make_user()
    csrf = await browser_session(resident)
    listing = await client.get("/procedures?district=babelsberg&phase=active&sort=title")
    assert 'action="/me/searches"' in listing.text
    assert 'name="district" value="babelsberg"' in listing.text
    assert 'name="sort"' not in listing.text.split('action="/me/searches"')[1].split("</form>")[0]
    saved = await save(client, csrf, district="babelsberg", phase="active")
    assert saved.status_code == 303
    assert saved.headers["location"] == "/me/searches?saved=1"
    again = await save(client, csrf, phase="active", district="babelsberg")  # same set: kept once
    assert again.status_code == 303
    page = await client.get("/me/searches")
    assert page.status_code == 200
    assert "Babelsberg" in page.text
    assert 'href="/procedures?phase=active&amp;district=babelsberg"' in page.text
    async with db.reading() as session:
        count = await session.scalar(select(func.count()).select_from(SavedSearch))
    assert count == 1
    assert 'href="/me/searches"' in (await client.get("/me")).text


async def test_saving_no_filter_or_a_wrong_one_is_refused_by_name(
    client: httpx.AsyncClient, browser_session: SignIn, make_user: MakeUser
) -> None:
    csrf = await browser_session(await make_user())
    empty = await save(client, csrf)
    assert empty.status_code == 422
    wrong = await save(client, csrf, phase="someday")
    assert wrong.status_code == 422
    assert "phase" in wrong.text


async def test_a_new_matching_procedure_notifies_once_and_a_non_matching_one_not(
    app: Starlette,
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    browser_session: SignIn,
    make_user: MakeUser,
    db: Database,
    department: Department,
) -> None:
    await factories.district(db, "babelsberg", "Babelsberg")
    resident = await make_user()
    staff = await make_user("staff", department)
    csrf = await browser_session(resident)
    assert (await save(client, csrf, district="babelsberg", q="radweg")).status_code == 303
    await background(app).drain()
    async with db.reading() as session:
        before = await session.scalar(select(func.max(ConsumerPosition.position)))
    matching = await publish(api, staff, "Neuer Radweg in Babelsberg", districts=["babelsberg"])
    await publish(api, staff, "Neuer Radweg woanders")
    await publish(api, staff, "Spielplatz in Babelsberg", districts=["babelsberg"])
    await background(app).drain()
    found = await notices(api, resident)
    assert [n["url"] for n in found] == [f"/procedures/{matching}"]
    assert "Neuer Radweg in Babelsberg" in found[0]["title"]
    assert await notices(api, staff) == []

    # At least once: the consumer reads the same events again and tells no one twice.
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            update(ConsumerPosition)
            .where(ConsumerPosition.name == "saved-searches")
            .values(position=before or 0, gaps={})
        )
    await background(app).drain()
    assert len(await notices(api, resident)) == 1


async def test_a_resident_deletes_only_their_own_saved_search(
    client: httpx.AsyncClient,
    browser_session: SignIn,
    make_user: MakeUser,
    db: Database,
) -> None:
    owner, other = await make_user(), await make_user()
    async with db.unit_of_work() as uow:
        search = SavedSearch(user_id=owner.id, filters={"phase": "active"}, label="Phase")
        uow.session.add(search)
        await uow.session.flush()
        search_id = search.id
    csrf = await browser_session(other)
    refused = await client.post(f"/me/searches/{search_id}/delete", data={"csrf_token": csrf})
    assert refused.status_code == 404
    csrf = await browser_session(owner)
    done = await client.post(f"/me/searches/{search_id}/delete", data={"csrf_token": csrf})
    assert done.status_code == 303
    async with db.reading() as session:
        assert await session.get(SavedSearch, search_id) is None


async def test_saved_searches_are_in_the_export_and_gone_with_the_account(
    api: factories.ApiAs, make_user: MakeUser, db: Database, department: Department
) -> None:
    person = await make_user()
    procedure = await factories.procedure(db, department)
    async with db.unit_of_work() as uow:
        search = SavedSearch(user_id=person.id, filters={"q": "Radweg"}, label="Text: Radweg")
        uow.session.add(search)
        await uow.session.flush()
        uow.session.add(SavedSearchMatch(saved_search_id=search.id, procedure_id=procedure.id))
    exported = await api.request(person, "GET", "/api/v1/me/export")
    assert exported.json()["saved_searches"][0]["filters"] == {"q": "Radweg"}
    deletion = {"password": factories.PASSWORD, "comments": "keep"}
    assert (await api.request(person, "DELETE", "/api/v1/me", json=deletion)).status_code == 204
    async with db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(SavedSearch)) == 0
        assert await session.scalar(select(func.count()).select_from(SavedSearchMatch)) == 0


async def test_signed_out_people_are_asked_to_sign_in(client: httpx.AsyncClient) -> None:
    assert (await client.get("/me/searches")).status_code in (401, 303)
    listing = await client.get("/procedures?phase=active")
    assert "Sign in to save this search" in listing.text or "Melden Sie sich an" in listing.text
