"""Proposals and supports in the data export and in account erasure."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import func, select

from dialog.accounts.models import User
from dialog.db import Database
from dialog.proposals.models import Proposal, Support
from tests import factories
from tests.proposals.helpers import propose, published

MakeUser = Callable[..., Awaitable[User]]


async def test_the_export_lists_ones_proposals_and_supports(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    author, office, supporter = await make_user(), await make_user("office"), await make_user()
    proposal = await published(api, author, office, title="Ein Trinkbrunnen am Luisenplatz")
    await api.request(supporter, "PUT", f"/api/v1/proposals/{proposal['id']}/support")
    mine = (await api.request(author, "GET", "/api/v1/me/export")).json()
    assert [p["title"] for p in mine["proposals"]] == ["Ein Trinkbrunnen am Luisenplatz"]
    theirs = (await api.request(supporter, "GET", "/api/v1/me/export")).json()
    assert [s["proposal_id"] for s in theirs["proposal_supports"]] == [proposal["id"]]
    assert theirs["proposals"] == []


async def test_erasing_an_account_takes_its_support_and_the_count_follows(
    api: factories.ApiAs, make_user: MakeUser, db: Database
) -> None:
    author, office, supporter = await make_user(), await make_user("office"), await make_user()
    proposal = await published(api, author, office)
    await api.request(supporter, "PUT", f"/api/v1/proposals/{proposal['id']}/support")
    body = {"password": factories.PASSWORD, "comments": "keep"}
    assert (await api.request(supporter, "DELETE", "/api/v1/me", json=body)).status_code == 204
    seen = (await api.request(None, "GET", f"/api/v1/proposals/{proposal['id']}")).json()
    assert seen["support_count"] == 0
    async with db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(Support)) == 0


async def test_erasing_an_author_keeps_a_published_proposal_without_a_name(
    api: factories.ApiAs, make_user: MakeUser, db: Database
) -> None:
    author = await make_user(display_name="Paula Privat")
    proposal = await published(api, author, await make_user("office"))
    unpublished = await propose(api, author)
    body = {"password": factories.PASSWORD, "comments": "remove"}
    assert (await api.request(author, "DELETE", "/api/v1/me", json=body)).status_code == 204
    seen = (await api.request(None, "GET", f"/api/v1/proposals/{proposal['id']}")).json()
    assert seen["proposer"] == ""
    page = await api.client.get(f"/proposals/{proposal['id']}")
    assert "Paula Privat" not in page.text
    async with db.reading() as session:
        assert await session.get(Proposal, unpublished["id"]) is None
        kept = await session.get(Proposal, proposal["id"])
        assert kept is not None and kept.author_id is None
