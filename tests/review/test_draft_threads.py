"""A draft procedure's threads (or one in the office's review) exist only for its department,
the office and admins: every route by thread or comment id answers 404 to everyone else.

Before, the thread page was guarded but the JSON API served the comments of a draft's thread,
one comment, the thread itself and the HTML fragments by id, and residents could post, vote and
report there."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from dialog.accounts.models import User
from dialog.db import Database
from dialog.procedures.models import Department, Procedure, Thread
from tests import factories

MakeUser = Callable[..., Awaitable[User]]
SECRET = "Noch nicht öffentlicher Entwurfstext"


async def draft_thread(db: Database, department: Department, status: str = "draft") -> Thread:
    procedure = await factories.procedure(db, department, status=status)
    return await factories.thread(db, procedure)


async def outsiders(make_user: MakeUser, other_department: Department) -> list[User | None]:
    return [
        None,
        await make_user(),
        await make_user("moderator"),
        await make_user("staff", other_department),
    ]


async def insiders(make_user: MakeUser, department: Department) -> list[User]:
    return [
        await make_user("staff", department),
        await make_user("office"),
        await make_user("admin"),
    ]


@pytest.mark.parametrize("status", ["draft", "review"])
async def test_the_threads_of_a_draft_exist_only_for_its_department_and_the_office(
    api: factories.ApiAs,
    make_user: MakeUser,
    db: Database,
    department: Department,
    other_department: Department,
    status: str,
) -> None:
    thread = await draft_thread(db, department, status)
    staff = await make_user("staff", department)
    posted = await api.request(
        staff, "POST", f"/api/v1/threads/{thread.id}/comments", json={"body": SECRET}
    )
    assert posted.status_code == 201, posted.text
    comment_id = posted.json()["id"]
    reading = [
        f"/api/v1/threads/{thread.id}",
        f"/api/v1/threads/{thread.id}/comments",
        f"/api/v1/threads/{thread.id}/comments?sort=new",
        f"/api/v1/comments/{comment_id}",
        f"/threads/{thread.id}",
        f"/threads/{thread.id}/fragments?ids={comment_id}",
        f"/threads/{thread.id}.atom",
        f"/comments/{comment_id}",
    ]
    for who in await outsiders(make_user, other_department):
        for path in reading:
            response = await api.request(who, "GET", path)
            assert response.status_code == 404, (who and who.role, path)
            assert SECRET not in response.text
        if who is None:
            continue
        writes: list[tuple[str, str, dict[str, Any]]] = [
            ("POST", f"/api/v1/threads/{thread.id}/comments", {"body": "Ich schreibe mit."}),
            ("PUT", f"/api/v1/comments/{comment_id}/vote", {"value": 1}),
            ("POST", f"/api/v1/comments/{comment_id}/flags", {"reason": "spam"}),
        ]
        for method, path, body in writes:
            response = await api.request(who, method, path, json=body)
            assert response.status_code == 404, (who.role, path, response.text)
    for who in await insiders(make_user, department):
        for path in reading[:6]:
            response = await api.request(who, "GET", path)
            assert response.status_code == 200, (who.role, path)
        assert SECRET in (await api.request(who, "GET", reading[1])).text
        voted = await api.request(
            who, "PUT", f"/api/v1/comments/{comment_id}/vote", json={"value": 1}
        )
        assert voted.status_code == 200, (who.role, voted.text)


async def test_a_released_procedure_opens_its_threads_to_everyone(
    api: factories.ApiAs, make_user: MakeUser, db: Database, department: Department
) -> None:
    thread = await draft_thread(db, department)
    staff = await make_user("staff", department)
    await api.request(staff, "POST", f"/api/v1/threads/{thread.id}/comments", json={"body": SECRET})
    # An anonymous reader asks first (nothing may be kept for later), then the office releases.
    assert (
        await api.request(None, "GET", f"/api/v1/threads/{thread.id}/comments")
    ).status_code == 404
    assert (await api.request(None, "GET", f"/threads/{thread.id}")).status_code == 404
    async with db.unit_of_work() as uow:
        procedure = await uow.session.get(Procedure, thread.procedure_id)
        assert procedure is not None
        procedure.status = "public"
    listed = await api.request(None, "GET", f"/api/v1/threads/{thread.id}/comments")
    assert listed.status_code == 200 and SECRET in listed.text
    assert SECRET in (await api.request(None, "GET", f"/threads/{thread.id}")).text
