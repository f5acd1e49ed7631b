"""Atom feeds: they parse, list only public content, and answer conditional requests."""

from __future__ import annotations

from datetime import date

import feedparser
import httpx
from sqlalchemy import update

from dialog.db import Database, utcnow
from dialog.procedures.models import Department, District, Procedure, ProcedurePhase, Thread
from tests import factories
from tests.discussion.helpers import post
from tests.feeds.helpers import MakeUser, comments_in_every_state


def parsed(response: httpx.Response) -> feedparser.FeedParserDict:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed


async def test_the_thread_feed_lists_published_top_level_comments_and_nothing_else(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    db: Database,
    make_user: MakeUser,
    procedure: Procedure,
    thread: Thread,
) -> None:
    mixed = await comments_in_every_state(api, db, make_user, procedure, thread)
    feed = parsed(await client.get(f"/threads/{thread.id}.atom"))
    ids = [entry.id for entry in feed.entries]
    assert ids == [
        f"tag:testserver,2026:comment:{mixed.erased}",
        f"tag:testserver,2026:comment:{mixed.published}",
    ]
    text = (await client.get(f"/threads/{thread.id}.atom")).text
    for gone in ("Versteckter", "Zurückgezogener", "Wartender", "Antwort auf", "Geheimer Name"):
        assert gone not in text
    assert feed.entries[1].author == "Anna Radlerin"
    assert "Radweg an der Havel" in feed.entries[1].content[0].value
    assert feed.entries[1].link == f"http://testserver/comments/{mixed.published}"
    assert feed.feed.updated_parsed is not None
    pre = parsed(await client.get(f"/threads/{mixed.pre_thread.id}.atom"))
    assert pre.entries == []


async def test_the_thread_feed_carries_official_answers(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    department: Department,
    thread: Thread,
) -> None:
    author = await make_user()
    staff = await make_user("staff", department=department)
    comment = await api.request(
        author, "POST", f"/api/v1/threads/{thread.id}/comments", json={"body": "Mehr Bänke"}
    )
    answered = await api.request(
        staff,
        "POST",
        f"/api/v1/comments/{comment.json()['id']}/answer",
        json={"body": "Wir stellen zehn Bänke auf.", "state": "adopted"},
    )
    assert answered.status_code in (200, 201), answered.text
    feed = parsed(await client.get(f"/threads/{thread.id}.atom"))
    answer = next(e for e in feed.entries if ":answer:" in e.id)
    assert "zehn Bänke" in answer.content[0].value
    assert answer.author == department.name


async def test_the_procedure_feed_tells_publication_begun_phases_threads_and_answers(
    client: httpx.AsyncClient, db: Database, department: Department
) -> None:
    procedure = await factories.procedure(db, department, title="Uferweg")
    async with db.unit_of_work() as uow:
        uow.session.add_all(
            [
                ProcedurePhase(
                    procedure_id=procedure.id,
                    phase="planned",
                    position=0,
                    starts_on=date(2026, 3, 1),
                    ends_on=date(2026, 3, 31),
                ),
                ProcedurePhase(
                    procedure_id=procedure.id,
                    phase="completed",
                    position=3,
                    starts_on=date(2099, 1, 1),
                ),
            ]
        )
    thread = await factories.thread(db, procedure, title="Wie soll der Weg aussehen?")
    feed = parsed(await client.get(f"/procedures/{procedure.id}.atom"))
    ids = {entry.id for entry in feed.entries}
    assert f"tag:testserver,2026:procedure:{procedure.id}:published" in ids
    assert f"tag:testserver,2026:procedure:{procedure.id}:phase:planned" in ids
    assert f"tag:testserver,2026:procedure:{procedure.id}:phase:completed" not in ids  # not yet
    assert f"tag:testserver,2026:thread:{thread.id}" in ids
    assert feed.feed.title == "Uferweg"


async def test_the_list_feed_honours_the_vorhabenliste_filters(
    client: httpx.AsyncClient, db: Database, department: Department
) -> None:
    north = await factories.district(db, "nord", "Potsdam Nord")
    inside = await factories.procedure(db, department, title="Im Norden", districts=[north])
    outside = await factories.procedure(db, department, title="Im Süden", phase="planned")
    everything = parsed(await client.get("/procedures.atom"))
    assert {e.title for e in everything.entries} >= {"Im Norden", "Im Süden"}
    north_only = parsed(await client.get("/procedures.atom?district=nord&phase=active"))
    assert [e.title for e in north_only.entries] == ["Im Norden"]
    assert north_only.entries[0].id == f"tag:testserver,2026:procedure:{inside.id}"
    planned = parsed(await client.get("/procedures.atom?phase=planned"))
    assert [e.id for e in planned.entries] == [f"tag:testserver,2026:procedure:{outside.id}"]
    assert isinstance(north, District)


async def test_a_feed_answers_a_current_copy_with_304_and_a_changed_one_with_the_new_body(
    client: httpx.AsyncClient, db: Database, procedure: Procedure
) -> None:
    first = await client.get(f"/procedures/{procedure.id}.atom")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert (
        await client.get(f"/procedures/{procedure.id}.atom", headers={"If-None-Match": etag})
    ).status_code == 304
    assert (
        await client.get(
            f"/procedures/{procedure.id}.atom", headers={"If-Modified-Since": modified}
        )
    ).status_code == 304
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            update(Procedure)
            .where(Procedure.id == procedure.id)
            .values(title="Neuer Titel", updated_at=utcnow())
        )
    again = await client.get(f"/procedures/{procedure.id}.atom", headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again.headers["etag"] != etag
    assert "Neuer Titel" in again.text


async def test_pages_point_to_their_feeds(
    client: httpx.AsyncClient, procedure: Procedure, thread: Thread
) -> None:
    listing = (await client.get("/procedures?phase=active")).text
    assert (
        'rel="alternate" type="application/atom+xml" href="/procedures.atom?phase=active"'
        in listing
    )
    detail = (await client.get(f"/procedures/{procedure.id}")).text
    assert f'href="/procedures/{procedure.id}.atom"' in detail
    assert f'href="/procedures/{procedure.id}.ics"' in detail
    page = (await client.get(f"/threads/{thread.id}")).text
    assert f'rel="alternate" type="application/atom+xml" href="/threads/{thread.id}.atom"' in page


async def test_feeds_of_missing_things_are_404_and_bad_filters_422(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/procedures/999999.atom")).status_code == 404
    assert (await client.get("/threads/999999.atom")).status_code == 404
    assert (await client.get("/procedures/999999.ics")).status_code == 404
    bad = await client.get("/procedures.atom?phase=someday")
    assert bad.status_code == 422
    assert (await client.get("/procedures.atom?q=%00")).status_code < 500


async def test_a_draft_procedure_has_no_feed_calendar_or_search_results(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    db: Database,
    make_user: MakeUser,
    department: Department,
) -> None:
    draft = await factories.procedure(db, department, title="Entwurf", status="draft")
    thread = await factories.thread(db, draft)
    await post(api, await make_user("staff", department), thread.id, "Geheimer Radweg im Entwurf")
    for path in (f"/procedures/{draft.id}.atom", f"/procedures/{draft.id}.ics"):
        assert (await client.get(path)).status_code == 404
    assert (await client.get(f"/threads/{thread.id}.atom")).status_code == 404
    assert "Entwurf" not in (await client.get("/procedures.atom")).text
    found = await client.get("/api/v1/search", params={"q": "Radweg"})
    assert found.json()["items"] == []
