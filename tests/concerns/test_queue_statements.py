"""A queue page costs the same few SQL statements for 2 items as for 12: categories, answers
and photos are read once for the page (before, three statements per item: 150 for a page of 50).
No timings here; the figures are in docs/performance.md."""

from __future__ import annotations

from dialog.accounts.models import User
from dialog.db import Database
from tests import factories
from tests.concerns.conftest import MakeUser, World
from tests.discussion.helpers import counting_queries


async def statements_for(api: factories.ApiAs, db: Database, office: User, path: str) -> int:
    with counting_queries(db) as statements:
        response = await api.request(office, "GET", path)
    assert response.status_code == 200, response.text
    # The outbox's consumers run beside the request; only what reads items counts.
    return len([s for s in statements if "concern" in s])


async def test_the_queue_and_the_public_list_cost_the_same_statements_for_few_and_many_items(
    world: World, api: factories.ApiAs, db: Database, make_user: MakeUser
) -> None:
    office = await make_user("office")
    for _ in range(2):
        await world.submit()
    paths = ("/api/v1/concerns/queue", "/api/v1/concerns")
    for path in paths:  # the first request of a session reads what is cached afterwards
        await statements_for(api, db, office, path)
    few = [await statements_for(api, db, office, path) for path in paths]
    for _ in range(10):
        await world.submit()
    many = [await statements_for(api, db, office, path) for path in paths]
    assert many == few
