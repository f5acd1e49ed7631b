"""Signed-in readers get the kept first page of their view plus their own overlay.

For every role the page served from the cache plus the overlay must be exactly the page the
uncached path builds for that reader (the JSON byte for byte, the HTML's main part), and what
one reader owns (a held comment, votes, reports, edit forms) must never reach another reader.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from starlette.applications import Starlette

from dialog.accounts.models import User
from dialog.db import Database, utcnow
from dialog.discussion.models import Comment
from dialog.discussion.page_cache import CSRF_PLACEHOLDER, FirstPageCache
from dialog.organisations.models import Membership, Organisation
from dialog.procedures.models import Department, Procedure, Thread
from tests import factories
from tests.discussion.helpers import (
    MakeUser,
    counting_queries,
    post,
    until_the_latest_event_is_handled,
)

ROLES = (
    "anonymous",
    "author",
    "resident",
    "moderator",
    "own-staff",
    "other-staff",
    "office",
    "admin",
    "blocked",
)


def cache_of(app: Starlette) -> FirstPageCache:
    cache: FirstPageCache = app.state.services.page_cache
    return cache


@dataclass
class Scene:
    author: User
    other: User
    mine: int  # the author's published comment, still editable
    theirs: int  # another resident's comment
    reply: int  # another resident's reply to `mine`
    hidden: int
    withdrawn: int
    pending: int  # another resident's comment waiting for review
    thread_id: int


async def scene(
    app: Starlette, api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> Scene:
    author, other = await make_user(), await make_user()
    moderator = await make_user("moderator")
    mine = (await post(api, author, thread.id, "Mein Vorschlag: mehr Bäume"))["id"]
    theirs = (await post(api, other, thread.id, "Lieber mehr Bänke", stance="against"))["id"]
    reply = (await post(api, other, thread.id, "Und Schatten", parent_id=mine))["id"]
    hidden = (await post(api, other, thread.id, "Beleidigend"))["id"]
    decided = await api.request(
        moderator,
        "POST",
        f"/api/v1/moderation/comments/{hidden}/decision",
        json={"action": "hide", "reason": "respect"},
    )
    assert decided.status_code == 200, decided.text
    withdrawn = (await post(api, other, thread.id, "Doch nicht"))["id"]
    gone = await api.request(other, "DELETE", f"/api/v1/comments/{withdrawn}")
    assert gone.status_code == 200, gone.text
    pending = (await post(api, other, thread.id, "Noch in Prüfung"))["id"]
    async with db.unit_of_work() as uow:  # held before anyone read the thread
        await uow.session.execute(
            update(Comment).where(Comment.id == pending).values(status="pending")
        )
    return Scene(author, other, mine, theirs, reply, hidden, withdrawn, pending, thread.id)


async def reader_for(
    role: str,
    make_user: MakeUser,
    api: factories.ApiAs,
    db: Database,
    s: Scene,
    department: Department,
    other_department: Department,
) -> User | None:
    """The reader of the role; each one who may votes for `theirs` and reports the reply."""
    if role == "anonymous":
        return None
    if role == "author":
        reader = s.author
    elif role in ("resident", "blocked"):
        reader = await make_user()
    elif role == "own-staff":
        reader = await make_user("staff", department=department)
    elif role == "other-staff":
        reader = await make_user("staff", department=other_department)
    else:
        reader = await make_user(role)
    voted = await api.request(reader, "PUT", f"/api/v1/comments/{s.theirs}/vote", json={"value": 1})
    assert voted.status_code == 200, voted.text
    flagged = await api.request(
        reader, "POST", f"/api/v1/comments/{s.reply}/flags", json={"reason": "spam"}
    )
    assert flagged.status_code == 201, flagged.text
    # Taking part follows the thread, written later by a consumer of the outbox: followed now,
    # so the follow button reads the same on every page of the test.
    followed = await api.request(reader, "PUT", f"/api/v1/me/follows/thread/{s.thread_id}")
    assert followed.status_code in (200, 201, 204), followed.text
    if role == "blocked":
        async with db.unit_of_work() as uow:
            await uow.session.execute(
                update(User)
                .where(User.id == reader.id)
                .values(blocked_until=utcnow() + timedelta(days=7), block_reason="Spam")
            )
    return reader


@asynccontextmanager
async def browser(app: Starlette, who: User | None) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        if who is not None:
            await factories.sign_in(client, who)
        yield client


def main_part(html: str) -> str:
    """The page's main content, without the live stream's resume point (read per build)."""
    found = re.search(r"<main.*</main>", html, re.S)
    assert found is not None, html
    return re.sub(r'data-since="\d+"', 'data-since=""', found.group(0))


def whole_page(html: str) -> str:
    """The whole page (head, header links, main part), without the live stream's resume point."""
    return re.sub(r'data-since="\d+"', 'data-since=""', html)


