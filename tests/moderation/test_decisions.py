"""Deciding queue items: what others see before and after, races between moderators."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import func, select

from dialog.db import Database
from dialog.procedures.models import Procedure, Thread
from moderation.models import Decision
from tests import factories
from tests.moderation.helpers import MakeUser, decide, events, post, status_of

SECRET = "Geheimer Text, der nirgends erscheinen darf"


async def test_a_pending_comment_appears_nowhere_for_others_until_approved(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author, other, moderator = await make_user(), await make_user(), await make_user("moderator")
    comment = await post(api, author, held, SECRET)
    assert comment["status"] == "pending"
    url = f"/api/v1/threads/{held.id}/comments"
    for reader in (other, None):
        assert (await api.request(reader, "GET", url)).json()["items"] == []
        page = await api.request(reader, "GET", f"/threads/{held.id}")
        assert SECRET not in page.text
    assert not [e for e in await events(db) if e.topic != "moderation"]
    queue = (await api.request(moderator, "GET", "/api/v1/moderation/queue")).json()
    assert [(i["id"], i["reasons"]) for i in queue["items"]] == [
        (comment["id"], ["pre-moderation"])
    ]

    approved = await decide(api, moderator, comment["id"], "approve")

    assert approved.status_code == 200, approved.text
    assert [i["id"] for i in (await api.request(other, "GET", url)).json()["items"]] == [
        comment["id"]
    ]
    published = [e for e in await events(db, f"thread:{held.id}")]
    assert [e.type for e in published] == ["comment.published"]
    assert SECRET in published[0].data["html"]
    decided = [e for e in await events(db, "moderation") if e.type == "comment.decided"]
    assert decided[0].data["action"] == "approve"


async def test_rejected_text_never_leaks_through_api_page_or_event_replay(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author, other, moderator = await make_user(), await make_user(), await make_user("moderator")
    comment = await post(api, author, held, SECRET)
    assert (await decide(api, moderator, comment["id"], "reject", "law")).status_code == 200
    url = f"/api/v1/threads/{held.id}/comments"
    for reader in (other, None):
        assert SECRET not in (await api.request(reader, "GET", url)).text
        assert SECRET not in (await api.request(reader, "GET", f"/threads/{held.id}")).text
    public = [e for e in await events(db) if e.topic != "moderation"]
    assert SECRET not in json.dumps([e.data for e in public])
    mine = (await api.request(author, "GET", url)).json()["items"]
    assert [(c["status"], SECRET in c["html"]) for c in mine] == [("rejected", True)]


async def test_hidden_text_never_leaks_through_api_page_or_event_replay(
    api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    author, other, moderator = await make_user(), await make_user(), await make_user("moderator")
    comment = await post(api, author, thread, SECRET)
    hidden = await decide(api, moderator, comment["id"], "hide", "privacy")
    assert hidden.status_code == 200, hidden.text
    url = f"/api/v1/threads/{thread.id}/comments"
    for reader in (other, None):
        listing = (await api.request(reader, "GET", url)).json()["items"]
        assert [(c["status"], c["html"]) for c in listing] == [("hidden", "")]
        assert SECRET not in (await api.request(reader, "GET", f"/threads/{thread.id}")).text
    thread_events = await events(db, f"thread:{thread.id}")
    assert [e.type for e in thread_events] == ["comment.published", "comment.hidden"]
    assert SECRET not in json.dumps(thread_events[1].data)


async def test_the_second_of_two_decisions_on_one_item_gets_409_and_a_fresh_view(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author = await make_user()
    first, second = await make_user("moderator"), await make_user("moderator")
    comment = await post(api, author, held, "Bitte freischalten")
    seen = await api.request(second, "GET", f"/api/v1/moderation/comments/{comment['id']}")
    version = seen.json()["version"]

    assert (await decide(api, first, comment["id"], "approve", version=version)).status_code == 200
    late = await decide(api, second, comment["id"], "reject", "spam", version=version)

    assert late.status_code == 409
    assert late.json()["error"]["code"] == "conflict"
    assert late.json()["item"]["status"] == "published"
    assert late.json()["item"]["version"] == version + 1
    assert await status_of(db, comment["id"]) == "published"


async def test_deciding_a_finished_item_again_is_a_conflict(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author, moderator = await make_user(), await make_user("moderator")
    comment = await post(api, author, held, "Bitte freischalten")
    assert (await decide(api, moderator, comment["id"], "approve")).status_code == 200
    again = await decide(api, moderator, comment["id"], "approve")
    assert again.status_code == 409
    assert again.json()["item"]["reasons"] == []


async def test_a_claimed_item_cannot_be_decided_by_another_moderator(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author = await make_user()
    first, second = await make_user("moderator"), await make_user("moderator")
    comment = await post(api, author, held, "Bitte freischalten")
    claim_url = f"/api/v1/moderation/comments/{comment['id']}/claim"
    claimed = await api.request(first, "POST", claim_url)
    assert claimed.status_code == 200 and claimed.json()["claimed_by"] == first.id
    assert (await api.request(second, "POST", claim_url)).status_code == 409
    blocked = await decide(api, second, comment["id"], "approve")
    assert blocked.status_code == 409
    assert blocked.json()["item"]["claimed_by"] == first.id
    assert (await api.request(first, "DELETE", claim_url)).status_code == 204
    assert (await decide(api, second, comment["id"], "approve")).status_code == 200


async def test_bulk_approval_decides_each_item_and_reports_conflicts(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author, moderator = await make_user(), await make_user("moderator")
    ids = [(await post(api, author, held, f"Beitrag {n}"))["id"] for n in range(3)]
    assert (await decide(api, moderator, ids[0], "reject", "spam")).status_code == 200
    response = await api.request(
        moderator,
        "POST",
        "/api/v1/moderation/decisions",
        json={"comment_ids": ids, "action": "approve", "reason": "topic"},
    )
    assert response.json() == {"decided": ids[1:], "conflicts": ids[:1]}
    assert [await status_of(db, i) for i in ids] == ["rejected", "published", "published"]


async def test_a_decision_needs_a_reason_from_the_netiquette_catalogue(
    api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    author, moderator = await make_user(), await make_user("moderator")
    comment = await post(api, author, thread, "Hallo")
    response = await decide(api, moderator, comment["id"], "hide", "because")
    assert response.status_code == 422
    assert "reason" in response.json()["error"]["fields"]


async def test_two_simultaneous_decisions_on_one_item_leave_one_winner(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author = await make_user()
    first, second = await make_user("moderator"), await make_user("moderator")
    comment = await post(api, author, held, "Bitte freischalten")
    await api.headers(first), await api.headers(second)  # tokens exist before the race
    answers = await asyncio.gather(
        decide(api, first, comment["id"], "approve", "topic", version=0),
        decide(api, second, comment["id"], "reject", "spam", version=0),
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    winner = next(a for a in answers if a.status_code == 200).json()
    assert await status_of(db, comment["id"]) == winner["status"]
    async with db.reading() as session:
        decisions = await session.scalar(
            select(func.count()).select_from(Decision).where(Decision.comment_id == comment["id"])
        )
    assert decisions == 1
