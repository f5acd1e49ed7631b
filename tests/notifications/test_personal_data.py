"""Follows, notices and mail choices are in the data export and go with the account."""

from __future__ import annotations

from sqlalchemy import func, select

from dialog.db import Database
from dialog.notifications.models import Follow, Notification, NotificationPreference
from dialog.procedures.models import Procedure, Thread
from tests import factories
from tests.notifications.conftest import MakeUser, Talk


async def test_the_export_holds_follows_notices_and_mail_choices(
    api: factories.ApiAs, make_user: MakeUser, procedure: Procedure, thread: Thread, talk: Talk
) -> None:
    author, other = await make_user(), await make_user()
    await api.request(author, "PUT", f"/api/v1/me/follows/procedure/{procedure.id}")
    await api.request(
        author, "PUT", "/api/v1/me/notification-preferences", json={"reply": "weekly"}
    )
    comment = await talk.comment(author, thread.id, "Mehr Bäume")
    await talk.comment(other, thread.id, "Linden", parent_id=comment["id"])
    await talk.notices(author)
    exported = (await api.request(author, "GET", "/api/v1/me/export")).json()
    assert {(f["kind"], f["id"]) for f in exported["follows"]} == {
        ("procedure", procedure.id),
        ("thread", thread.id),
    }
    assert [n["kind"] for n in exported["notifications"]] == ["reply"]
    assert exported["notification_preferences"] == {"reply": "weekly"}


async def test_deleting_the_account_erases_follows_notices_and_mail_choices(
    api: factories.ApiAs,
    make_user: MakeUser,
    procedure: Procedure,
    thread: Thread,
    talk: Talk,
    db: Database,
) -> None:
    author, other = await make_user(), await make_user()
    await api.request(author, "PUT", f"/api/v1/me/follows/procedure/{procedure.id}")
    await api.request(author, "PUT", "/api/v1/me/notification-preferences", json={"reply": "off"})
    comment = await talk.comment(author, thread.id, "Mehr Bäume")
    await talk.comment(other, thread.id, "Linden", parent_id=comment["id"])
    await talk.notices(author)
    deletion = {"password": factories.PASSWORD}
    deleted = await api.request(author, "DELETE", "/api/v1/me", json=deletion)
    assert deleted.status_code == 204, deleted.text
    async with db.reading() as session:
        for table in (Follow, Notification, NotificationPreference):
            count = await session.scalar(
                select(func.count()).select_from(table).where(table.user_id == author.id)
            )
            assert count == 0, table.__tablename__
