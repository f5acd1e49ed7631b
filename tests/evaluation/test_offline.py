"""Offline input: a published comment without an account, with its source; counted apart."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from dialog.db import Database
from dialog.discussion.models import Comment
from dialog.errors import InvalidInput
from dialog.evaluation import actions, queries
from dialog.evaluation.schemas import OfflineIn
from dialog.live.models import Event
from dialog.procedures.models import Procedure, Thread
from tests.evaluation.conftest import Workbench, as_actor


def workshop(thread_id: int, **fields: object) -> OfflineIn:
    values: dict[str, object] = {
        "thread_id": thread_id,
        "kind": "workshop",
        "held_on": "2026-05-04",
        "place": "Bürgerhaus  Schlaatz",
        "people": 12,
        "body": "Die Gruppe wünscht sich mehr Bänke.",
    }
    return OfflineIn.model_validate({**values, **fields})


async def enter(bench: Workbench, data: OfflineIn) -> Comment:
    async with bench.db.unit_of_work() as uow:
        procedure = await uow.session.get(Procedure, bench.procedure.id)
        assert procedure is not None
        return await actions.do_enter_offline(uow, as_actor(bench.staff), procedure, data)


async def test_offline_input_is_a_published_comment_in_the_thread_and_live(
    bench: Workbench, db: Database
) -> None:
    comment = await enter(bench, workshop(bench.thread.id))
    async with db.reading() as session:
        stored = await session.get(Comment, comment.id)
        thread = await session.get(Thread, bench.thread.id)
        sources = await queries.offline_sources(session, [comment.id])
        events = (
            await session.scalars(select(Event).where(Event.ref == f"comment:{comment.id}"))
        ).all()
    assert stored is not None and stored.status == "published" and stored.author_id is None
    assert thread is not None and thread.comment_count == 1
    source = sources[comment.id]
    assert (source.kind, source.held_on, source.place, source.people) == (
        "workshop",
        date(2026, 5, 4),
        "Bürgerhaus Schlaatz",
        12,
    )
    assert [e.type for e in events] == ["comment.published"]


async def test_offline_input_is_counted_separately_per_kind(bench: Workbench, db: Database) -> None:
    await enter(bench, workshop(bench.thread.id))
    await enter(bench, workshop(bench.thread.id, kind="letter", people=1, place=""))
    await enter(bench, workshop(bench.thread.id, people=8))
    await bench.comment("online")
    async with db.reading() as session:
        counts = await queries.offline_counts(session, bench.procedure.id)
    assert [(c.kind, c.contributions, c.people) for c in counts] == [
        ("letter", 1, 1),
        ("workshop", 2, 20),
    ]


async def test_offline_input_goes_only_into_a_thread_of_the_procedure(
    bench: Workbench, db: Database, procedure: Procedure
) -> None:
    with pytest.raises(InvalidInput) as raised:
        await enter(bench, workshop(999_999))
    assert "thread_id" in raised.value.fields


@pytest.mark.parametrize(
    ("field", "value"),
    [("kind", "fax"), ("people", 0), ("held_on", "gestern"), ("body", "   "), ("place", "x" * 201)],
)
def test_bad_offline_input_names_the_field(field: str, value: object) -> None:
    with pytest.raises(ValueError) as raised:
        workshop(1, **{field: value})
    assert field in str(raised.value)
