"""Following proposals: proposers and supporters follow automatically, anyone may follow a
published one, and each step reaches its followers (not who unfollowed) as other kinds do."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
from sqlalchemy import select

from dialog.accounts.models import User
from dialog.db import Database
from dialog.notifications.models import Notification
from tests import factories
from tests.proposals.helpers import decide, propose, published

MakeUser = Callable[..., Awaitable[User]]
SignIn = Callable[[User], Awaitable[str]]


async def followed(api: factories.ApiAs, who: User) -> list[tuple[str, int]]:
    found = (await api.request(who, "GET", "/api/v1/me/follows")).json()
    return [(f["kind"], f["id"]) for f in found]


async def told(db: Database) -> list[tuple[int, str]]:
    async with db.reading() as session:
        rows = await session.execute(
            select(Notification.user_id, Notification.delivery).where(
                Notification.kind == "proposal"
            )
        )
        return [(user_id, delivery) for user_id, delivery in rows]


async def test_the_proposer_and_supporters_follow_automatically(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    author, office, supporter = await make_user(), await make_user("office"), await make_user()
    proposal = await published(api, author, office)
    assert await api.request(supporter, "PUT", f"/api/v1/proposals/{proposal['id']}/support")
    assert ("proposal", proposal["id"]) in await followed(api, author)
    assert ("proposal", proposal["id"]) in await followed(api, supporter)
    listing = (await api.request(supporter, "GET", "/api/v1/me/follows")).json()
    assert listing[0]["url"] == f"/proposals/{proposal['id']}"


async def test_a_step_reaches_followers_and_not_who_unfollowed(
    api: factories.ApiAs, make_user: MakeUser, db: Database
) -> None:
    author, office = await make_user(), await make_user("office")
    staying, leaving, reader = await make_user(), await make_user(), await make_user()
    proposal = await published(api, author, office, threshold=5)
    url = f"/me/follows/proposal/{proposal['id']}"
    for who in (staying, leaving):
        await api.request(who, "PUT", f"/api/v1/proposals/{proposal['id']}/support")
    gone = await api.request(leaving, "DELETE", f"/api/v1/{url.removeprefix('/')}")
    assert gone.status_code == 200 and gone.json()["following"] is False
    came = await api.request(reader, "PUT", f"/api/v1/{url.removeprefix('/')}")
    assert came.status_code == 200 and came.json()["following"] is True
    before = len(await told(db))
    await decide(api, office, proposal["id"], "decline", reason="Nicht zuständig.")
    now = (await told(db))[before:]
    assert sorted(user_id for user_id, _ in now) == sorted([author.id, staying.id, reader.id])
    # As for what one follows: in the daily digest, unless chosen otherwise (no address: app).
    assert {delivery for _, delivery in now} <= {"daily", "none"}
    notices = (await api.request(reader, "GET", "/api/v1/me/notifications")).json()
    assert f"/proposals/{proposal['id']}" in str(notices)


async def test_unpublished_proposals_and_anonymous_readers_cannot_follow(
    api: factories.ApiAs, client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    author, resident = await make_user(), await make_user()
    waiting = await propose(api, author)
    response = await api.request(resident, "PUT", f"/api/v1/me/follows/proposal/{waiting['id']}")
    assert response.status_code == 404
    assert (await client.put(f"/api/v1/me/follows/proposal/{waiting['id']}")).status_code == 401
    missing = await api.request(resident, "PUT", "/api/v1/me/follows/proposal/999999")
    assert missing.status_code == 404


async def test_the_proposal_page_offers_the_follow_button(
    api: factories.ApiAs,
    client: httpx.AsyncClient,
    browser_session: SignIn,
    make_user: MakeUser,
) -> None:
    author, office, reader = await make_user(), await make_user("office"), await make_user()
    proposal = await published(api, author, office)
    token = await browser_session(reader)
    page = await client.get(f"/proposals/{proposal['id']}")
    assert 'name="kind" value="proposal"' in page.text
    sent = await client.post(
        "/follows",
        data={"csrf_token": token, "kind": "proposal", "id": proposal["id"], "following": "1"},
    )
    assert sent.status_code == 303
    assert ("proposal", proposal["id"]) in await followed(api, reader)
    anonymous = httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url))
    async with anonymous:
        assert 'value="proposal"' not in (await anonymous.get(f"/proposals/{proposal['id']}")).text
