"""DSGVO: export everything about oneself; delete the account (comments kept or removed)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from dialog.accounts.models import User
from dialog.db import Database
from dialog.discussion.models import Comment, Flag, Vote
from dialog.mail import Mail, outbox
from dialog.mail.models import OutboxMail
from dialog.notifications.models import Notification
from dialog.procedures.models import Thread
from dialog.settings import Settings
from tests import factories
from tests.accounts.conftest import MakeUser, SignIn


async def contributions(db: Database, thread: Thread, author: User, other: User) -> Comment:
    async with db.unit_of_work() as uow:
        mine = Comment(
            thread_id=thread.id,
            author_id=author.id,
            body="Mein Beitrag",
            html="<p>Mein Beitrag</p>",
        )
        theirs = Comment(
            thread_id=thread.id, author_id=other.id, body="Andere", html="<p>Andere</p>"
        )
        uow.session.add_all([mine, theirs])
        await uow.session.flush()
        uow.session.add(Vote(user_id=author.id, comment_id=theirs.id, value=1))
        uow.session.add(Flag(comment_id=theirs.id, user_id=author.id, reason="off-topic"))
    return mine


async def test_the_export_holds_profile_comments_votes_flags_and_consents(
    api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    user, other = await make_user(), await make_user()
    await contributions(db, thread, user, other)
    data = (await api.request(user, "GET", "/api/v1/me/export")).json()
    assert data["profile"]["email"] == user.email
    assert [c["body"] for c in data["comments"]] == ["Mein Beitrag"]
    assert data["votes"][0]["value"] == 1
    assert data["flags"][0]["reason"] == "off-topic"
    assert "consents" in data


async def test_the_export_lists_the_mail_kept_for_the_account_without_its_text(
    api: factories.ApiAs, make_user: MakeUser, db: Database, settings: Settings
) -> None:
    user = await make_user()
    async with db.unit_of_work() as uow:
        message = Mail(to=str(user.email), subject="Hallo", text="geheimer Link", user_id=user.id)
        await outbox.queue(uow, settings, message)
    data = (await api.request(user, "GET", "/api/v1/me/export")).json()
    assert [(m["to"], m["subject"]) for m in data["mails"]] == [(user.email, "Hallo")]
    assert "geheimer Link" not in str(data)


async def test_deleting_the_account_erases_its_mail_sent_or_queued(
    api: factories.ApiAs, make_user: MakeUser, db: Database, settings: Settings
) -> None:
    user, other = await make_user(), await make_user()
    async with db.unit_of_work() as uow:
        for person in (user, other):
            message = Mail(to=str(person.email), subject="Hallo", text="…", user_id=person.id)
            await outbox.queue(uow, settings, message)
    response = await api.request(
        user, "DELETE", "/api/v1/me", json={"password": factories.PASSWORD}
    )
    assert response.status_code == 204
    async with db.reading() as session:
        left = (await session.scalars(select(OutboxMail.user_id))).all()
    assert left == [other.id]


async def test_deleting_the_account_erases_its_notifications(
    api: factories.ApiAs, make_user: MakeUser, db: Database
) -> None:
    user, other = await make_user(), await make_user()
    async with db.unit_of_work() as uow:
        uow.session.add_all(
            Notification(user_id=person.id, kind="answer.published", title="Antwort")
            for person in (user, other)
        )
    exported = (await api.request(user, "GET", "/api/v1/me/export")).json()
    assert [n["title"] for n in exported["notifications"]] == ["Antwort"]
    response = await api.request(
        user, "DELETE", "/api/v1/me", json={"password": factories.PASSWORD}
    )
    assert response.status_code == 204
    async with db.reading() as session:
        left = (await session.scalars(select(Notification.user_id))).all()
    assert left == [other.id]


async def test_the_profile_page_offers_the_export_as_a_download(
    client: httpx.AsyncClient, browser_session: SignIn, make_user: MakeUser
) -> None:
    user = await make_user()
    await browser_session(user)
    assert 'href="/me/export"' in (await client.get("/me")).text
    download = await client.get("/me/export")
    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    assert download.json()["profile"]["id"] == user.id


async def test_deleting_erases_personal_data_and_keeps_comments_under_deleted_account(
    api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    user, other = await make_user(), await make_user()
    comment = await contributions(db, thread, user, other)
    response = await api.request(
        user, "DELETE", "/api/v1/me", json={"password": factories.PASSWORD}
    )
    assert response.status_code == 204
    async with db.reading() as session:
        gone = await session.get(User, user.id)
        kept = await session.get(Comment, comment.id)
    assert gone is not None and gone.email is None and gone.password_hash is None
    assert gone.display_name == "deleted account" and gone.deleted_at is not None
    assert kept is not None and kept.body == "Mein Beitrag" and kept.author_id == user.id
    assert (await api.request(user, "GET", "/api/v1/me")).status_code == 401


async def test_deleting_can_remove_the_comments_text(
    api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    user, other = await make_user(), await make_user()
    comment = await contributions(db, thread, user, other)
    await api.request(
        user, "DELETE", "/api/v1/me", json={"password": factories.PASSWORD, "comments": "remove"}
    )
    async with db.reading() as session:
        removed = await session.get(Comment, comment.id)
    assert removed is not None and removed.status == "withdrawn"
    assert removed.body == "" and removed.html == ""


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "The password is not correct."), ("de", "Das Passwort ist nicht richtig.")],
)
async def test_the_delete_page_refuses_a_wrong_password_beside_the_field(
    client: httpx.AsyncClient,
    browser_session: SignIn,
    make_user: MakeUser,
    lang: str,
    expected: str,
) -> None:
    user = await make_user()
    token = await browser_session(user)
    client.cookies.set("dialog_lang", lang)
    response = await client.post(
        "/me/delete", data={"password": "falsch-falsch", "comments": "keep", "csrf_token": token}
    )
    assert response.status_code == 422
    assert 'id="password-error"' in response.text and expected in response.text


async def test_the_delete_page_signs_out_and_ends_every_session(
    client: httpx.AsyncClient, browser_session: SignIn, make_user: MakeUser
) -> None:
    user = await make_user()
    token = await browser_session(user)
    response = await client.post(
        "/me/delete",
        data={"password": factories.PASSWORD, "comments": "keep", "csrf_token": token},
    )
    assert response.status_code == 303
    assert (await client.get("/api/v1/me")).status_code == 401
    again = await client.post(
        "/login", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token}
    )
    assert again.status_code in (403, 422)
