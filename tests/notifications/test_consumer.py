"""The notification consumer: from outbox events to notices, once per person and event."""

from __future__ import annotations

from sqlalchemy import select

from dialog.db import Database
from dialog.live.models import Event
from dialog.notifications.consumer import NotificationConsumer
from dialog.procedures.models import Department, Procedure, Thread
from dialog.settings import Settings
from tests import factories
from tests.notifications.conftest import MakeUser, Talk
from tests.notifications.helpers import consumed


async def test_a_reply_notifies_the_author_of_the_comment_replied_to_with_a_link_to_it(
    make_user: MakeUser, thread: Thread, talk: Talk
) -> None:
    first, second = await make_user(), await make_user(locale="en")
    comment = await talk.comment(first, thread.id, "Mehr Bäume")
    reply = await talk.comment(second, thread.id, "Und Bänke darunter", parent_id=comment["id"])
    (note,) = await talk.notices(first)
    assert (note.kind, note.url, note.comment_id) == (
        "reply",
        f"/comments/{reply['id']}",
        reply["id"],
    )
    assert note.title == f"Neue Antwort auf Ihren Beitrag in „{thread.title}“"
    assert await talk.notices(second) == []


async def test_replying_to_oneself_notifies_nobody(
    make_user: MakeUser, thread: Thread, talk: Talk
) -> None:
    writer = await make_user()
    comment = await talk.comment(writer, thread.id, "Eins")
    await talk.comment(writer, thread.id, "Nachtrag", parent_id=comment["id"])
    assert await talk.notices(writer) == []


async def test_an_event_handled_twice_gives_one_notice(
    make_user: MakeUser, thread: Thread, talk: Talk, db: Database, settings: Settings
) -> None:
    first, second = await make_user(), await make_user()
    comment = await talk.comment(first, thread.id, "Mehr Bäume")
    await talk.comment(second, thread.id, "Ja", parent_id=comment["id"])
    assert len(await talk.notices(first)) == 1
    async with db.reading() as session:
        events = list(await session.scalars(select(Event).order_by(Event.id)))
    consumer = NotificationConsumer(settings)
    async with db.unit_of_work() as uow:  # as after a crash between effect and position
        await consumer.handle(uow, [e for e in events if e.type in consumer.types])
    assert len(await talk.notices(first)) == 1


async def test_a_new_thread_notifies_who_follows_the_procedure_its_department_or_district(
    api: factories.ApiAs, make_user: MakeUser, department: Department, db: Database, talk: Talk
) -> None:
    district = await factories.district(db, "babelsberg", "Babelsberg")
    procedure = await factories.procedure(db, department, districts=[district])
    by_procedure, by_department, by_district, bystander = [await make_user() for _ in range(4)]
    for who, path in (
        (by_procedure, f"procedure/{procedure.id}"),
        (by_department, f"department/{department.id}"),
        (by_district, f"district/{district.id}"),
    ):
        assert (await api.request(who, "PUT", f"/api/v1/me/follows/{path}")).status_code == 200
    staff = await make_user("staff", department)
    created = await api.request(
        staff,
        "POST",
        f"/api/v1/procedures/{procedure.id}/threads",
        json={"title": "Wie soll der Platz heißen?", "question": "Ihre Vorschläge"},
    )
    assert created.status_code == 201, created.text
    for who in (by_procedure, by_department, by_district):
        (note,) = await talk.notices(who)
        assert (note.kind, note.body) == ("thread.created", "Wie soll der Platz heißen?")
        assert note.url == f"/threads/{created.json()['id']}"
    assert await talk.notices(bystander) == []


async def test_a_phase_change_notifies_the_followers_in_their_language(
    api: factories.ApiAs,
    make_user: MakeUser,
    procedure: Procedure,
    department: Department,
    talk: Talk,
) -> None:
    follower = await make_user(locale="en")
    await api.request(follower, "PUT", f"/api/v1/me/follows/procedure/{procedure.id}")
    staff = await make_user("staff", department)
    changed = await api.request(
        staff, "PATCH", f"/api/v1/procedures/{procedure.id}", json={"phase": "evaluation"}
    )
    assert changed.status_code == 200, changed.text
    (note,) = await talk.notices(follower)
    assert note.kind == "phase.changed"
    assert note.title == f"“{procedure.title}” is now in the phase: Evaluation"
    unchanged = await api.request(
        staff, "PATCH", f"/api/v1/procedures/{procedure.id}", json={"summary": "Neu gefasst."}
    )
    assert unchanged.status_code == 200
    assert len(await talk.notices(follower)) == 1


async def test_an_answer_to_a_thread_notifies_its_followers_but_not_the_staff_member(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, department: Department, talk: Talk
) -> None:
    follower, staff = await make_user(), await make_user("staff", department)
    await api.request(follower, "PUT", f"/api/v1/me/follows/thread/{thread.id}")
    await api.request(staff, "PUT", f"/api/v1/me/follows/thread/{thread.id}")
    answered = await api.request(
        staff, "POST", f"/api/v1/threads/{thread.id}/answer", json={"body": "Zusammenfassung"}
    )
    assert answered.status_code == 201, answered.text
    (note,) = await talk.notices(follower)
    assert note.kind == "answer" and "Zusammenfassung" in note.body
    assert await talk.notices(staff) == []


async def test_each_new_notice_tells_the_reader_s_own_topic_the_unread_count(
    make_user: MakeUser, thread: Thread, talk: Talk, db: Database
) -> None:
    first, second = await make_user(), await make_user()
    comment = await talk.comment(first, thread.id, "Eins")
    for text in ("Zwei", "Drei"):
        await talk.comment(second, thread.id, text, parent_id=comment["id"])
    await consumed(db)
    async with db.reading() as session:
        events = list(
            await session.scalars(
                select(Event).where(Event.type == "notifications.changed").order_by(Event.id)
            )
        )
    assert [(e.topic, e.data) for e in events] == [
        (f"user:{first.id}", {"unread": 1}),
        (f"user:{first.id}", {"unread": 2}),
    ]
