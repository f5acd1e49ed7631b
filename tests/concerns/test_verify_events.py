"""verify_action for the office's queue: its snapshot plus the events of `concerns` equals a
fresh fetch of the queue after each step."""

from __future__ import annotations

from sqlalchemy import func, select

from dialog.accounts.models import User
from dialog.concerns.policy import OPEN
from dialog.live.models import Event
from tests import factories
from tests.concerns.conftest import MakeUser, World


async def queue_of(api: factories.ApiAs, office: User) -> dict[int, str]:
    response = await api.request(office, "GET", "/api/v1/concerns/queue")
    assert response.status_code == 200
    return {entry["id"]: entry["state"] for entry in response.json()}


async def last_event(world: World) -> int:
    async with world.db.reading() as session:
        return int(await session.scalar(select(func.max(Event.id))) or 0)


async def apply_events(world: World, snapshot: dict[int, str], since: int) -> dict[int, str]:
    async with world.db.reading() as session:
        events = (
            await session.scalars(
                select(Event).where(Event.id > since, Event.topic == "concerns").order_by(Event.id)
            )
        ).all()
    state = dict(snapshot)
    for event in events:
        if event.data["state"] in OPEN:
            state[event.data["id"]] = event.data["state"]
        else:
            state.pop(event.data["id"], None)
    return state


async def test_the_queue_snapshot_plus_events_equals_a_fresh_fetch(
    world: World, make_user: MakeUser, api: factories.ApiAs
) -> None:
    office = await make_user("office")
    staff = await make_user("staff", world.department)
    first, second = await world.submit(), await world.submit()
    steps = [
        (office, f"/api/v1/concerns/{first.id}/route", {"department": world.department.id}),
        (staff, f"/api/v1/concerns/{first.id}/accept", {}),
        (office, f"/api/v1/concerns/{second.id}/merge", {"original": first.id}),
        (office, f"/api/v1/concerns/{first.id}/forward", {"to": "Deutsche Bahn"}),
    ]
    for who, url, body in steps:
        before, since = await queue_of(api, office), await last_event(world)
        done = await api.request(who, "POST", url, json=body)
        assert done.status_code == 200, done.text
        assert await apply_events(world, before, since) == await queue_of(api, office)
    assert await queue_of(api, office) == {}
