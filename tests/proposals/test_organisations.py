"""Organisations: public profiles, members the office confirms, proposing as the organisation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from dialog.accounts.models import User
from tests import factories
from tests.proposals.helpers import decide, new_proposal

MakeUser = Callable[..., Awaitable[User]]
SignIn = Callable[[User], Awaitable[str]]


async def create_organisation(
    client: httpx.AsyncClient, token: str, name: str = "Initiative Radweg Zeppelinstraße"
) -> str:
    response = await client.post(
        "/organisations/new",
        data={
            "csrf_token": token,
            "name": name,
            "kind": "initiative",
            "contact": "radweg@example.org",
        },
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"]).rsplit("/", 1)[-1]


async def test_only_the_office_creates_organisations(
    make_user: MakeUser, client: httpx.AsyncClient, browser_session: SignIn
) -> None:
    token = await browser_session(await make_user())
    assert (await client.get("/organisations/new")).status_code == 403
    response = await client.post("/organisations/new", data={"csrf_token": token, "name": "X"})
    assert response.status_code == 403


async def test_a_confirmed_member_proposes_as_the_organisation_and_only_moderators_see_who(
    api: factories.ApiAs,
    make_user: MakeUser,
    client: httpx.AsyncClient,
    browser_session: SignIn,
) -> None:
    office = await make_user("office")
    token = await browser_session(office)
    slug = await create_organisation(client, token)
    member = await make_user(display_name="Max Mitglied")
    body = new_proposal(organisation=slug)
    early = await api.request(member, "POST", "/api/v1/proposals", json=body)
    assert early.status_code == 422 and "organisation" in early.json()["error"]["fields"]
    # The member asks, the office confirms.
    member_token = await factories.sign_in(client, member)
    await client.post(f"/organisations/{slug}/join", data={"csrf_token": member_token})
    await factories.sign_in(client, office)
    token = await factories.csrf(client)
    confirm = await client.post(
        f"/organisations/{slug}/members/{member.id}",
        data={"csrf_token": token, "action": "confirm"},
    )
    assert confirm.status_code == 303
    created = await api.request(member, "POST", "/api/v1/proposals", json=body)
    assert created.status_code == 201
    assert created.json()["proposer"] == "Initiative Radweg Zeppelinstraße"
    assert created.json()["organisation"] == slug
    await decide(api, office, created.json()["id"], "publish")
    await client.post("/logout", data={"csrf_token": token})
    public = await client.get(f"/proposals/{created.json()['id']}")
    assert "Initiative Radweg" in public.text and "Max Mitglied" not in public.text
    profile = await client.get(f"/organisations/{slug}")
    assert "Max Mitglied" not in profile.text and created.json()["title"] in profile.text
    await factories.sign_in(client, await make_user("moderator"))
    seen = await client.get(f"/proposals/{created.json()['id']}")
    assert "Max Mitglied" in seen.text


async def test_memberships_are_in_the_export_and_go_with_the_account(
    api: factories.ApiAs, make_user: MakeUser, client: httpx.AsyncClient, browser_session: SignIn
) -> None:
    slug = await create_organisation(client, await browser_session(await make_user("office")))
    member = await make_user()
    token = await factories.sign_in(client, member)
    await client.post(f"/organisations/{slug}/join", data={"csrf_token": token})
    exported = (await api.request(member, "GET", "/api/v1/me/export")).json()
    assert [m["organisation"] for m in exported["organisation_memberships"]] == [
        "Initiative Radweg Zeppelinstraße"
    ]
    body = {"password": factories.PASSWORD, "comments": "keep"}
    assert (await api.request(member, "DELETE", "/api/v1/me", json=body)).status_code == 204
    office = await make_user("office")
    await factories.sign_in(client, office)
    assert "waiting for confirmation" not in (await client.get(f"/organisations/{slug}")).text


async def test_the_api_lists_organisations(
    api: factories.ApiAs, make_user: MakeUser, client: httpx.AsyncClient, browser_session: SignIn
) -> None:
    slug = await create_organisation(client, await browser_session(await make_user("office")))
    listed = (await api.request(None, "GET", "/api/v1/organisations")).json()
    assert [o["slug"] for o in listed] == [slug]
    one = await api.request(None, "GET", f"/api/v1/organisations/{slug}")
    assert one.json()["kind"] == "initiative"
    assert (await api.request(None, "GET", "/api/v1/organisations/nope")).status_code == 404
