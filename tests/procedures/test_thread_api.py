"""A thread's life through the JSON API: the same actions as its page (create, edit, close now or
at a time, reopen), for the same people, with every wrong input a 422 naming the field."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from dialog.accounts.models import User
from dialog.db import Database, utcnow
from dialog.live.models import Event
from dialog.procedures.models import Department, Procedure, Thread
from tests import factories

MakeUser = Callable[..., Awaitable[User]]


async def stored(db: Database, thread_id: int) -> Thread:
    async with db.reading() as session:
        found = await session.get(Thread, thread_id)
    assert found is not None
    return found


@pytest.fixture
async def staff(make_user: MakeUser, department: Department) -> User:
    return await make_user(role="staff", department=department)


async def someone(
    role: str, make_user: MakeUser, department: Department, other_department: Department
) -> User | None:
    if role == "anonymous":
        return None
    if role == "staff":
        return await make_user(role="staff", department=department)
    if role == "other-staff":
        return await make_user(role="staff", department=other_department)
    if role == "blocked":
        return await make_user(role="resident", blocked_until=utcnow() + timedelta(days=2))
    return await make_user(role=role)


ALLOWED = {"staff": True, "admin": True}
REFUSED = {"anonymous": 401, "resident": 403, "moderator": 403, "office": 403}
REFUSED |= {"other-staff": 403, "blocked": 403}


async def test_staff_create_a_thread_and_it_is_announced_as_from_the_page(
    api: factories.ApiAs, db: Database, procedure: Procedure, staff: User
) -> None:
    question = "Welche Wege nutzen Sie im Park?"
    created = await api.request(
        staff, "POST", f"/api/v1/procedures/{procedure.id}/threads", json={"question": question}
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["title"] == question and body["is_open"] is True
    async with db.reading() as session:
        types = list(
            await session.scalars(
                select(Event.type).where(Event.topic == f"procedure:{procedure.id}")
            )
        )
    assert "thread.created" in types


async def test_staff_edit_only_the_fields_they_send(
    api: factories.ApiAs, db: Database, thread: Thread, staff: User
) -> None:
    changed = await api.request(
        staff,
        "PATCH",
        f"/api/v1/threads/{thread.id}",
        json={"moderation": "pre", "closes_at": "2099-03-01T18:00:00"},
    )
    assert changed.status_code == 200, changed.text
    after = await stored(db, thread.id)
    assert (after.title, after.question, after.moderation) == (
        thread.title,
        thread.question,
        "pre",
    )
    assert after.closes_at is not None
    # A time without zone is Potsdam's, as in the form.
    assert after.closes_at.astimezone(UTC) == datetime(2099, 3, 1, 17, 0, tzinfo=UTC)
    assert changed.json()["moderation"] == "pre"
    cleared = await api.request(
        staff, "PATCH", f"/api/v1/threads/{thread.id}", json={"closes_at": None}
    )
    assert cleared.status_code == 200 and (await stored(db, thread.id)).closes_at is None


async def test_wrong_edits_answer_422_naming_the_field(
    api: factories.ApiAs, db: Database, thread: Thread, staff: User
) -> None:
    url = f"/api/v1/threads/{thread.id}"
    cases = [
        ({"moderation": "sometimes"}, "moderation"),
        ({"title": "x" * 201}, "title"),
        ({"title": "", "question": ""}, "title"),
        ({"opens_at": "2099-05-01T10:00:00", "closes_at": "2099-04-01T10:00:00"}, "closes_at"),
        ({"opens_at": "morgen"}, "opens_at"),
        ({"colour": "blue"}, "colour"),
    ]
    for body, field in cases:
        refused = await api.request(staff, "PATCH", url, json=body)
        assert refused.status_code == 422, (body, refused.text)
        assert field in refused.json()["error"]["fields"], (body, refused.text)
    assert (await stored(db, thread.id)).title == thread.title  # nothing half-written


async def test_staff_close_a_thread_now_and_reopen_it(
    api: factories.ApiAs, db: Database, thread: Thread, staff: User
) -> None:
    closed = await api.request(staff, "POST", f"/api/v1/threads/{thread.id}/close", json={})
    assert closed.status_code == 200, closed.text
    assert closed.json()["is_open"] is False and not (await stored(db, thread.id)).is_open
    reopened = await api.request(staff, "POST", f"/api/v1/threads/{thread.id}/reopen")
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["is_open"] is True and (await stored(db, thread.id)).is_open


async def test_staff_set_a_closing_time_and_a_past_one_closes_at_once(
    api: factories.ApiAs, db: Database, procedure: Procedure, staff: User
) -> None:
    thread = await factories.thread(db, procedure)
    url = f"/api/v1/threads/{thread.id}/close"
    later = await api.request(staff, "POST", url, json={"at": "2099-06-30T12:00:00+02:00"})
    assert later.status_code == 200, later.text
    found = await stored(db, thread.id)
    assert found.is_open and found.closes_at == datetime(2099, 6, 30, 10, 0, tzinfo=UTC)
    past = await api.request(staff, "POST", url, json={"at": "2020-01-01T12:00:00"})
    assert past.status_code == 200 and past.json()["is_open"] is False
    assert not (await stored(db, thread.id)).is_open
    bad = await api.request(staff, "POST", url, json={"at": "morgen"})
    assert bad.status_code == 422 and "at" in bad.json()["error"]["fields"]


async def test_a_closing_time_before_the_opening_names_at(
    api: factories.ApiAs, db: Database, procedure: Procedure, staff: User
) -> None:
    opens = utcnow() + timedelta(days=30)
    thread = await factories.thread(db, procedure, opens_at=opens)
    refused = await api.request(
        staff,
        "POST",
        f"/api/v1/threads/{thread.id}/close",
        json={"at": (opens - timedelta(days=1)).isoformat()},
    )
    assert refused.status_code == 422 and "at" in refused.json()["error"]["fields"]
    assert (await stored(db, thread.id)).closes_at is None


@pytest.mark.parametrize("role", [*ALLOWED, *REFUSED])
async def test_who_may_edit_close_and_reopen_a_thread(
    api: factories.ApiAs,
    db: Database,
    make_user: MakeUser,
    department: Department,
    other_department: Department,
    procedure: Procedure,
    role: str,
) -> None:
    thread = await factories.thread(db, procedure)
    who = await someone(role, make_user, department, other_department)
    base = f"/api/v1/threads/{thread.id}"
    edit = await api.request(who, "PATCH", base, json={"title": "Neuer Titel"})
    close = await api.request(who, "POST", f"{base}/close", json={})
    reopen = await api.request(who, "POST", f"{base}/reopen")
    create = await api.request(
        who, "POST", f"/api/v1/procedures/{procedure.id}/threads", json={"title": "Noch einer"}
    )
    statuses = [r.status_code for r in (edit, close, reopen, create)]
    if role in ALLOWED:
        assert statuses == [200, 200, 200, 201]
        assert (await stored(db, thread.id)).title == "Neuer Titel"
    else:
        assert statuses == [REFUSED[role]] * 4
        after = await stored(db, thread.id)
        assert after.is_open and after.title == thread.title


async def test_a_missing_thread_is_404(api: factories.ApiAs, staff: User) -> None:
    for method, path, body in (
        ("PATCH", "/api/v1/threads/999999", {"title": "Titel"}),
        ("POST", "/api/v1/threads/999999/close", {}),
        ("POST", "/api/v1/threads/999999/reopen", None),
    ):
        response = await api.request(staff, method, path, json=body)
        assert response.status_code == 404, (method, path)
