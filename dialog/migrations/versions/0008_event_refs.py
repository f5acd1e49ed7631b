"""event refs: the record an event shows, so its owner redacts the stored events with it

Events stored before this revision get their ref from their type and data, and whatever of
them is no longer public now (or names an erased or renamed author) is redacted, as the code
does from now on in the transaction of each change. Erased accounts' flag notes are cleared.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The types as they were declared at this revision, and the kind of record they show.
REFS = {
    "comment.published": "comment",
    "comment.edited": "comment",
    "comment.queued": "comment",
    "flag.created": "flag",
    "answer.published": "answer",
}
BATCH = 1000

events = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("topic", sa.String),
    sa.column("type", sa.String),
    sa.column("data", sa.JSON),
    sa.column("ref", sa.String),
)
comments = sa.table(
    "comments",
    sa.column("id", sa.Integer),
    sa.column("thread_id", sa.Integer),
    sa.column("author_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("html", sa.Text),
)
users = sa.table(
    "users",
    sa.column("id", sa.Integer),
    sa.column("display_name", sa.String),
    sa.column("deleted_at", sa.DateTime),
)
flags = sa.table(
    "flags",
    sa.column("id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("note", sa.String),
)
answers = sa.table("answers", sa.column("id", sa.Integer), sa.column("html", sa.Text))


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ref", sa.String(length=60), nullable=True))
        batch_op.create_index("ix_events_ref", ["ref"], unique=False)
    connection = op.get_bind()
    erased = sa.select(users.c.id).where(users.c.deleted_at.is_not(None))
    connection.execute(flags.update().where(flags.c.user_id.in_(erased)).values(note=""))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(events.c.id, events.c.topic, events.c.type, events.c.data)
            .where(events.c.id > last, events.c.type.in_(sorted(REFS)))
            .order_by(events.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for event_id, topic, type_, data in rows:
            _backfill(connection, event_id, topic, type_, data)
        last = rows[-1][0]


def _backfill(connection: sa.Connection, event_id: int, topic: str, type_: str, data: Any) -> None:
    kind = REFS[type_]
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return
    values: dict[str, Any] = {"ref": f"{kind}:{data['id']}"}
    redacted = {"comment": _comment, "flag": _flag, "answer": _answer}[kind](
        connection, topic, data
    )
    if redacted is not None:
        values["data"] = redacted
    connection.execute(events.update().where(events.c.id == event_id).values(**values))


def _comment(connection: sa.Connection, topic: str, data: dict[str, Any]) -> Any:
    """{id, thread_id, status} unless the event still shows what its audience may read."""
    found = connection.execute(
        sa.select(comments.c.thread_id, comments.c.status, comments.c.html, users.c.display_name)
        .select_from(comments.outerjoin(users, users.c.id == comments.c.author_id))
        .add_columns(users.c.deleted_at)
        .where(comments.c.id == data["id"])
    ).first()
    if found is None:
        return {"id": data["id"], "thread_id": data.get("thread_id"), "status": "withdrawn"}
    thread_id, status, html, name, deleted_at = found
    author = data.get("author") or {}
    public = topic.startswith("thread:")
    stale = (
        status == "withdrawn"
        or deleted_at is not None
        or (author.get("id") is not None and author.get("name") != name)
        or (public and (status != "published" or data.get("html") != html))
    )
    return {"id": data["id"], "thread_id": thread_id, "status": status} if stale else None


def _flag(connection: sa.Connection, topic: str, data: dict[str, Any]) -> Any:
    found = connection.execute(
        sa.select(users.c.deleted_at)
        .select_from(flags.join(users, users.c.id == flags.c.user_id))
        .where(flags.c.id == data["id"])
    ).first()
    if found is None or found[0] is None:
        return None
    keep = ("id", "comment_id", "thread_id", "reason")
    return {key: data.get(key) for key in keep}


def _answer(connection: sa.Connection, topic: str, data: dict[str, Any]) -> Any:
    html = connection.execute(sa.select(answers.c.html).where(answers.c.id == data["id"])).scalar()
    if html is not None and html == data.get("html"):
        return None
    keep = ("id", "thread_id", "comment_id")
    return {key: data.get(key) for key in keep}


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_ref")
        batch_op.drop_column("ref")
