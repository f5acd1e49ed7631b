"""Declaring event types, emitting and redacting them: what each refuses, and both write paths."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import select
from starlette.applications import Starlette

from dialog.db import Changes, Database, utcnow
from dialog.direct import Direct, Script
from dialog.discussion.events import (
    COMMENT,
    COMMENT_HIDDEN,
    COMMENT_PUBLISHED,
    COMMENT_QUEUED,
    CommentState,
    QueuedComment,
    VotesChanged,
)
from dialog.discussion.schemas import AuthorOut, CommentOut
from dialog.live.events import MODERATION, THREAD, EventRegistry, EventType, NoData, Ref
from dialog.live.models import Event
from dialog.live.outbox import emit, redact


class WithId(BaseModel):
    id: int


@pytest.mark.parametrize("name", ["Comment.published", "comment", "comment-published", "x." * 30])
def test_an_event_type_name_is_lower_case_words_joined_by_dots(name: str) -> None:
    with pytest.raises(ValueError, match="event type name"):
        EventType(name, THREAD, NoData, "")


def test_a_type_that_shows_a_record_needs_the_record_s_id_in_its_payload() -> None:
    with pytest.raises(ValueError, match="needs an `id`"):
        EventType("test.shown", THREAD, NoData, "", ref=Ref("test", WithId, ""))


def test_a_numbered_topic_kind_needs_its_number_and_the_others_take_none() -> None:
    assert THREAD.topic(12) == "thread:12" and MODERATION.topic() == "moderation"
    with pytest.raises(ValueError):
        THREAD.topic()
    with pytest.raises(ValueError):
        MODERATION.topic(1)


@pytest.mark.parametrize("topic", ["thread:", "thread:x", "thread:-1", "threads:1", "moderation"])
def test_only_a_well_formed_topic_of_the_kind_has_a_number(topic: str) -> None:
    assert THREAD.number_of(topic) is None


def test_the_registry_refuses_a_type_declared_twice() -> None:
    twin = EventType(COMMENT_HIDDEN.name, THREAD, CommentState, "")
    with pytest.raises(ValueError, match="declared twice"):
        EventRegistry([COMMENT_HIDDEN], [twin])


def test_emit_refuses_a_payload_of_another_model() -> None:
    wrong: Any = VotesChanged(id=1, up=0, down=0)
    with pytest.raises(TypeError, match="CommentState"):
        _never = emit(Changes(None), COMMENT_HIDDEN, wrong, 1)


def test_redact_refuses_data_that_is_not_the_ref_s_shape() -> None:
    with pytest.raises(TypeError, match="CommentState"):
        list(redact(Changes(None), COMMENT, 1, VotesChanged(id=1, up=0, down=0)))


async def test_an_emit_inside_a_transaction_script_cannot_be_awaited() -> None:
    state = CommentState(id=1, thread_id=1, status="hidden")
    with pytest.raises(TypeError, match="unit of work"):
        await emit(Changes(None), COMMENT_HIDDEN, state, 1)


async def test_a_script_and_a_unit_of_work_emit_the_same_row(app: Starlette, db: Database) -> None:
    state = CommentState(id=1, thread_id=7, status="hidden")

    def hide(changes: Changes) -> Script[Event]:
        return (yield from emit(changes, COMMENT_HIDDEN, state, 7))

    async with db.unit_of_work() as uow:
        by_session = await emit(uow, COMMENT_HIDDEN, state, 7)
    direct: Direct = app.state.services.direct
    by_script = await direct.write(hide)
    for event in (by_session, by_script):
        assert (event.topic, event.type, event.data) == (
            "thread:7",
            "comment.hidden",
            {"id": 1, "thread_id": 7, "status": "hidden"},
        )
    assert by_script.id == by_session.id + 1


async def test_a_script_and_a_unit_of_work_redact_a_record_s_events_alike(
    app: Starlette, db: Database
) -> None:
    author = AuthorOut(id=3, name="Erika")
    shown = {
        n: CommentOut(
            id=n,
            thread_id=7,
            parent_id=None,
            depth=0,
            status="published",
            html="<p>alt</p>",
            stance=None,
            author=author,
            created_at=utcnow(),
            edited_at=None,
            up=0,
            down=0,
            replies=0,
            url=f"/comments/{n}",
        )
        for n in (1, 2)
    }
    async with db.unit_of_work() as uow:
        for out in shown.values():
            await emit(uow, COMMENT_PUBLISHED, out, 7)
        await emit(uow, COMMENT_QUEUED, QueuedComment(**dict(shown[1]), held_by="links"))
    gone = {n: CommentState(id=n, thread_id=7, status="hidden") for n in (1, 2)}

    def hide_one(changes: Changes) -> Script[None]:
        yield from redact(changes, COMMENT, 1, gone[1], "thread:7")

    direct: Direct = app.state.services.direct
    await direct.write(hide_one)
    async with db.unit_of_work() as uow:
        await redact(uow, COMMENT, 2, gone[2], "thread:7")
    async with db.reading() as session:
        stored = (await session.scalars(select(Event).order_by(Event.id))).all()
    assert [(e.ref, e.data) for e in stored] == [
        ("comment:1", gone[1].model_dump()),
        ("comment:2", gone[2].model_dump()),
        ("comment:1", QueuedComment(**dict(shown[1]), held_by="links").model_dump(mode="json")),
    ]
