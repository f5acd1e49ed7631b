"""Mailing notices: a burst after the hold-back becomes one mail, digests at 07:00 in Potsdam,
in the reader's language, only to confirmed addresses of active people, with unsubscribe."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from dialog.accounts.models import ApiToken, User
from dialog.db import Database, utcnow
from dialog.notifications.kinds import Mode
from dialog.notifications.mailing import digest_moment
from dialog.procedures.models import Department, Procedure, Thread
from dialog.settings import Settings
from tests import factories
from tests.mailbox import SmtpServer, settled
from tests.notifications.conftest import MakeUser, Talk
from tests.notifications.helpers import after_hold_back, consumed, digests, mail_now


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return dataclasses.replace(settings, smtp_url=smtp.url)


def tomorrow_morning() -> datetime:
    """Just after the next 07:00 in Potsdam."""
    return digest_moment(Mode.daily, utcnow() + timedelta(days=1)) + timedelta(minutes=1)


def test_the_digest_moment_is_seven_in_potsdam_summer_and_winter() -> None:
    winter = datetime(2026, 12, 8, 6, 30, tzinfo=UTC)  # 07:30 in Potsdam
    assert digest_moment(Mode.daily, winter) == datetime(2026, 12, 8, 6, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 8, 4, 30, tzinfo=UTC)  # 06:30 in Potsdam: yesterday's
    assert digest_moment(Mode.daily, summer) == datetime(2026, 7, 7, 5, 0, tzinfo=UTC)
    thursday = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
    assert digest_moment(Mode.weekly, thursday) == datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


async def test_a_burst_of_replies_becomes_one_mail_after_the_hold_back(
    make_user: MakeUser,
    thread: Thread,
    talk: Talk,
    db: Database,
    settings: Settings,
    smtp: SmtpServer,
) -> None:
    author, other = await make_user(), await make_user()
    comment = await talk.comment(author, thread.id, "Mehr Bäume")
    replies = [
        await talk.comment(other, thread.id, text, parent_id=comment["id"])
        for text in ("Ja, Linden", "Und Eichen")
    ]
    await consumed(db)
    assert await mail_now(db, settings, utcnow() + timedelta(minutes=5)) == 0
    assert await mail_now(db, settings, after_hold_back()) == 1
    assert await mail_now(db, settings, after_hold_back(30)) == 0  # claimed once
    await settled(db)
    (mail,) = smtp.inbox.to(str(author.email))
    assert mail["Subject"] == "2 neue Benachrichtigungen"
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    for reply in replies:
        assert f"http://testserver/comments/{reply['id']}" in text
    assert "Ja, Linden" in text and "Und Eichen" in text
    assert str(mail["List-Unsubscribe"]).strip().startswith("<http://testserver/unsubscribe/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


async def test_the_mail_is_in_the_reader_s_language(
    make_user: MakeUser,
    thread: Thread,
    talk: Talk,
    db: Database,
    settings: Settings,
    smtp: SmtpServer,
) -> None:
    author, other = await make_user(locale="en"), await make_user(locale="de")
    comment = await talk.comment(author, thread.id, "More trees")
    await talk.comment(other, thread.id, "Ja!", parent_id=comment["id"])
    await consumed(db)
    assert await mail_now(db, settings) == 1
    await settled(db)
    (mail,) = smtp.inbox.to(str(author.email))
    assert mail["Subject"] == f"New reply to your comment in “{thread.title}”"
    assert "there is news for you on dialog" in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]


async def test_no_mail_without_a_confirmed_address_or_with_mail_turned_off(
    api: factories.ApiAs,
    make_user: MakeUser,
    thread: Thread,
    talk: Talk,
    db: Database,
    settings: Settings,
) -> None:
    unconfirmed, quiet, other = (
        await make_user(email_verified_at=None),
        await make_user(),
        await make_user(),
    )
    off = await api.request(
        quiet, "PUT", "/api/v1/me/notification-preferences", json={"reply": "off"}
    )
    assert off.json()["reply"] == "off"
    for who in (unconfirmed, quiet):
        comment = await talk.comment(who, thread.id, f"Hallo von {who.display_name}")
        answer = f"Hallo zurück an {who.display_name}"  # the same text twice would be held
        await talk.comment(other, thread.id, answer, parent_id=comment["id"])
        assert [n.delivery for n in await talk.notices(who)] == ["none"], who.display_name
    assert await mail_now(db, settings) == 0


async def test_the_daily_digest_holds_what_one_follows_and_goes_out_once(
    api: factories.ApiAs,
    make_user: MakeUser,
    procedure: Procedure,
    department: Department,
    talk: Talk,
    db: Database,
    settings: Settings,
    smtp: SmtpServer,
) -> None:
    follower = await make_user(locale="en")
    await api.request(follower, "PUT", f"/api/v1/me/follows/procedure/{procedure.id}")
    staff = await make_user("staff", department)
    await api.request(
        staff, "PATCH", f"/api/v1/procedures/{procedure.id}", json={"phase": "evaluation"}
    )
    assert [n.delivery for n in await talk.notices(follower)] == ["daily"]
    assert await mail_now(db, settings) == 0  # followed items wait for the digest
    assert await digests(db, settings, utcnow()) == 0  # made after this morning's digest
    assert await digests(db, settings, tomorrow_morning()) == 1
    assert await digests(db, settings, tomorrow_morning()) == 0
    await settled(db)
    (mail,) = smtp.inbox.to(str(follower.email))
    assert mail["Subject"] == "Your daily digest: 1 notice"
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "here is what happened yesterday" in text
    assert f"http://testserver/procedures/{procedure.id}" in text


async def test_people_inactive_for_180_days_get_no_digest(
    api: factories.ApiAs,
    make_user: MakeUser,
    procedure: Procedure,
    department: Department,
    talk: Talk,
    db: Database,
    settings: Settings,
) -> None:
    sleeper = await make_user()
    await api.request(sleeper, "PUT", f"/api/v1/me/follows/procedure/{procedure.id}")
    long_ago = utcnow() - timedelta(days=181)
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            update(User).where(User.id == sleeper.id).values(created_at=long_ago)
        )
        await uow.session.execute(
            update(ApiToken).where(ApiToken.user_id == sleeper.id).values(last_used_at=long_ago)
        )
    staff = await make_user("staff", department)
    await api.request(
        staff, "PATCH", f"/api/v1/procedures/{procedure.id}", json={"phase": "completed"}
    )
    assert len(await talk.notices(sleeper)) == 1
    assert await digests(db, settings, tomorrow_morning()) == 0


async def test_a_mail_leaves_out_the_text_of_a_reply_hidden_meanwhile(
    make_user: MakeUser,
    thread: Thread,
    talk: Talk,
    db: Database,
    settings: Settings,
    smtp: SmtpServer,
) -> None:
    from dialog.discussion.models import CommentStatus
    from tests.results.conftest import Helpers

    author, other = await make_user(), await make_user()
    comment = await talk.comment(author, thread.id, "Mehr Bäume")
    reply = await talk.comment(other, thread.id, "Geheimnisvoller Unsinn", parent_id=comment["id"])
    await consumed(db)
    await Helpers(talk.api, db).set_status(reply["id"], CommentStatus.hidden)
    assert await mail_now(db, settings) == 1
    await settled(db)
    (mail,) = smtp.inbox.to(str(author.email))
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Geheimnisvoller" not in text
    assert "Dieser Beitrag wird nicht mehr angezeigt." in text