async def kept_and_read_again(
    app: Starlette, db: Database, who: User, thread: Thread
) -> tuple[httpx.Response, httpx.Response, list[str]]:
    """The thread page read twice by `who` (the first read builds and keeps the list), with
    every statement of the second read."""
    async with browser(app, who) as client:
        first = await client.get(f"/threads/{thread.id}")
        with counting_queries(db) as statements:
            again = await client.get(f"/threads/{thread.id}")
    assert first.status_code == again.status_code == 200
    return first, again, statements


def page_statements(statements: list[str]) -> list[str]:
    """The statements that read a page of comments (top level or replies)."""
    return [s for s in statements if "parent_id IS NULL" in s or "root_id IN" in s]


@pytest.mark.usefixtures("reads_each_time")
async def test_a_reader_s_kept_html_page_reads_only_what_is_their_own(
    app: Starlette, api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    """Once the list is kept, the page around it comes from the thread it was rendered from
    (kept under the same version); what the request reads is the reader's own: votes, reports,
    a held comment, the follow and the organisations, in one statement."""
    await scene(app, api, make_user, db, thread)
    reader = await make_user()
    await until_the_latest_event_is_handled(app, db)
    first, again, statements = await kept_and_read_again(app, db, reader, thread)
    assert main_part(first.text) == main_part(again.text) and thread.title in again.text
    assert not [s for s in statements if s.lstrip().startswith("SELECT threads.id")]
    assert page_statements(statements) == []
    own = [s for s in statements if "FROM votes" in s or "FROM follows" in s]
    assert len(own) == 1 and "FROM follows" in own[0] and "FROM votes" in own[0], own


@pytest.mark.usefixtures("reads_each_time")
async def test_an_author_s_kept_page_reads_their_comments_sources_with_their_state(
    app: Starlette, api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    """The edit form of a comment the reader may still edit holds its Markdown source: read in
    the one statement of the reader's own state, not in a session of its own."""
    author = await make_user()
    mine = (await post(api, author, thread.id, "Mehr **Bänke** am Ufer"))["id"]
    await until_the_latest_event_is_handled(app, db)
    first, again, statements = await kept_and_read_again(app, db, author, thread)
    assert whole_page(first.text) == whole_page(again.text)
    assert f'action="/comments/{mine}/edit"' in again.text
    assert "Mehr **Bänke** am Ufer</textarea>" in again.text
    assert not [s for s in statements if "comments.body" in s], statements
    own = [s for s in statements if "FROM votes" in s]
    assert len(own) == 1 and "SELECT 's', id, 0, body" in own[0], own


async def test_readers_of_one_kind_share_a_kept_page_and_nothing_of_each_other(
    app: Starlette, api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    """The page around the list is kept once per kind of reader (here: residents who follow
    the thread) and built by whoever reads first; the next reader of that kind gets their own
    header links and controls in it, never the first one's, and exactly the uncached page."""
    author, reader = await make_user(), await make_user()
    mine = (await post(api, author, thread.id, "Ein Radweg an der Havel"))["id"]
    theirs = (await post(api, reader, thread.id, "Lieber Bänke am Ufer"))["id"]
    voted = await api.request(author, "PUT", f"/api/v1/comments/{theirs}/vote", json={"value": 1})
    assert voted.status_code == 200, voted.text
    for who in (author, reader):
        followed = await api.request(who, "PUT", f"/api/v1/me/follows/thread/{thread.id}")
        assert followed.status_code in (200, 201, 204), followed.text
    await app.state.services.vote_events.flush()
    await until_the_latest_event_is_handled(app, db)
    cache = cache_of(app)
    async with browser(app, author) as writing, browser(app, reader) as reading:
        pages: dict[str, list[str]] = {}
        for from_cache in (True, False, True):  # built by the author first, then from the cache
            cache.overlay = from_cache
            for name, client in (("author", writing), ("reader", reading)):
                answer = await client.get(f"/threads/{thread.id}")
                assert answer.status_code == 200
                pages.setdefault(name, []).append(whole_page(answer.text))
        shells = [key for key in cache.kept_keys() if key[1] == "shell"]
    assert len(shells) == 1, shells  # one kind of reader, one kept page
    # The kept header links name no reader: each page gets its reader's id put in.
    assert cache.links.values() and not [
        html
        for html in cache.links.values()
        for who in (author, reader)
        if f'data-user="{who.id}"' in html
    ]
    for name, who, own, other in (
        ("author", author, mine, theirs),
        ("reader", reader, theirs, mine),
    ):
        built, uncached, kept = pages[name]
        assert built == uncached == kept
        assert f'data-user="{who.id}"' in kept
        assert f'action="/comments/{own}/edit"' in kept
        assert f'action="/comments/{other}/edit"' not in kept
    assert 'aria-pressed="true" data-vote="1"' in pages["author"][2]
    assert 'aria-pressed="true" data-vote' not in pages["reader"][2]


@pytest.mark.parametrize("role", ROLES)
async def test_the_kept_page_plus_the_overlay_is_what_the_uncached_path_shows(
    role: str,
    app: Starlette,
    api: factories.ApiAs,
    make_user: MakeUser,
    db: Database,
    thread: Thread,
    department: Department,
    other_department: Department,
) -> None:
    s = await scene(app, api, make_user, db, thread)
    reader = await reader_for(role, make_user, api, db, s, department, other_department)
    await app.state.services.vote_events.flush()  # the coalesced vote event, written now
    await until_the_latest_event_is_handled(app, db)
    cache = cache_of(app)
    url = f"/api/v1/threads/{thread.id}/comments"

    cache.overlay = False
    uncached = await api.request(reader, "GET", url)
    async with browser(app, reader) as client:
        uncached_html = (await client.get(f"/threads/{thread.id}")).text
        cache.overlay = True
        built = await api.request(reader, "GET", url)
        with counting_queries(db) as statements:
            kept = await api.request(reader, "GET", url)
        built_html = (await client.get(f"/threads/{thread.id}")).text
        with counting_queries(db) as html_statements:
            kept_html = (await client.get(f"/threads/{thread.id}")).text

    assert uncached.status_code == built.status_code == kept.status_code == 200
    assert built.content == uncached.content and kept.content == uncached.content
    assert whole_page(built_html) == whole_page(uncached_html) == whole_page(kept_html)
    assert page_statements(statements) == []
    # A blocked reader's HTML page is built for them alone: it tells them the block's reason.
    assert (page_statements(html_statements) != []) is (role == "blocked")
    # The pages say what the role may do, so the equality above compares something.
    items = {item["id"]: item for item in kept.json()["items"]}
    text = main_part(kept_html)
    moderating = role in ("moderator", "admin")
    assert (s.pending in items) is moderating
    assert ("Noch in Prüfung" in text) is moderating
    assert ("Beleidigend" in items[s.hidden]["html"]) is moderating
    assert "Beleidigend" not in text  # the page shows the placeholder to everyone
    assert items[s.withdrawn]["html"] == "" and "Doch nicht" not in text
    if reader is None:
        assert all(item["can"] is None and item["my_vote"] is None for item in items.values())
        assert 'action="/comments/' not in text
        return
    assert items[s.theirs]["my_vote"] == 1 and items[s.mine]["my_vote"] is None
    assert "report" not in items[s.reply]["can"]
    assert f'id="flag-done-{s.reply}"' in text
    pressed = re.search(
        rf'action="/comments/{s.theirs}/vote".*?aria-pressed="(\w+)" data-vote="1"', text, re.S
    )
    editable = f'action="/comments/{s.mine}/edit"' in text
    if role == "blocked":
        assert all(item["can"] == [] for item in items.values())
        assert pressed is None and 'id="block-notice"' in text
    else:
        assert pressed is not None and pressed.group(1) == "true"
        assert "vote" in items[s.theirs]["can"] and "report" in items[s.theirs]["can"]
    assert ("moderate" in items[s.theirs]["can"]) is moderating
    assert items[s.hidden]["can"] == (["moderate"] if moderating else [])
    if role == "author":
        assert items[s.mine]["can"][:2] == ["edit", "withdraw"]
        assert "vote" not in items[s.mine]["can"] and editable
    else:
        assert "edit" not in items[s.mine]["can"] and not editable
    assert ('id="manage-h"' in text) is (role in ("own-staff", "admin"))


async def test_a_held_comment_stays_with_its_author_and_the_moderators(
    app: Starlette,
    api: factories.ApiAs,
    make_user: MakeUser,
    db: Database,
    procedure: Procedure,
) -> None:
    thread = await factories.thread(db, procedure, moderation="pre")
    author, other, moderator = await make_user(), await make_user(), await make_user("moderator")
    held = await post(api, author, thread.id, "Wartet auf Freigabe")
    assert held["status"] == "pending"
    await until_the_latest_event_is_handled(app, db)
    url = f"/api/v1/threads/{thread.id}/comments"
    # The author reads first, then the others: nothing of the author's page may be kept.
    for round_ in range(2):
        mine = await api.request(author, "GET", url)
        assert [item["id"] for item in mine.json()["items"]] == [held["id"]], round_
        assert mine.json()["items"][0]["can"] == ["edit", "withdraw"]
        theirs = await api.request(other, "GET", url)
        assert theirs.json()["items"] == []
        moderating = await api.request(moderator, "GET", url)
        assert moderating.json()["items"][0]["can"] == ["moderate"]
        assert (await api.request(None, "GET", url)).json()["items"] == []
    for who, shown in ((author, True), (other, False), (moderator, True), (None, False)):
        async with browser(app, who) as client:
            for _round in range(2):
                page = (await client.get(f"/threads/{thread.id}")).text
                assert ("Wartet auf Freigabe" in page) is shown
                assert (f'action="/comments/{held["id"]}/withdraw"' in page) is (who is author)


async def test_votes_reports_and_edit_forms_stay_with_their_reader(
    app: Starlette, api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    author, voter, reader = await make_user(), await make_user(), await make_user()
    comment = (await post(api, author, thread.id, "Ein Radweg an der Havel"))["id"]
    await until_the_latest_event_is_handled(app, db)
    async with browser(app, voter) as voting, browser(app, reader) as reading:
        async with browser(app, author) as writing:
            assert (
                f'action="/comments/{comment}/edit"'
                in (await writing.get(f"/threads/{thread.id}")).text
            )
        # The voter votes and reports through the page's forms, then everyone reads.
        token = voting.cookies["dialog_csrf"]
        for action, data in (("vote", {"value": "1"}), ("flag", {"reason": "spam"})):
            sent = await voting.post(
                f"/comments/{comment}/{action}", data={**data, "csrf_token": token}
            )
            assert sent.status_code == 303, sent.text
        for _round in range(2):
            mine = (await voting.get(f"/threads/{thread.id}")).text
            assert 'aria-pressed="true" data-vote="1"' in mine
            assert f'id="flag-done-{comment}"' in mine
            theirs = (await reading.get(f"/threads/{thread.id}")).text
            assert 'aria-pressed="true"' not in theirs
            assert f'id="flag-done-{comment}"' not in theirs
            assert f'action="/comments/{comment}/flag"' in theirs
            assert f'action="/comments/{comment}/edit"' not in mine + theirs
            assert 'data-slot="up">1</span>' in theirs
            # The controls are kept once per state with a stand-in for the token: each page
            # carries its reader's own token in every form.
            for page, client in ((mine, voting), (theirs, reading)):
                tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
                assert tokens == {client.cookies["dialog_csrf"]}
                assert CSRF_PLACEHOLDER not in page
    url = f"/api/v1/threads/{thread.id}/comments"
    voted = (await api.request(voter, "GET", url)).json()["items"][0]
    unvoted = (await api.request(reader, "GET", url)).json()["items"][0]
    assert (voted["my_vote"], "report" in voted["can"]) == (1, False)
    assert (unvoted["my_vote"], "report" in unvoted["can"]) == (None, True)


async def test_a_hide_an_edit_and_an_erasure_show_on_the_kept_pages_and_overlays_at_once(
    app: Starlette, api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    author = await make_user(display_name="Erika Mustermann")
    reader, moderator = await make_user(), await make_user("moderator")
    first = (await post(api, author, thread.id, "Zuerst geschrieben"))["id"]
    second = (await post(api, author, thread.id, "Danach geschrieben"))["id"]
    url = f"/api/v1/threads/{thread.id}/comments"

    async def pages(who: User) -> tuple[dict[int, Any], str]:
        listing = (await api.request(who, "GET", url)).json()
        async with browser(app, who) as client:
            html = main_part((await client.get(f"/threads/{thread.id}")).text)
        return {item["id"]: item for item in listing["items"]}, html

    await until_the_latest_event_is_handled(app, db)
    for who in (author, reader, moderator):  # kept for both views
        await pages(who)
    edited = await api.request(
        author, "PATCH", f"/api/v1/comments/{second}", json={"body": "Neu gefasst"}
    )
    assert edited.status_code == 200, edited.text
    hid = await api.request(
        moderator,
        "POST",
        f"/api/v1/moderation/comments/{first}/decision",
        json={"action": "hide", "reason": "respect"},
    )
    assert hid.status_code == 200, hid.text
    items, html = await pages(reader)
    assert (items[first]["status"], items[first]["html"], items[first]["can"]) == ("hidden", "", [])
    assert "Zuerst geschrieben" not in html and "Neu gefasst" in html
    items, html = await pages(author)
    assert "withdraw" not in items[first]["can"] and "edit" in items[second]["can"]
    assert f'action="/comments/{first}/withdraw"' not in html
    assert f'action="/comments/{second}/edit"' in html and "Neu gefasst" in html
    items, html = await pages(moderator)
    assert "Zuerst geschrieben" in items[first]["html"] and items[first]["can"] == ["moderate"]
    assert "Zuerst geschrieben" not in html
    deletion = {"password": factories.PASSWORD, "comments": "keep"}
    assert (await api.request(author, "DELETE", "/api/v1/me", json=deletion)).status_code == 204
    for who in (reader, moderator):
        items, html = await pages(who)
        assert "Erika Mustermann" not in str(items) + html
        assert items[second]["author"]["id"] is None and "Neu gefasst" in html


async def test_an_erasure_with_its_comments_leaves_every_view_s_kept_pages_at_once(
    app: Starlette, api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    author = await make_user(display_name="Max Mustermann")
    reader, moderator = await make_user(), await make_user("moderator")
    other = (await post(api, reader, thread.id, "Bleibt"))["id"]
    await post(api, author, thread.id, "Wird mit dem Konto gelöscht", parent_id=other)
    await until_the_latest_event_is_handled(app, db)
    url = f"/api/v1/threads/{thread.id}/comments"
    for who in (reader, moderator):
        async with browser(app, who) as client:
            assert "Wird mit dem Konto" in (await client.get(f"/threads/{thread.id}")).text
        assert "Max Mustermann" in (await api.request(who, "GET", url)).text
    deletion = {"password": factories.PASSWORD, "comments": "remove"}
    assert (await api.request(author, "DELETE", "/api/v1/me", json=deletion)).status_code == 204
    for who in (reader, moderator):
        async with browser(app, who) as client:
            html = (await client.get(f"/threads/{thread.id}")).text
        listing = (await api.request(who, "GET", url)).text
        assert "Wird mit dem Konto" not in html + listing
        assert "Max Mustermann" not in html + listing
        assert "Bleibt" in html and "Bleibt" in listing


async def test_a_comment_posted_as_an_organisation_names_its_author_to_them_alone(
    app: Starlette, api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    member = await make_user(display_name="Max Mitglied")
    async with db.unit_of_work() as uow:
        group = Organisation(slug="initiative-ufer", name="Initiative Ufer", kind="initiative")
        uow.session.add(group)
        await uow.session.flush()
        uow.session.add(
            Membership(organisation_id=group.id, user_id=member.id, confirmed_at=utcnow())
        )
    reader, moderator = await make_user(), await make_user("moderator")
    posted = await post(
        api, member, thread.id, "Wir wollen Bänke", as_organisation="initiative-ufer"
    )
    await until_the_latest_event_is_handled(app, db)
    url = f"/api/v1/threads/{thread.id}/comments"
    cache = cache_of(app)
    for who, named in ((reader, False), (member, True), (moderator, True), (reader, False)):
        cache.overlay = False
        uncached = (await api.request(who, "GET", url)).json()
        async with browser(app, who) as client:
            uncached_html = main_part((await client.get(f"/threads/{thread.id}")).text)
            cache.overlay = True
            kept = (await api.request(who, "GET", url)).json()
            kept_html = main_part((await client.get(f"/threads/{thread.id}")).text)
        assert kept == uncached and kept_html == uncached_html
        item = kept["items"][0]
        assert (item["author"]["id"] == member.id) is named
        assert ("Max Mitglied" in kept_html + str(kept)) is named
        own = who is member
        assert ("vote" in item["can"], "edit" in item["can"]) == (not own, own)
        assert (f'action="/comments/{posted["id"]}/edit"' in kept_html) is own


async def test_the_department_reads_its_draft_procedure_s_thread_and_no_page_of_it_is_kept(
    app: Starlette,
    api: factories.ApiAs,
    make_user: MakeUser,
    db: Database,
    department: Department,
) -> None:
    draft = await factories.procedure(db, department, status="draft")
    thread = await factories.thread(db, draft)
    staff, resident = await make_user("staff", department=department), await make_user()
    async with db.unit_of_work() as uow:
        uow.session.add(
            Comment(
                thread_id=thread.id,
                author_id=staff.id,
                body="Entwurf",
                html="<p>Entwurf</p>",
                created_at=utcnow(),
            )
        )
    url = f"/api/v1/threads/{thread.id}/comments"
    for _round in range(2):
        listing = await api.request(staff, "GET", url)
        assert listing.status_code == 200 and listing.json()["items"][0]["html"] == "<p>Entwurf</p>"
        async with browser(app, staff) as client:
            assert "Entwurf" in (await client.get(f"/threads/{thread.id}")).text
        assert (await api.request(resident, "GET", url)).status_code == 404
        async with browser(app, resident) as client:
            assert (await client.get(f"/threads/{thread.id}")).status_code == 404
    assert len(cache_of(app)) == 0
