"""Live updates of concerns through /api/v1/live on a real server: the office's queue, the
routed department's queue and the public item page; topics checked per role."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from starlette.applications import Starlette

from dialog.concerns import actions
from tests import factories
from tests.concerns.conftest import MakeUser, World, actor_of
from tests.live.harness import frames, serving, subscribe


@pytest.fixture
async def live_url(app: Starlette) -> AsyncIterator[str]:
    async with serving(app) as url:
        yield url


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_office_department_and_public_page_hear_a_routed_item(
    world: World, live_url: str, make_user: MakeUser
) -> None:
    office = await make_user("office")
    staff = await make_user("staff", world.department)
    item = await world.submit()
    async with world.db.unit_of_work() as uow:
        found = await uow.session.merge(item)
        await actions.do_route(uow, world.ctx, actor_of(office), found, world.department.id)
    office_socket = await subscribe(
        live_url, ["concerns"], additional_headers=bearer(await factories.token(world.db, office))
    )
    staff_socket = await subscribe(
        live_url,
        [f"concerns-department:{world.department.id}"],
        additional_headers=bearer(await factories.token(world.db, staff)),
    )
    public_socket = await subscribe(live_url, [f"concern:{item.id}"])
    heard_by_office = await frames(office_socket, 2)
    assert [f["type"] for f in heard_by_office] == ["concern.queue_changed"] * 2
    assert heard_by_office[-1]["data"]["state"] == "in-review"
    heard_by_staff = await frames(staff_socket, 2)
    assert heard_by_staff[-1]["data"] == {
        "id": item.id,
        "state": "in-review",
        "department_id": world.department.id,
        "category_id": world.category.id,
    }
    heard_in_public = await frames(public_socket, 2)
    assert heard_in_public[-1]["data"] == {
        "id": item.id,
        "state": "in-review",
        "supporter_count": 0,
    }
    for socket in (office_socket, staff_socket, public_socket):
        await socket.close()


@pytest.mark.parametrize("role", [None, "resident", "moderator", "staff_other"])
async def test_the_office_queue_and_a_department_queue_refuse_other_roles(
    world: World, live_url: str, make_user: MakeUser, role: str | None
) -> None:
    headers = {}
    if role is not None:
        department = world.other_department if role == "staff_other" else None
        member = await make_user("staff" if role == "staff_other" else role, department)
        headers = bearer(await factories.token(world.db, member))
    topics = ["concerns", f"concerns-department:{world.department.id}"]
    client = await subscribe(live_url, topics, additional_headers=headers)
    error = (await frames(client, 1))[0]
    assert error["type"] == "error" and sorted(error["topics"]) == sorted(topics)
    await client.close()
