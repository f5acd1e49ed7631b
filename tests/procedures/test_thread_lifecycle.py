"""Staff run a thread's life from its page, without JavaScript: create, edit, close now or at a
time, reopen. Others see no such controls and get 403 when they try."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import httpx
import pytest

from dialog.accounts.models import User
from dialog.db import Database
from dialog.procedures.models import Department, Procedure, Thread
from tests import factories

MakeUser = Callable[..., Awaitable[User]]
SignIn = Callable[[User], Awaitable[str]]


async def stored(db: Database, thread_id: int) -> Thread:
    async with db.reading() as session:
        found = await session.get(Thread, thread_id)
    assert found is not None
    return found


@pytest.fixture
async def staff_token(make_user: MakeUser, browser_session: SignIn, department: Department) -> str:
    return await browser_session(await make_user(role="staff", department=department))


async def test_a_new_thread_without_a_title_is_called_by_its_question(
    client: httpx.AsyncClient, db: Database, procedure: Procedure, staff_token: str
) -> None:
    question = "Wie soll der Platz am Bassin künftig aussehen?"
    created = await client.post(
        f"/procedures/{procedure.id}/threads/new",
        data={"csrf_token": staff_token, "title": "", "question": question, "moderation": "post"},
    )
    assert created.status_code == 303
    thread_id = int(created.headers["location"].rsplit("/", 1)[1])
    assert (await stored(db, thread_id)).title == question
    empty = await client.post(
        f"/procedures/{procedure.id}/threads/new",
        data={"csrf_token": staff_token, "title": "", "question": ""},
    )
    assert empty.status_code == 422 and 'id="title-error"' in empty.text


async def test_staff_edit_a_thread_through_its_form(
    client: httpx.AsyncClient, db: Database, thread: Thread, staff_token: str
) -> None:
    page = await client.get(f"/threads/{thread.id}")
    assert f'href="/threads/{thread.id}/edit"' in page.text
    form = await client.get(f"/threads/{thread.id}/edit")
    assert form.status_code == 200 and thread.title in form.text
    saved = await client.post(
        f"/threads/{thread.id}/edit",
        data={
            "csrf_token": staff_token,
            "title": "Bänke am Ufer",
            "question": "Wo fehlen Bänke?",
            "moderation": "pre",
            "opens_at": "",
            "closes_at": "2099-03-01T18:00",
        },
    )
    assert saved.status_code == 303
    changed = await stored(db, thread.id)
    assert (changed.title, changed.question, changed.moderation) == (
        "Bänke am Ufer",
        "Wo fehlen Bänke?",
        "pre",
    )
    assert changed.closes_at is not None
    assert changed.closes_at.astimezone(UTC) == datetime(2099, 3, 1, 17, 0, tzinfo=UTC)
    again = await client.get(f"/threads/{thread.id}/edit")
    assert 'value="2099-03-01T18:00"' in again.text  # shown back in Potsdam's time


async def test_staff_close_a_thread_now_and_reopen_it(
    client: httpx.AsyncClient, db: Database, thread: Thread, staff_token: str
) -> None:
    closed = await client.post(f"/threads/{thread.id}/close", data={"csrf_token": staff_token})
    assert closed.status_code == 303
    assert not (await stored(db, thread.id)).is_open
    page = await client.get(f"/threads/{thread.id}")
    assert "Wieder öffnen" in page.text and 'class="stacked comment-form"' not in page.text
    reopened = await client.post(f"/threads/{thread.id}/reopen", data={"csrf_token": staff_token})
    assert reopened.status_code == 303
    assert (await stored(db, thread.id)).is_open
    assert 'class="stacked comment-form"' in (await client.get(f"/threads/{thread.id}")).text


async def test_staff_set_a_closing_time_and_a_time_in_the_past_closes_at_once(
    client: httpx.AsyncClient, db: Database, thread: Thread, staff_token: str
) -> None:
    later = await client.post(
        f"/threads/{thread.id}/close", data={"csrf_token": staff_token, "at": "2099-06-30T12:00"}
    )
    assert later.status_code == 303
    found = await stored(db, thread.id)
    assert found.is_open and found.closes_at is not None
    assert "Offen; endet am" in (await client.get(f"/threads/{thread.id}")).text
    past = await client.post(
        f"/threads/{thread.id}/close", data={"csrf_token": staff_token, "at": "2020-01-01T12:00"}
    )
    assert past.status_code == 303 and not (await stored(db, thread.id)).is_open
    wrong = await client.post(f"/threads/{thread.id}/reopen", data={"csrf_token": staff_token})
    assert wrong.status_code == 303
    bad = await client.post(
        f"/threads/{thread.id}/close", data={"csrf_token": staff_token, "at": "morgen"}
    )
    assert bad.status_code == 422 and 'id="close_at-error"' in bad.text


@pytest.mark.parametrize("role", ["resident", "moderator", "other-staff"])
async def test_others_see_no_controls_and_are_refused(
    client: httpx.AsyncClient,
    db: Database,
    make_user: MakeUser,
    browser_session: SignIn,
    other_department: Department,
    thread: Thread,
    role: str,
) -> None:
    who = (
        await make_user(role="staff", department=other_department)
        if role == "other-staff"
        else await make_user(role=role)
    )
    token = await browser_session(who)
    assert "/close" not in (await client.get(f"/threads/{thread.id}")).text
    for path in ("close", "reopen", "edit"):
        refused = await client.post(f"/threads/{thread.id}/{path}", data={"csrf_token": token})
        assert refused.status_code == 403, path
    assert (await stored(db, thread.id)).is_open


async def test_a_thread_of_a_procedure_not_yet_taking_comments_is_still_open_to_staff(
    client: httpx.AsyncClient, db: Database, department: Department, staff_token: str
) -> None:
    """The phase decides whether residents write; open and closed is the thread's own state."""
    planned = await factories.procedure(db, department, phase="planned")
    later = datetime(2099, 1, 1, tzinfo=UTC)
    thread = await factories.thread(db, planned, closes_at=later)
    page = (await client.get(f"/threads/{thread.id}")).text
    assert "Jetzt beenden" in page and "Wieder öffnen" not in page
    assert "Offen; endet am" in page
