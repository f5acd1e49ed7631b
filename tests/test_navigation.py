"""The header links each role to what it may use, with the count of what waits there."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import httpx
import pytest

from dialog.accounts.models import User
from dialog.db import Database
from dialog.discussion.models import Comment, CommentStatus
from dialog.procedures.models import Department, Thread
from tests import factories
from tests.discussion.helpers import counting_queries

MakeUser = Callable[..., Awaitable[User]]
SignIn = Callable[[User], Awaitable[str]]


def header(page: httpx.Response) -> str:
    found = re.search(r'<nav aria-label="[^"]*">\s*<ul class="nav">(.*?)</ul>', page.text, re.S)
    assert found, "the page has the main navigation"
    return found.group(1)


async def add_comments(db: Database, thread: Thread, author: User, *statuses: str) -> None:
    async with db.unit_of_work() as uow:
        for number, status in enumerate(statuses):
            uow.session.add(
                Comment(
                    thread_id=thread.id,
                    author_id=author.id,
                    body=f"Beitrag {number}",
                    html=f"<p>Beitrag {number}</p>",
                    status=CommentStatus(status),
                )
            )


async def test_staff_see_their_workspace_with_the_unanswered_count(
    client: httpx.AsyncClient,
    db: Database,
    make_user: MakeUser,
    browser_session: SignIn,
    department: Department,
    thread: Thread,
) -> None:
    await add_comments(db, thread, await make_user(), "published", "published", "pending")
    await browser_session(await make_user(role="staff", department=department))
    links = header(await client.get("/"))
    assert f'href="/departments/{department.slug}"' in links
    assert '<span class="count" aria-hidden="true">2</span>' in links
    assert "2 Beiträge ohne Antwort" in links
    assert "/moderation" not in links and "/admin/people" not in links


async def test_moderators_see_the_queue_with_its_length(
    client: httpx.AsyncClient,
    db: Database,
    make_user: MakeUser,
    browser_session: SignIn,
    thread: Thread,
) -> None:
    await add_comments(db, thread, await make_user(), "pending", "published")
    await browser_session(await make_user(role="moderator"))
    links = header(await client.get("/procedures"))
    assert 'href="/moderation"' in links and "1 Beitrag wartet" in links
    assert "/departments/" not in links and "/admin/people" not in links


async def test_admins_see_moderation_and_people_and_residents_none_of_them(
    client: httpx.AsyncClient, make_user: MakeUser, browser_session: SignIn
) -> None:
    assert "/moderation" not in header(await client.get("/"))
    await browser_session(await make_user(role="resident"))
    resident = header(await client.get("/"))
    assert "/moderation" not in resident and "/admin/people" not in resident
    await browser_session(await make_user(role="admin"))
    admin = header(await client.get("/"))
    assert 'href="/moderation"' in admin and 'href="/admin/people"' in admin


@pytest.mark.usefixtures("reads_each_time")
async def test_the_counts_are_kept_for_a_few_seconds_not_counted_on_every_page(
    client: httpx.AsyncClient, db: Database, make_user: MakeUser, browser_session: SignIn
) -> None:
    await browser_session(await make_user(role="moderator"))
    await client.get("/methods")
    with counting_queries(db) as statements:
        await client.get("/methods")
    counts = [s for s in statements if "count(" in s.lower()]
    # The role's counts are kept; only the reader's own unread notices are read per page, and
    # with the reader's credential: one round trip for both.
    assert len(counts) == 1 and "FROM notifications" in counts[0]
    assert "FROM login_sessions" in counts[0]
    assert not [s for s in statements if "FROM login_sessions" in s and s != counts[0]]


async def test_a_page_read_with_a_token_counts_with_the_token_and_an_api_call_counts_nothing(
    client: httpx.AsyncClient, db: Database, make_user: MakeUser
) -> None:
    """The header's unread count is read with the credential only for a page: the JSON API
    has no header, so its requests read the credential alone."""
    api = factories.ApiAs(client, db)
    reader = await make_user()
    headers = await api.headers(reader)
    with counting_queries(db) as statements:
        page = await client.get("/methods", headers=headers)
    assert page.status_code == 200 and 'id="unread-count" hidden' in page.text
    tokens = [s for s in statements if "FROM api_tokens" in s]
    assert len(tokens) == 1 and "FROM notifications" in tokens[0]
    assert not [s for s in statements if "FROM notifications" in s and s != tokens[0]]
    with counting_queries(db) as statements:
        assert (await client.get("/api/v1/procedures", headers=headers)).status_code == 200
    tokens = [s for s in statements if "FROM api_tokens" in s]
    assert len(tokens) == 1 and not [s for s in statements if "FROM notifications" in s]


async def test_the_office_reaches_its_queue_of_ideas_and_complaints(
    client: httpx.AsyncClient, make_user: MakeUser, browser_session: SignIn
) -> None:
    await browser_session(await make_user(role="office"))
    links = header(await client.get("/"))
    assert 'href="/office/concerns"' in links
    assert "/moderation" not in links and "/admin/people" not in links
    assert (await client.get("/office/concerns")).status_code == 200
