"""Saved searches through the JSON API: list, save, delete; fields named; only one's own."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from dialog.accounts.models import User
from dialog.db import Database
from tests import factories

MakeUser = Callable[..., Awaitable[User]]
URL = "/api/v1/me/saved-searches"


async def test_a_resident_saves_lists_and_deletes_searches(
    api: factories.ApiAs, make_user: MakeUser, db: Database
) -> None:
    await factories.district(db, "babelsberg", "Babelsberg")
    resident = await make_user()
    saved = await api.request(
        resident, "POST", URL, json={"phase": "active", "district": "babelsberg", "q": "Havel"}
    )
    assert saved.status_code == 201, saved.text
    body = saved.json()
    assert body["filters"] == {"q": "Havel", "phase": "active", "district": "babelsberg"}
    assert body["label"] == "Text: „Havel“ · Phase: Beteiligung läuft · Stadtteil: Babelsberg"
    assert body["url"] == "/procedures?q=Havel&phase=active&district=babelsberg"

    again = await api.request(
        resident, "POST", URL, json={"district": "babelsberg", "phase": "active", "q": "Havel"}
    )
    assert again.status_code == 200 and again.json()["id"] == body["id"]  # kept once

    listed = await api.request(resident, "GET", URL)
    assert [s["id"] for s in listed.json()] == [body["id"]]
    assert (await api.request(resident, "DELETE", f"{URL}/{body['id']}")).status_code == 204
    assert (await api.request(resident, "GET", URL)).json() == []


async def test_wrong_filters_are_named_and_nothing_is_kept(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    resident = await make_user()
    for sent, field in (
        ({}, "filters"),
        ({"q": "", "phase": ""}, "filters"),
        ({"phase": "someday"}, "phase"),
        ({"district": "Not A Slug"}, "district"),
        ({"sort": "title"}, "sort"),
    ):
        response = await api.request(resident, "POST", URL, json=sent)
        assert response.status_code == 422, (sent, response.text)
        assert field in response.json()["error"]["fields"], (sent, response.text)
    assert (await api.request(resident, "GET", URL)).json() == []


async def test_at_most_twenty_then_409(api: factories.ApiAs, make_user: MakeUser) -> None:
    resident = await make_user()
    for n in range(20):
        response = await api.request(resident, "POST", URL, json={"q": f"Wort{n}"})
        assert response.status_code == 201
    refused = await api.request(resident, "POST", URL, json={"q": "eins zu viel"})
    assert refused.status_code == 409
    assert len((await api.request(resident, "GET", URL)).json()) == 20


async def test_only_one_s_own_and_only_signed_in(api: factories.ApiAs, make_user: MakeUser) -> None:
    owner, other = await make_user(), await make_user()
    search = (await api.request(owner, "POST", URL, json={"level": "consultation"})).json()
    assert (await api.request(other, "GET", URL)).json() == []
    assert (await api.request(other, "DELETE", f"{URL}/{search['id']}")).status_code == 404
    assert (await api.request(None, "GET", URL)).status_code == 401
    assert (await api.request(None, "POST", URL, json={"q": "x"})).status_code == 401
    assert (await api.request(None, "POST", URL, json={"sort": 1})).status_code == 401
    assert (await api.request(None, "DELETE", f"{URL}/{search['id']}")).status_code == 401
    assert len((await api.request(owner, "GET", URL)).json()) == 1
