"""Posting as an organisation: the public reads the organisation, moderators the person behind it.

A confirmed member chooses `as_organisation` in the comment form or the JSON API. Pages, the
API, the live replay, the kept first pages, search, feeds and exports name the organisation
only; moderators (pages, queue) and the person read who wrote it. A person who is no longer a
member cannot post as it (422 naming the field). Erasing the account keeps the comment the
organisation's and drops its link to the person.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import httpx
from sqlalchemy import delete, select
from starlette.applications import Starlette

from dialog.accounts.models import User
from dialog.db import Database, utcnow
from dialog.discussion.models import Comment
from dialog.live.models import Event
from dialog.organisations.models import Membership, Organisation
from dialog.procedures.models import Department, Procedure, Thread
from tests import factories
from tests.discussion.helpers import (
    MakeUser,
    events_after,
    last_event_id,
    post,
    until_the_latest_event_is_handled,
)

SignIn = Callable[[User], Awaitable[str]]
PERSON = "Max Mitglied"
ORG = "Initiative Radweg Zeppelinstraße"
SLUG = "initiative-radweg"


async def organisation(db: Database, member: User | None, confirmed: bool = True) -> int:
    async with db.unit_of_work() as uow:
        found = await uow.session.scalar(select(Organisation).where(Organisation.slug == SLUG))
        if found is None:
            found = Organisation(slug=SLUG, name=ORG, kind="initiative")
            uow.session.add(found)
            await uow.session.flush()
        if member is not None:
            uow.session.add(
                Membership(
                    organisation_id=found.id,
                    user_id=member.id,
                    confirmed_at=utcnow() if confirmed else None,
                )
            )
        return found.id


async def member_of(db: Database, make_user: MakeUser, role: str = "resident") -> User:
    person = await make_user(role, display_name=PERSON)
    await organisation(db, person)
    return person


async def test_the_public_reads_the_organisation_and_the_person_reads_themselves(
    api: factories.ApiAs,
    client: httpx.AsyncClient,
    db: Database,
    make_user: MakeUser,
    thread: Thread,
) -> None:
    member = await member_of(db, make_user)
    posted = await post(api, member, thread.id, "Wir fordern einen Radweg", as_organisation=SLUG)
    assert posted["author"]["organisation"] == {
        "slug": SLUG,
        "name": ORG,
        "url": f"/organisations/{SLUG}",
    }
    assert posted["author"]["id"] == member.id  # the person's own view
    listing = (await client.get(f"/api/v1/threads/{thread.id}/comments")).json()
    author = listing["items"][0]["author"]
    assert author == {"id": None, "name": ORG, "organisation": posted["author"]["organisation"]}
    resident = await make_user()
    seen = await api.request(resident, "GET", f"/api/v1/comments/{posted['id']}")
    assert seen.json()["author"]["id"] is None and PERSON not in seen.text
    page = await client.get(f"/threads/{thread.id}")
    assert f'<a href="/organisations/{SLUG}">{ORG}</a>' in page.text and PERSON not in page.text


async def test_moderators_read_the_person_behind_the_organisation(
    api: factories.ApiAs,
    client: httpx.AsyncClient,
    browser_session: SignIn,
    db: Database,
    make_user: MakeUser,
    thread: Thread,
) -> None:
    member = await member_of(db, make_user)
    posted = await post(api, member, thread.id, "Wir fordern einen Radweg", as_organisation=SLUG)
    moderator = await make_user("moderator")
    seen = (await api.request(moderator, "GET", f"/api/v1/comments/{posted['id']}")).json()
    assert seen["author"]["id"] == member.id and seen["author"]["name"] == PERSON
    assert seen["author"]["organisation"]["slug"] == SLUG
    await browser_session(moderator)
    page = await client.get(f"/threads/{thread.id}")
    assert ORG in page.text and f"verfasst von {PERSON}" in page.text


async def test_staff_and_the_office_read_only_the_organisation(
    api: factories.ApiAs,
    db: Database,
    make_user: MakeUser,
    thread: Thread,
    department: Department,
) -> None:
    member = await member_of(db, make_user)
    posted = await post(api, member, thread.id, "Wir fordern einen Radweg", as_organisation=SLUG)
    for role, home in (("staff", department), ("office", None)):
        reader = await make_user(role, home)
        seen = await api.request(reader, "GET", f"/api/v1/comments/{posted['id']}")
        assert seen.json()["author"]["id"] is None and PERSON not in seen.text, role


async def test_a_pending_former_or_non_member_is_refused_naming_the_field(
    api: factories.ApiAs, db: Database, make_user: MakeUser, thread: Thread
) -> None:
    url = f"/api/v1/threads/{thread.id}/comments"
    waiting = await make_user()
    await organisation(db, waiting, confirmed=False)
    stranger = await make_user()
    for who, slug in ((waiting, SLUG), (stranger, SLUG), (stranger, "gibt-es-nicht")):
        refused = await api.request(
            who, "POST", url, json={"body": "Hallo", "as_organisation": slug}
        )
        assert refused.status_code == 422 and "as_organisation" in refused.json()["error"]["fields"]
    member = await member_of(db, make_user)
    await post(api, member, thread.id, "Noch Mitglied", as_organisation=SLUG)
    async with db.unit_of_work() as uow:
        await uow.session.execute(delete(Membership).where(Membership.user_id == member.id))
    gone = await api.request(
        member, "POST", url, json={"body": "Nicht mehr", "as_organisation": SLUG}
    )
    assert gone.status_code == 422 and "as_organisation" in gone.json()["error"]["fields"]
    async with db.reading() as session:
        bodies = (await session.scalars(select(Comment.body))).all()
    assert bodies == ["Noch Mitglied"]


async def test_anonymous_and_blocked_people_cannot_post_as_an_organisation(
    api: factories.ApiAs,
    client: httpx.AsyncClient,
    db: Database,
    make_user: MakeUser,
    thread: Thread,
) -> None:
    url = f"/api/v1/threads/{thread.id}/comments"
    body = {"body": "Hallo", "as_organisation": SLUG}
    assert (await client.post(url, json=body)).status_code == 401
    member = await member_of(db, make_user)
    async with db.unit_of_work() as uow:
        found = await uow.session.get(User, member.id)
        assert found is not None
        found.blocked_until = utcnow().replace(year=9999)
    assert (await api.request(member, "POST", url, json=body)).status_code == 403


async def test_the_live_replay_names_the_organisation_and_moderation_hears_the_person(
    api: factories.ApiAs,
    db: Database,
    make_user: MakeUser,
    procedure: Procedure,
) -> None:
    member = await member_of(db, make_user)
    open_thread = await factories.thread(db, procedure)
    held = await factories.thread(db, procedure, moderation="pre")
    before = await last_event_id(db)
    await post(api, member, open_thread.id, "Öffentlich", as_organisation=SLUG)
    await post(api, member, held.id, "Wartet", as_organisation=SLUG)
    events = await events_after(db, before)
    public = [e for e in events if e.topic == f"thread:{open_thread.id}"]
    assert [e.type for e in public] == ["comment.published"]
    assert public[0].data["author"] == {
        "id": None,
        "name": ORG,
        "organisation": {"slug": SLUG, "name": ORG, "url": f"/organisations/{SLUG}"},
    }
    assert all(PERSON not in json.dumps(e.data) for e in events if e.topic != "moderation")
    queued = [e for e in events if e.type == "comment.queued"]
    assert queued[0].data["author"]["name"] == PERSON
    assert queued[0].data["author"]["organisation"]["name"] == ORG


async def test_the_moderation_queue_names_the_person_and_the_organisation(
    api: factories.ApiAs, db: Database, make_user: MakeUser, procedure: Procedure
) -> None:
    member = await member_of(db, make_user)
    held = await factories.thread(db, procedure, moderation="pre")
    await post(api, member, held.id, "Wartet", as_organisation=SLUG)
    moderator = await make_user("moderator")
    queue = (await api.request(moderator, "GET", "/api/v1/moderation/queue")).json()
    assert queue["items"][0]["author"] == PERSON and queue["items"][0]["organisation"] == ORG


async def test_kept_pages_search_feeds_and_exports_name_only_the_organisation(
    app: Starlette,
    api: factories.ApiAs,
    client: httpx.AsyncClient,
    db: Database,
    make_user: MakeUser,
    thread: Thread,
    procedure: Procedure,
    department: Department,
) -> None:
    member = await member_of(db, make_user)
    await post(api, member, thread.id, "Radwegbreite bitte prüfen", as_organisation=SLUG)
    await until_the_latest_event_is_handled(app, db)
    for _ in range(2):  # built, then from the cache
        listing = await client.get(f"/api/v1/threads/{thread.id}/comments")
        page = await client.get(f"/threads/{thread.id}")
        assert ORG in listing.text and PERSON not in listing.text
        assert ORG in page.text and PERSON not in page.text
    assert len(app.state.services.page_cache) == 2
    found = await client.get("/api/v1/search", params={"q": "Radwegbreite"})
    assert ORG in found.text and PERSON not in found.text
    feed = await client.get(f"/threads/{thread.id}.atom")
    assert ORG in feed.text and PERSON not in feed.text
    staff = await make_user("staff", department)
    for kind in ("csv", "json"):
        export = await api.request(
            staff, "GET", f"/api/v1/procedures/{procedure.id}/export?format={kind}"
        )
        assert export.status_code == 200 and ORG in export.text and PERSON not in export.text


async def test_the_person_edits_and_withdraws_it_as_their_own(
    api: factories.ApiAs, db: Database, make_user: MakeUser, thread: Thread
) -> None:
    member = await member_of(db, make_user)
    posted = await post(api, member, thread.id, "Erste Fassung", as_organisation=SLUG)
    before = await last_event_id(db)
    edited = await api.request(
        member, "PATCH", f"/api/v1/comments/{posted['id']}", json={"body": "Zweite Fassung"}
    )
    assert edited.status_code == 200 and edited.json()["author"]["organisation"]["slug"] == SLUG
    changed = [e for e in await events_after(db, before) if e.type == "comment.edited"]
    assert changed[0].data["author"]["name"] == ORG and PERSON not in json.dumps(changed[0].data)
    other = await make_user()
    refused = await api.request(
        other, "PATCH", f"/api/v1/comments/{posted['id']}", json={"body": "Fremd"}
    )
    assert refused.status_code == 403
    withdrawn = await api.request(member, "POST", f"/api/v1/comments/{posted['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


async def test_erasure_keeps_the_organisation_s_comment_and_drops_the_person(
    api: factories.ApiAs,
    client: httpx.AsyncClient,
    db: Database,
    make_user: MakeUser,
    thread: Thread,
) -> None:
    member = await member_of(db, make_user)
    own = await post(api, member, thread.id, "Meine Meinung")
    theirs = await post(api, member, thread.id, "Unsere Meinung", as_organisation=SLUG)
    deletion = {"password": factories.PASSWORD, "comments": "remove"}
    assert (await api.request(member, "DELETE", "/api/v1/me", json=deletion)).status_code == 204
    async with db.reading() as session:
        kept = await session.get(Comment, theirs["id"])
        removed = await session.get(Comment, own["id"])
        count = (await session.get(Thread, thread.id)).comment_count  # type: ignore[union-attr]
        stored = (await session.scalars(select(Event))).all()
    assert kept is not None and kept.status == "published" and kept.author_id is None
    assert kept.organisation_id is not None and kept.body == "Unsere Meinung"
    assert removed is not None and removed.status == "withdrawn"
    assert count == 1
    assert all(PERSON not in json.dumps(e.data) for e in stored)
    listing = (await client.get(f"/api/v1/threads/{thread.id}/comments")).json()
    shown = {item["id"]: item for item in listing["items"]}
    assert shown[theirs["id"]]["author"]["name"] == ORG
    moderator = await make_user("moderator")
    seen = (await api.request(moderator, "GET", f"/api/v1/comments/{theirs['id']}")).json()
    assert seen["author"]["id"] is None and seen["author"]["organisation"]["name"] == ORG


async def test_the_form_offers_the_organisation_only_to_its_members(
    client: httpx.AsyncClient,
    browser_session: SignIn,
    db: Database,
    make_user: MakeUser,
    thread: Thread,
) -> None:
    stranger = await make_user()
    await organisation(db, None)
    await browser_session(stranger)
    assert 'name="as_organisation"' not in (await client.get(f"/threads/{thread.id}")).text
    member = await member_of(db, make_user)
    token = await browser_session(member)
    page = await client.get(f"/threads/{thread.id}")
    assert f'<option value="{SLUG}">{ORG}</option>' in page.text
    sent = await client.post(
        f"/threads/{thread.id}/comments",
        data={"csrf_token": token, "body": "Per Formular", "as_organisation": SLUG},
    )
    assert sent.status_code == 303
    async with db.reading() as session:
        stored = await session.scalar(select(Comment).where(Comment.body == "Per Formular"))
    assert stored is not None and stored.organisation_id is not None


async def test_the_form_brings_a_refused_organisation_back_with_the_text(
    client: httpx.AsyncClient,
    browser_session: SignIn,
    db: Database,
    make_user: MakeUser,
    thread: Thread,
) -> None:
    await organisation(db, None)
    token = await browser_session(await make_user())
    refused = await client.post(
        f"/threads/{thread.id}/comments",
        data={"csrf_token": token, "body": "Mein Text", "as_organisation": SLUG},
    )
    assert refused.status_code == 422 and "Mein Text" in refused.text
    assert "Mitgliedschaft das Beteiligungsbüro" in refused.text


async def test_an_approved_comment_reaches_the_thread_as_the_organisation_s(
    api: factories.ApiAs, db: Database, make_user: MakeUser, procedure: Procedure
) -> None:
    member = await member_of(db, make_user)
    held = await factories.thread(db, procedure, moderation="pre")
    posted = await post(api, member, held.id, "Wartet auf Freigabe", as_organisation=SLUG)
    before = await last_event_id(db)
    moderator = await make_user("moderator")
    decided = await api.request(
        moderator,
        "POST",
        f"/api/v1/moderation/comments/{posted['id']}/decision",
        json={"action": "approve", "reason": ""},
    )
    assert decided.status_code == 200, decided.text
    published = [e for e in await events_after(db, before) if e.type == "comment.published"]
    assert published[0].topic == f"thread:{held.id}"
    assert published[0].data["author"]["name"] == ORG
    assert PERSON not in json.dumps(published[0].data)


async def test_a_vote_answers_with_the_organisation_as_the_author(
    api: factories.ApiAs, db: Database, make_user: MakeUser, thread: Thread
) -> None:
    member = await member_of(db, make_user)
    posted = await post(api, member, thread.id, "Stimmt ab", as_organisation=SLUG)
    voter = await make_user()
    voted = await api.request(
        voter, "PUT", f"/api/v1/comments/{posted['id']}/vote", json={"value": 1}
    )
    assert voted.status_code == 200 and voted.json()["author"]["name"] == ORG
    assert PERSON not in voted.text


async def test_a_member_replies_as_the_organisation_from_the_reply_form(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    browser_session: SignIn,
    db: Database,
    make_user: MakeUser,
    thread: Thread,
) -> None:
    """Each reply form offers the organisations the reader may post as (kept and uncached
    pages, and the live fragments alike); a stranger's forms offer none."""
    writer = await make_user()
    first = (
        await api.request(
            writer, "POST", f"/api/v1/threads/{thread.id}/comments", json={"body": "Wer hilft?"}
        )
    ).json()["id"]
    await organisation(db, None)
    await browser_session(await make_user())
    for path in (f"/threads/{thread.id}", f"/threads/{thread.id}/fragments?ids={first}"):
        assert f'id="reply-as-{first}"' not in (await client.get(path)).text
    member = await member_of(db, make_user)
    token = await browser_session(member)
    for path in (f"/threads/{thread.id}", f"/threads/{thread.id}/fragments?ids={first}"):
        page = (await client.get(path)).text
        assert f'<select id="reply-as-{first}" name="as_organisation">' in page
        assert f'<option value="{SLUG}">{ORG}</option>' in page
    sent = await client.post(
        f"/threads/{thread.id}/comments",
        data={
            "csrf_token": token,
            "body": "Wir helfen gern.",
            "parent_id": str(first),
            "as_organisation": SLUG,
        },
    )
    assert sent.status_code == 303
    async with db.reading() as session:
        stored = await session.scalar(select(Comment).where(Comment.body == "Wir helfen gern."))
    assert stored is not None and stored.organisation_id is not None
    assert stored.parent_id == first
