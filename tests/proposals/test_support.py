"""Support: one per person, withdrawable, counted once under parallel requests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy import func, select

from dialog.accounts.models import User
from dialog.db import Database
from dialog.proposals.models import Support
from tests import factories
from tests.proposals.helpers import propose, published

MakeUser = Callable[..., Awaitable[User]]


async def test_one_persons_support_counts_once_under_twenty_parallel_requests(
    api: factories.ApiAs, make_user: MakeUser, db: Database
) -> None:
    author, office, supporter = await make_user(), await make_user("office"), await make_user()
    proposal = await published(api, author, office, threshold=50)
    url = f"/api/v1/proposals/{proposal['id']}/support"
    await api.headers(supporter)  # the token exists before the burst
    responses = await asyncio.gather(*(api.request(supporter, "PUT", url) for _ in range(20)))
    assert {r.status_code for r in responses} == {200}
    assert {r.json()["support_count"] for r in responses} == {1}
    async with db.reading() as session:
        rows = await session.scalar(select(func.count()).select_from(Support))
    assert rows == 1
    seen = (await api.request(None, "GET", f"/api/v1/proposals/{proposal['id']}")).json()
    assert seen["support_count"] == 1


async def test_parallel_supporters_are_all_counted(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    author, office = await make_user(), await make_user("office")
    people = [await make_user() for _ in range(8)]
    proposal = await published(api, author, office, threshold=5)
    url = f"/api/v1/proposals/{proposal['id']}/support"
    for who in people:
        await api.headers(who)
    responses = await asyncio.gather(*(api.request(who, "PUT", url) for who in people))
    assert {r.status_code for r in responses} == {200}
    seen = (await api.request(None, "GET", f"/api/v1/proposals/{proposal['id']}")).json()
    assert seen["support_count"] == 8 and seen["state"] == "threshold-reached"


async def test_support_can_be_withdrawn(api: factories.ApiAs, make_user: MakeUser) -> None:
    author, office, supporter = await make_user(), await make_user("office"), await make_user()
    proposal = await published(api, author, office)
    url = f"/api/v1/proposals/{proposal['id']}/support"
    given = await api.request(supporter, "PUT", url)
    assert given.json() == {"id": proposal["id"], "support_count": 1, "supported": True}
    taken = await api.request(supporter, "DELETE", url)
    assert taken.json() == {"id": proposal["id"], "support_count": 0, "supported": False}


async def test_an_unpublished_proposal_takes_no_support(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    author = await make_user()
    created = await propose(api, author)
    response = await api.request(author, "PUT", f"/api/v1/proposals/{created['id']}/support")
    assert response.status_code == 409
    stranger = await make_user()
    response = await api.request(stranger, "PUT", f"/api/v1/proposals/{created['id']}/support")
    assert response.status_code == 404


async def test_anonymous_visitors_can_not_support(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    proposal = await published(api, await make_user(), await make_user("office"))
    response = await api.request(None, "PUT", f"/api/v1/proposals/{proposal['id']}/support")
    assert response.status_code == 401


async def test_a_blocked_account_can_not_support(api: factories.ApiAs, make_user: MakeUser) -> None:
    from datetime import timedelta

    from dialog.db import utcnow

    proposal = await published(api, await make_user(), await make_user("office"))
    blocked = await make_user(blocked_until=utcnow() + timedelta(days=1))
    response = await api.request(blocked, "PUT", f"/api/v1/proposals/{proposal['id']}/support")
    assert response.status_code == 403
