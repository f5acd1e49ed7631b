"""Official answers: who may give them, what they look like, who hears about them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from email import message_from_bytes
from email.policy import default

from sqlalchemy import select

from dialog.accounts.models import User
from dialog.db import Database
from dialog.live.models import Event
from dialog.notifications.models import Notification
from dialog.procedures.models import Department, Thread
from dialog.results import queries
from dialog.settings import Settings
from tests import factories
from tests.mailbox import settled
from tests.notifications.helpers import consumed, mail_now
from tests.results.conftest import Helpers

MakeUser = Callable[..., Awaitable[User]]


async def notified(db: Database) -> dict[int, list[Notification]]:
    await consumed(db)  # the notification consumer writes them from the answer's event
    async with db.reading() as session:
        rows = (await session.scalars(select(Notification).order_by(Notification.id))).all()
    found: dict[int, list[Notification]] = {}
    for row in rows:
        found.setdefault(row.user_id, []).append(row)
    return found


async def test_staff_answer_a_comment_and_the_thread_shows_it(
    api: factories.ApiAs,
    helpers: Helpers,
    staff: User,
    make_user: MakeUser,
    thread: Thread,
    db: Database,
) -> None:
    author = await make_user()
    comment = await helpers.comment(author, thread, "Mehr Radwege")
    response = await api.request(
        staff,
        "POST",
        f"/api/v1/comments/{comment['id']}/answer",
        json={"body": "Wir prüfen das.", "state": "under-consideration"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["comment_id"] == comment["id"]
    assert body["state"] == "under-consideration"
    assert body["html"] == "<p>Wir prüfen das.</p>"
    assert body["department"] == "Fachbereich Stadtplanung"
    async with db.reading() as session:
        shown = await queries.answers_for_thread(session, thread.id)
    assert shown[comment["id"]].id == body["id"]
    listing = await api.request(None, "GET", f"/api/v1/threads/{thread.id}/answer")
    assert [a["id"] for a in listing.json()] == [body["id"]]


async def test_an_answer_arrives_live_on_the_thread_topic(
    api: factories.ApiAs,
    helpers: Helpers,
    staff: User,
    make_user: MakeUser,
    thread: Thread,
    db: Database,
) -> None:
    comment = await helpers.comment(await make_user(), thread, "Eine Idee")
    response = await api.request(
        staff, "POST", f"/api/v1/comments/{comment['id']}/answer", json={"body": "Danke!"}
    )
    async with db.reading() as session:
        events = (
            await session.scalars(select(Event).where(Event.type == "answer.published"))
        ).all()
    assert [(e.topic, e.data["id"]) for e in events] == [
        (f"thread:{thread.id}", response.json()["id"])
    ]
    assert events[0].data == response.json()


async def test_the_author_and_every_voter_are_notified_but_not_the_staff_member(
    api: factories.ApiAs,
    helpers: Helpers,
    staff: User,
    make_user: MakeUser,
    thread: Thread,
    db: Database,
) -> None:
    author, up, down, bystander = [await make_user() for _ in range(4)]
    comment = await helpers.comment(author, thread, "Bänke am Ufer")
    await helpers.vote(up, comment["id"], 1)
    await helpers.vote(down, comment["id"], -1)
    await helpers.vote(staff, comment["id"], 1)
    await api.request(
        staff,
        "POST",
        f"/api/v1/comments/{comment['id']}/answer",
        json={"body": "Wird umgesetzt.", "state": "adopted"},
    )
    found = await notified(db)
    assert set(found) == {author.id, up.id, down.id}
    assert bystander.id not in found
    note = found[author.id][0]
    assert note.kind == "answer"
    assert note.url == f"/comments/{comment['id']}"
    assert "Wird umgesetzt." in note.body
    assert note.event_id is not None


async def test_answering_again_updates_the_one_answer(
    api: factories.ApiAs, helpers: Helpers, staff: User, make_user: MakeUser, thread: Thread
) -> None:
    comment = await helpers.comment(await make_user(), thread, "Idee")
    url = f"/api/v1/comments/{comment['id']}/answer"
    first = await api.request(staff, "POST", url, json={"body": "Eingegangen."})
    second = await api.request(staff, "POST", url, json={"body": "Umgesetzt.", "state": "adopted"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["state"] == "adopted"


async def test_not_adopted_needs_a_reason(
    api: factories.ApiAs, helpers: Helpers, staff: User, make_user: MakeUser, thread: Thread
) -> None:
    comment = await helpers.comment(await make_user(), thread, "Idee")
    url = f"/api/v1/comments/{comment['id']}/answer"
    refused = await api.request(staff, "POST", url, json={"body": "Nein.", "state": "not-adopted"})
    assert refused.status_code == 422
    assert set(refused.json()["error"]["fields"]) == {"reason"}
    accepted = await api.request(
        staff,
        "POST",
        url,
        json={"body": "Nein.", "state": "not-adopted", "reason": "Kein Platz."},
    )
    assert accepted.status_code == 201
    assert accepted.json()["reason"] == "Kein Platz."


async def test_a_whole_thread_gets_an_answer_and_its_writers_hear_of_it(
    api: factories.ApiAs,
    helpers: Helpers,
    staff: User,
    make_user: MakeUser,
    thread: Thread,
    db: Database,
) -> None:
    writer = await make_user()
    await helpers.comment(writer, thread, "Eins")
    response = await api.request(
        staff,
        "POST",
        f"/api/v1/threads/{thread.id}/answer",
        json={"body": "Zusammenfassung", "state": "partly-adopted", "reason": "Budget"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["comment_id"] is None
    assert set(await notified(db)) == {writer.id}
    async with db.reading() as session:
        assert (await queries.answers_for_thread(session, thread.id))[None].state == (
            "partly-adopted"
        )


async def test_only_staff_of_the_responsible_department_and_admins_answer(
    api: factories.ApiAs,
    helpers: Helpers,
    make_user: MakeUser,
    thread: Thread,
    other_department: Department,
) -> None:
    comment = await helpers.comment(await make_user(), thread, "Idee")
    url = f"/api/v1/comments/{comment['id']}/answer"
    payload = {"body": "Antwort"}
    assert (await api.request(None, "POST", url, json=payload)).status_code == 401
    for who in (
        await make_user(),
        await make_user("moderator"),
        await make_user("staff", other_department),
    ):
        assert (await api.request(who, "POST", url, json=payload)).status_code == 403
    admin = await make_user("admin")
    assert (await api.request(admin, "POST", url, json=payload)).status_code == 201


async def test_the_answer_reaches_each_reader_in_the_reader_s_language(
    api: factories.ApiAs,
    helpers: Helpers,
    staff: User,
    make_user: MakeUser,
    thread: Thread,
    db: Database,
    settings: Settings,
) -> None:
    english = await make_user(locale="en", notify_by_mail=True)
    german = await make_user(locale="de", notify_by_mail=True)
    comment = await helpers.comment(english, thread, "Mehr Bäume")
    await helpers.vote(german, comment["id"], 1)
    await api.request(
        staff,
        "POST",
        f"/api/v1/comments/{comment['id']}/answer",
        json={"body": "Wird gepflanzt.", "state": "adopted"},
        headers={"Accept-Language": "de"},  # the staff member writes in German
    )
    found = await notified(db)
    assert found[english.id][0].title == "Fachbereich Stadtplanung answered: Adopted"
    assert found[german.id][0].title == "Fachbereich Stadtplanung hat geantwortet: Übernommen"
    assert await mail_now(db, settings) == 2  # after the hold-back, one mail each
    await settled(db)
    subjects = {
        str(mail["To"]): str(mail["Subject"])
        for mail in (
            message_from_bytes(path.read_bytes(), policy=default)
            for path in (settings.var_dir / "mail").glob("*.eml")
        )
    }
    assert subjects == {
        english.email: "Fachbereich Stadtplanung answered: Adopted",
        german.email: "Fachbereich Stadtplanung hat geantwortet: Übernommen",
    }
