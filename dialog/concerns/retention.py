"""Retention: what identifies people leaves an archived item after a period.

`DIALOG_CONCERN_RETENTION_DAYS` (default 30) after an item was archived, a job removes its
author's account link, name, e-mail address and tracking token, its photos, its internal notes
and the list of its supporters. The item itself stays for the annual report (category,
district, dates, state, answer, supporter count, satisfaction), and so does the history of what
staff did with it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from dialog.background import Background
from dialog.concerns.models import Concern, Note, Photo, State, Supporter
from dialog.db import Database, utcnow
from dialog.settings import Settings

CHECK_EVERY = 3600.0


def register(background: Background, db: Database, settings: Settings) -> None:
    days = settings.concern_retention_days
    background.every(
        "concern-retention",
        CHECK_EVERY,
        lambda: remove_personal_data(db, utcnow() - timedelta(days=days)),
        at_start=True,
    )


async def remove_personal_data(db: Database, archived_before: datetime) -> bool:
    """Strip every item archived before the moment; True when any item was touched."""
    expired = select(Concern.id).where(
        Concern.state == State.archived, Concern.archived_at < archived_before
    )
    async with db.unit_of_work() as uow:
        session = uow.session
        stripped = await session.execute(
            update(Concern)
            .where(
                Concern.id.in_(expired),
                (Concern.author_id.is_not(None))
                | (Concern.email.is_not(None))
                | (Concern.author_name != "")
                | (Concern.token_hash.is_not(None)),
            )
            .values(author_id=None, author_name="", email=None, token_hash=None, show_name=False)
        )
        photos = await session.execute(delete(Photo).where(Photo.concern_id.in_(expired)))
        notes = await session.execute(delete(Note).where(Note.concern_id.in_(expired)))
        supporters = await session.execute(
            delete(Supporter).where(Supporter.concern_id.in_(expired))
        )
    return any(r.rowcount for r in (stripped, photos, notes, supporters))  # type: ignore[attr-defined]
