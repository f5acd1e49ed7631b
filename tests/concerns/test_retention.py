"""Archived items lose what identifies people after the retention period, and keep the rest."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from dialog.concerns.models import Concern, Note, Photo, State, Supporter
from dialog.concerns.retention import remove_personal_data
from dialog.db import Database, utcnow
from tests.concerns.conftest import MakeUser, World


async def archive(world: World, item: Concern, days_ago: int, supporter: int) -> None:
    async with world.db.unit_of_work() as uow:
        found = await uow.session.get(Concern, item.id)
        assert found is not None
        found.state = State.archived
        found.archived_at = utcnow() - timedelta(days=days_ago)
        found.satisfaction = 4
        uow.session.add_all(
            [
                Photo(concern_id=item.id, data=b"jpeg", width=1, height=1),
                Note(concern_id=item.id, body="Frau Meier rief an, Tel. 0331 123"),
                Supporter(concern_id=item.id, user_id=supporter),
            ]
        )


async def rows(db: Database, model: type[Photo] | type[Note] | type[Supporter], item: int) -> int:
    async with db.reading() as session:
        found = await session.scalar(
            select(func.count()).select_from(model).where(model.concern_id == item)
        )
    return int(found or 0)


async def test_personal_data_of_archived_items_goes_after_the_period(
    world: World, make_user: MakeUser
) -> None:
    author = await make_user(display_name="Frau Meier")
    fan = await make_user(display_name="Herr Lehmann")
    old = await world.submit(author, show_name=True)
    anonymous_old = await world.submit(email="meier@example.org")
    recent = await world.submit(author)
    still_open = await world.submit(author)
    await archive(world, old, days_ago=31, supporter=fan.id)
    await archive(world, anonymous_old, days_ago=45, supporter=fan.id)
    await archive(world, recent, days_ago=29, supporter=fan.id)

    assert await remove_personal_data(world.db, utcnow() - timedelta(days=30))

    for item in (old, anonymous_old):
        stripped = await world.load(item.id)
        assert stripped.author_id is None and stripped.author_name == ""
        assert stripped.email is None and stripped.token_hash is None and not stripped.show_name
        assert stripped.text == item.text and stripped.satisfaction == 4  # for the report
        assert stripped.state == State.archived
        for model in (Photo, Note, Supporter):
            assert await rows(world.db, model, item.id) == 0
    kept = await world.load(recent.id)
    assert kept.author_id == author.id
    for model in (Photo, Note, Supporter):
        assert await rows(world.db, model, recent.id) == 1
    assert (await world.load(still_open.id)).author_id == author.id
    # A second run finds nothing more to remove.
    assert not await remove_personal_data(world.db, utcnow() - timedelta(days=30))
