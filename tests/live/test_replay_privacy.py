"""The replay (`since: 0`) over a real server carries only what its listeners may read now.

Before, a late anonymous listener got back the text of hidden, rejected and withdrawn comments,
the text before an edit, and the names (and text) of deleted accounts: stored events kept what
they showed when they were written. Now the change that takes something away redacts them.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from dialog.accounts.models import User
from dialog.db import Database
from dialog.live.models import Event
from dialog.procedures.models import Department, Procedure, Thread
from tests import factories
from tests.live.harness import frames, subscribe
from tests.moderation.helpers import MakeUser, decide, post

SECRET = "Streng geheimer Hinweis"
NAME = "Erika Mustermann"


async def replay(
    url: str, db: Database, topic: str, api: factories.ApiAs, who: User | None = None
) -> list[dict[str, Any]]:
    """Every kept event of the topic, as a listener (anonymous, or `who`) gets it replayed."""
    async with db.reading() as session:
        count = await session.scalar(
            select(func.count()).select_from(Event).where(Event.topic == topic)
        )
    client = await subscribe(url, [topic], since=0, additional_headers=await api.headers(who))
    found = await frames(client, count or 0)
    await client.close()
    return found


def text(found: list[dict[str, Any]]) -> str:
    return json.dumps(found, ensure_ascii=False)


def of_comment(found: list[dict[str, Any]], comment_id: int) -> list[tuple[str, Any]]:
    """(type, data) of the replayed events that show this comment."""
    return [(f["type"], f["data"]) for f in found if f["data"].get("id") == comment_id]


async def test_a_hidden_comment_replays_without_its_text(
    api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread, live_url: str
) -> None:
    author, moderator = await make_user(), await make_user("moderator")
    comment = await post(api, author, thread, SECRET)
    assert (await decide(api, moderator, comment["id"], "hide")).status_code == 200
    found = await replay(live_url, db, f"thread:{thread.id}", api)
    assert SECRET not in text(found)
    gone = {"id": comment["id"], "thread_id": thread.id, "status": "hidden"}
    assert of_comment(found, comment["id"]) == [
        ("comment.published", gone),
        ("comment.hidden", gone),
    ]


async def test_a_rejected_comment_replays_without_its_text(
    api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread, live_url: str
) -> None:
    author, moderator = await make_user(), await make_user("moderator")
    comment = await post(api, author, thread, "Erst harmlos")
    # A phone number in the edit sends the comment back to review; the moderator rejects it.
    edit = await api.request(
        author,
        "PATCH",
        f"/api/v1/comments/{comment['id']}",
        json={"body": f"{SECRET} 0331 1234567"},
    )
    assert edit.json()["status"] == "pending"
    assert (await decide(api, moderator, comment["id"], "reject", "law")).status_code == 200
    found = await replay(live_url, db, f"thread:{thread.id}", api)
    assert SECRET not in text(found) and "Erst harmlos" not in text(found)
    assert [t for t, _ in of_comment(found, comment["id"])] == [
        "comment.published",
        "comment.pending",
    ]


async def test_a_withdrawn_comment_replays_without_its_text(
    api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread, live_url: str
) -> None:
    author = await make_user()
    comment = await post(api, author, thread, SECRET)
    url = f"/api/v1/comments/{comment['id']}/withdraw"
    assert (await api.request(author, "POST", url)).status_code == 200
    found = await replay(live_url, db, f"thread:{thread.id}", api)
    assert SECRET not in text(found)
    assert of_comment(found, comment["id"])[0][1]["status"] == "withdrawn"


async def test_an_edited_comment_replays_only_its_current_text(
    api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread, live_url: str
) -> None:
    author = await make_user()
    comment = await post(api, author, thread, SECRET)
    url = f"/api/v1/comments/{comment['id']}"
    assert (
        await api.request(author, "PATCH", url, json={"body": "Neu gefasst"})
    ).status_code == 200
    found = await replay(live_url, db, f"thread:{thread.id}", api)
    assert SECRET not in text(found)
    edited = of_comment(found, comment["id"])[-1]
    assert edited[0] == "comment.edited" and "Neu gefasst" in edited[1]["html"]


async def test_an_account_deleted_with_its_comments_replays_neither_their_text_nor_name(
    api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread, live_url: str
) -> None:
    author = await make_user(display_name=NAME)
    comment = await post(api, author, thread, SECRET)
    deletion = {"password": factories.PASSWORD, "comments": "remove"}
    assert (await api.request(author, "DELETE", "/api/v1/me", json=deletion)).status_code == 204
    found = await replay(live_url, db, f"thread:{thread.id}", api)
    assert SECRET not in text(found) and NAME not in text(found)
    assert of_comment(found, comment["id"])[0][1]["status"] == "withdrawn"


async def test_an_account_deleted_keeping_its_comments_replays_without_their_name(
    api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread, live_url: str
) -> None:
    author = await make_user(display_name=NAME)
    comment = await post(api, author, thread, "Bleibt stehen")
    deletion = {"password": factories.PASSWORD, "comments": "keep"}
    assert (await api.request(author, "DELETE", "/api/v1/me", json=deletion)).status_code == 204
    found = await replay(live_url, db, f"thread:{thread.id}", api)
    assert NAME not in text(found)
    assert of_comment(found, comment["id"])[0][1]["status"] == "published"
    assert found[-1]["type"] == "comments.changed"


async def test_a_renamed_author_replays_without_the_old_name(
    api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread, live_url: str
) -> None:
    author = await make_user(display_name=NAME)
    comment = await post(api, author, thread, "Mein Beitrag")
    renamed = await api.request(author, "PATCH", "/api/v1/me", json={"display_name": "Anonyma"})
    assert renamed.status_code == 200
    found = await replay(live_url, db, f"thread:{thread.id}", api)
    assert NAME not in text(found)
    assert of_comment(found, comment["id"])[0][1]["status"] == "published"


async def test_moderators_replay_no_text_or_name_of_an_account_deleted_with_its_comments(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure, live_url: str
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author, moderator = await make_user(display_name=NAME), await make_user("moderator")
    comment = await post(api, author, held, SECRET)
    before = await replay(live_url, db, "moderation", api, moderator)
    assert SECRET in text(before) and NAME in text(before)  # what moderators had to review
    deletion = {"password": factories.PASSWORD, "comments": "remove"}
    assert (await api.request(author, "DELETE", "/api/v1/me", json=deletion)).status_code == 204
    found = await replay(live_url, db, "moderation", api, moderator)
    assert SECRET not in text(found) and NAME not in text(found)
    assert of_comment(found, comment["id"]) == [
        ("comment.queued", {"id": comment["id"], "thread_id": held.id, "status": "withdrawn"})
    ]


async def test_moderators_replay_no_text_of_a_pending_comment_its_author_withdrew(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure, live_url: str
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author, moderator = await make_user(), await make_user("moderator")
    comment = await post(api, author, held, SECRET)
    url = f"/api/v1/comments/{comment['id']}/withdraw"
    assert (await api.request(author, "POST", url)).status_code == 200
    found = await replay(live_url, db, "moderation", api, moderator)
    assert SECRET not in text(found)
    assert of_comment(found, comment["id"])[0][0] == "comment.queued"


async def test_a_flag_note_leaves_the_moderation_replay_when_the_flagger_deletes_the_account(
    api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread, live_url: str
) -> None:
    author, flagger = await make_user(), await make_user()
    moderator = await make_user("moderator")
    comment = await post(api, author, thread, "Ein Beitrag")
    flag = {"reason": "other", "note": SECRET}
    url = f"/api/v1/comments/{comment['id']}/flags"
    assert (await api.request(flagger, "POST", url, json=flag)).status_code == 201
    deletion = {"password": factories.PASSWORD}
    assert (await api.request(flagger, "DELETE", "/api/v1/me", json=deletion)).status_code == 204
    found = await replay(live_url, db, "moderation", api, moderator)
    assert SECRET not in text(found)
    flags = [f["data"] for f in found if f["type"] == "flag.created"]
    assert flags == [
        {
            "id": flags[0]["id"],
            "comment_id": comment["id"],
            "thread_id": thread.id,
            "reason": "other",
        }
    ]


async def test_a_changed_answer_replays_only_its_current_text(
    api: factories.ApiAs,
    make_user: MakeUser,
    db: Database,
    thread: Thread,
    department: Department,
    live_url: str,
) -> None:
    author, staff = await make_user(), await make_user("staff", department)
    comment = await post(api, author, thread, "Eine Frage")
    url = f"/api/v1/comments/{comment['id']}/answer"
    assert (await api.request(staff, "POST", url, json={"body": SECRET})).status_code == 201
    assert (await api.request(staff, "POST", url, json={"body": "Endgültig"})).status_code == 200
    found = await replay(live_url, db, f"thread:{thread.id}", api)
    answers = [f["data"] for f in found if f["type"] == "answer.published"]
    assert SECRET not in text(found)
    assert set(answers[0]) == {"id", "thread_id", "comment_id"}
    assert "Endgültig" in answers[1]["html"]


async def test_an_answer_replays_its_department_and_no_staff_name(
    api: factories.ApiAs,
    make_user: MakeUser,
    db: Database,
    thread: Thread,
    department: Department,
    live_url: str,
) -> None:
    author = await make_user()
    staff = await make_user("staff", department, display_name=NAME)
    comment = await post(api, author, thread, "Eine Frage")
    url = f"/api/v1/comments/{comment['id']}/answer"
    assert (await api.request(staff, "POST", url, json={"body": "Danke"})).status_code == 201
    found = await replay(live_url, db, f"thread:{thread.id}", api)
    answers = [f["data"] for f in found if f["type"] == "answer.published"]
    assert answers[0]["department"] == department.name
    assert NAME not in text(found)


async def test_a_drafts_thread_topic_is_refused_to_the_public_and_replayed_to_its_department(
    api: factories.ApiAs, make_user: MakeUser, db: Database, department: Department, live_url: str
) -> None:
    """A draft procedure's thread is not public: its topic is refused like one nobody may hear
    (before, `since: 0` replayed the department's trial comments to anyone)."""
    procedure = await factories.procedure(db, department, status="draft")
    draft = await factories.thread(db, procedure)
    staff = await make_user("staff", department)
    await post(api, staff, draft, SECRET)
    topic = f"thread:{draft.id}"
    for who in (None, await make_user(), await make_user("moderator")):
        client = await subscribe(
            live_url, [topic], since=0, additional_headers=await api.headers(who)
        )
        error = (await frames(client, 1))[0]
        assert error == {
            "type": "error",
            "message": "Not allowed to listen to this topic.",
            "topics": [topic],
        }
        await client.close()
    assert SECRET in text(await replay(live_url, db, topic, api, staff))
    assert SECRET in text(await replay(live_url, db, topic, api, await make_user("office")))
