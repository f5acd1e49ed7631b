"""Votes: one per person, change or withdraw, never on one's own comment; coalesced events."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select
from starlette.applications import Starlette

from dialog.db import Database, utcnow
from dialog.discussion.models import Comment, Vote
from dialog.discussion.voting import VoteEvents
from dialog.procedures.models import Procedure, Thread
from tests import factories
from tests.discussion.helpers import MakeUser, events_after, last_event_id, post


async def test_a_resident_votes_changes_the_vote_and_withdraws_it(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    comment = await post(api, await make_user(), thread.id, "Mehr Bänke am Ufer")
    voter = await make_user()
    url = f"/api/v1/comments/{comment['id']}/vote"
    up = await api.request(voter, "PUT", url, json={"value": 1})
    assert up.status_code == 200, up.text
    assert (up.json()["up"], up.json()["down"], up.json()["my_vote"]) == (1, 0, 1)
    down = await api.request(voter, "PUT", url, json={"value": -1})
    assert (down.json()["up"], down.json()["down"], down.json()["my_vote"]) == (0, 1, -1)
    gone = await api.request(voter, "DELETE", url)
    assert (gone.json()["up"], gone.json()["down"], gone.json()["my_vote"]) == (0, 0, None)


async def test_nobody_votes_on_their_own_comment(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author = await make_user()
    comment = await post(api, author, thread.id, "Mein Vorschlag")
    response = await api.request(
        author, "PUT", f"/api/v1/comments/{comment['id']}/vote", json={"value": 1}
    )
    assert response.status_code == 403
    assert response.json()["error"]["message"]
    fresh = await api.request(None, "GET", f"/api/v1/comments/{comment['id']}")
    assert fresh.json()["up"] == 0


async def test_a_blocked_account_cannot_vote(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    comment = await post(api, await make_user(), thread.id, "Vorschlag")
    blocked = await make_user(blocked_until=utcnow() + timedelta(days=1))
    response = await api.request(
        blocked, "PUT", f"/api/v1/comments/{comment['id']}/vote", json={"value": 1}
    )
    assert response.status_code == 403
    assert (await api.request(None, "GET", f"/api/v1/comments/{comment['id']}")).json()["up"] == 0


async def test_malformed_votes_are_refused(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    comment = await post(api, await make_user(), thread.id, "Vorschlag")
    voter = await make_user()
    url = f"/api/v1/comments/{comment['id']}/vote"
    for payload in ({"value": 2}, {"value": 0}, {}, {"value": 1, "extra": True}):
        response = await api.request(voter, "PUT", url, json=payload)
        assert response.status_code == 422, payload
        assert "fields" in response.json()["error"]
    not_json = await api.request(
        voter, "PUT", url, content=b"{", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 400
    missing = await api.request(voter, "PUT", "/api/v1/comments/999999/vote", json={"value": 1})
    assert missing.status_code == 404
    assert (await api.request(None, "GET", f"/api/v1/comments/{comment['id']}")).json()["up"] == 0


async def test_twenty_parallel_votes_by_one_person_leave_exactly_one(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, db: Database
) -> None:
    comment = await post(api, await make_user(), thread.id, "Vorschlag")
    voter = await make_user()
    await api.headers(voter)
    url = f"/api/v1/comments/{comment['id']}/vote"
    responses = await asyncio.gather(
        *(api.request(voter, "PUT", url, json={"value": 1 if n % 3 else -1}) for n in range(20))
    )
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    async with db.reading() as session:
        votes = (await session.scalars(select(Vote).where(Vote.comment_id == comment["id"]))).all()
        stored = await session.get(Comment, comment["id"])
    assert len(votes) == 1
    assert stored is not None
    expected = (1, 0) if votes[0].value == 1 else (0, 1)
    assert (stored.up_count, stored.down_count) == expected


async def test_vote_events_carry_absolute_counts_once_per_window(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, db: Database, app: Starlette
) -> None:
    comment = await post(api, await make_user(), thread.id, "Vorschlag")
    voters = [await make_user() for _ in range(3)]
    before = await last_event_id(db)
    for voter in voters:
        await api.request(voter, "PUT", f"/api/v1/comments/{comment['id']}/vote", json={"value": 1})
    await api.request(
        voters[0], "PUT", f"/api/v1/comments/{comment['id']}/vote", json={"value": -1}
    )
    events: VoteEvents = app.state.services.vote_events
    await events.flush()
    changed = [e for e in await events_after(db, before) if e.type == "votes.changed"]
    assert [(e.topic, e.data) for e in changed] == [
        (f"thread:{thread.id}", {"id": comment["id"], "up": 2, "down": 1})
    ]


async def test_the_coalescer_flushes_what_is_pending_when_it_stops(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, db: Database
) -> None:
    first = await post(api, await make_user(), thread.id, "Eins")
    second = await post(api, await make_user(), thread.id, "Zwei")
    coalescer = VoteEvents(db, window=3600)  # the timer never fires during the test
    before = await last_event_id(db)
    for _ in range(5):
        coalescer.changed(first["id"])
    coalescer.changed(second["id"])
    assert await events_after(db, before) == []
    await coalescer.stop()
    changed = await events_after(db, before)
    assert sorted(e.data["id"] for e in changed) == [first["id"], second["id"]]
    await coalescer.flush()
    assert len(await events_after(db, before)) == 2


async def test_votes_are_refused_outside_the_active_phase(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, db: Database
) -> None:
    comment = await post(api, await make_user(), thread.id, "Vorschlag")
    async with db.unit_of_work() as uow:
        stored = await uow.session.get(Thread, thread.id)
        assert stored is not None
        procedure = await uow.session.get(Procedure, stored.procedure_id)
        assert procedure is not None
        procedure.phase = "evaluation"
    response = await api.request(
        await make_user(), "PUT", f"/api/v1/comments/{comment['id']}/vote", json={"value": 1}
    )
    assert response.status_code == 403
    async with db.reading() as session:
        assert (await session.scalar(select(func.count()).select_from(Vote))) == 0
