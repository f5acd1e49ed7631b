"""Rules that hold a post even in a post-moderated thread, and how admins change them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dialog.db import Database, utcnow
from dialog.direct import Codec
from dialog.procedures.models import Thread
from moderation.actions import RECENT_TEXTS
from tests import factories, plans
from tests.moderation.helpers import MakeUser, decide, post


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ("Schreiben Sie mir: anna.beispiel@example.org", "personal-data"),
        ("Rufen Sie an: 0331 289 1234", "personal-data"),
        ("Der Planer ist ein Vollidiot.", "watched-words"),
        ("Siehe https://a.example, https://b.example und www.c.example", "links"),
    ],
)
async def test_a_post_that_matches_a_rule_is_held_and_the_queue_names_the_rule(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, body: str, rule: str
) -> None:
    author, moderator = await make_user(), await make_user("moderator")
    comment = await post(api, author, thread, body)
    assert comment["status"] == "pending"
    queue = (await api.request(moderator, "GET", "/api/v1/moderation/queue")).json()["items"]
    assert [(i["id"], i["reasons"]) for i in queue] == [(comment["id"], [rule])]
    filtered = await api.request(moderator, "GET", "/api/v1/moderation/queue?reason=pre-moderation")
    assert filtered.json()["count"] == 0


async def test_an_ordinary_post_is_published_at_once(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    comment = await post(
        api, await make_user(), thread, "Am 2026-05-31 um 18 Uhr, zwei Links: https://a.example"
    )
    assert comment["status"] == "published"


async def test_the_same_text_posted_again_by_the_same_author_is_held(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author = await make_user()
    assert (await post(api, author, thread, "Mehr Bänke am Ufer!"))["status"] == "published"
    assert (await post(api, author, thread, "mehr  bänke am ufer!"))["status"] == "pending"
    assert (await post(api, await make_user(), thread, "Mehr Bänke am Ufer!"))[
        "status"
    ] == "published"


async def test_an_admin_switches_on_the_first_posts_rule(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    admin = await make_user("admin")
    change = {"enabled": True, "params": {"count": 1}}
    response = await api.request(admin, "PUT", "/api/v1/moderation/rules/first-posts", json=change)
    assert response.json() == {"name": "first-posts", "enabled": True, "params": {"count": 1}}
    newcomer = await make_user()
    assert (await post(api, newcomer, thread, "Hallo zusammen"))["status"] == "pending"


async def test_first_posts_are_held_until_as_many_as_the_rule_asks_are_published(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    admin, moderator = await make_user("admin"), await make_user("moderator")
    change = {"enabled": True, "params": {"count": 2}}
    assert (
        await api.request(admin, "PUT", "/api/v1/moderation/rules/first-posts", json=change)
    ).status_code == 200
    author = await make_user()
    for n in range(2):
        held = await post(api, author, thread, f"Beitrag Nummer {n}")
        assert held["status"] == "pending"
        assert (await decide(api, moderator, held["id"], "approve")).status_code == 200
    assert (await post(api, author, thread, "Jetzt ohne Warten"))["status"] == "published"


async def test_the_recent_texts_of_an_author_are_read_from_the_author_index(db: Database) -> None:
    """Read on every post while the repeated-text rule is on: only the author's entries of the
    time window, never everything an author ever wrote."""
    statement = RECENT_TEXTS(author_id=1, since=utcnow() - timedelta(hours=24))
    async with db.engine.connect() as conn:
        compiled, _names = RECENT_TEXTS.compiled(conn.dialect)
        parameters = tuple(Codec(conn.dialect).positional(statement))
        found = await plans.plan(conn, compiled, parameters)
        await conn.rollback()
    assert "ix_comments_author_created" in "\n".join(found), found


async def test_an_admin_edits_the_watched_words(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    admin = await make_user("admin")
    change = {"enabled": True, "params": {"words": ["Parkplatzmafia", " "]}}
    response = await api.request(
        admin, "PUT", "/api/v1/moderation/rules/watched-words", json=change
    )
    assert response.json()["params"] == {"words": ["parkplatzmafia"]}
    author = await make_user()
    assert (await post(api, author, thread, "Die Parkplatzmafia!"))["status"] == "pending"
    assert (await post(api, author, thread, "Du Idiot"))["status"] == "published"


async def test_only_admins_change_rules_and_bad_values_name_the_field(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    moderator, admin = await make_user("moderator"), await make_user("admin")
    url = "/api/v1/moderation/rules/links"
    body = {"enabled": True, "params": {"max": -1}}
    assert (await api.request(moderator, "PUT", url, json=body)).status_code == 403
    bad = await api.request(admin, "PUT", url, json=body)
    assert bad.status_code == 422 and "max" in bad.json()["error"]["fields"]
    assert (
        await api.request(admin, "PUT", "/api/v1/moderation/rules/nope", json=body)
    ).status_code == 404
    listed = (await api.request(moderator, "GET", "/api/v1/moderation/rules")).json()
    assert [r["name"] for r in listed] == [
        "personal-data",
        "watched-words",
        "links",
        "repeated-text",
        "first-posts",
    ]


async def test_a_held_reply_comes_with_its_parent_thread_and_the_authors_record(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author, moderator = await make_user(), await make_user("moderator")
    parent = await post(api, await make_user(display_name="Nachbarin"), thread, "Mehr Bäume!")
    earlier = await post(api, author, thread, "Ruf an: 0331 1234567")
    decided = await api.request(
        moderator,
        "POST",
        f"/api/v1/moderation/comments/{earlier['id']}/decision",
        json={"action": "reject", "reason": "privacy"},
    )
    assert decided.status_code == 200
    reply = await api.request(
        author,
        "POST",
        f"/api/v1/threads/{thread.id}/comments",
        json={"body": "Schreib mir: a@example.org", "parent_id": parent["id"]},
    )
    assert reply.json()["status"] == "pending"
    item = (await api.request(moderator, "GET", "/api/v1/moderation/queue")).json()["items"][0]
    assert item["parent"] == {
        "id": parent["id"],
        "html": "<p>Mehr Bäume!</p>",
        "status": "published",
        "author": "Nachbarin",
    }
    assert (item["thread_title"], item["procedure_id"]) == (thread.title, thread.procedure_id)
    assert item["author_history"] == {"reject": 1}
