"""The workflow of an item: submit, route, accept or return, forward, merge, answer, reopen;
each change in the history and in the audit log, the queues told through events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dialog.concerns import actions
from dialog.concerns.models import Answer, Concern, Photo, State, StateChange, Supporter
from dialog.concerns.photos import clean
from dialog.concerns.workdays import add_working_days
from dialog.db import utcnow
from dialog.errors import Conflict, InvalidInput
from dialog.live.models import Event
from dialog.mail.models import OutboxMail
from moderation.models import AuditEntry
from tests.concerns.conftest import MakeUser, World, actor_of, jpeg_with_gps


async def audit_actions(world: World, concern_id: int) -> list[str]:
    async with world.db.reading() as session:
        rows = await session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.subject == f"concern:{concern_id}")
            .order_by(AuditEntry.id)
        )
        return list(rows)


async def test_a_signed_in_submission_is_routed_with_working_day_deadlines(
    world: World, make_user: MakeUser
) -> None:
    resident = await make_user()
    item = await world.submit(resident)
    assert item.state == State.received
    assert item.department_id == world.department.id
    assert item.author_id == resident.id and item.token_hash is None
    today = item.created_at.date()
    assert item.first_reply_due == add_working_days(today, 3)
    assert item.answer_due == add_working_days(today, 20)
    assert await audit_actions(world, item.id) == ["concern.submit"]


async def test_an_anonymous_submission_gets_a_private_link_whose_hash_alone_is_kept(
    world: World,
) -> None:
    async with world.db.unit_of_work() as uow:
        from dialog.concerns.schemas import SubmitIn

        data = SubmitIn.model_validate(
            {"kind": "idea", "category": world.category.id, "text": "Mehr Bänke am Ufer bitte."}
        )
        submitted = await actions.do_submit(uow, world.ctx, actor_of(None), data)
    assert submitted.token is not None and not submitted.mail_sent
    item = await world.load(submitted.item.id)
    assert item.token_hash == actions.token_hash(submitted.token)
    assert submitted.token not in (item.token_hash or "")
    async with world.db.reading() as session:
        found = await actions.access_by_token(session, submitted.token)
    assert found.id == item.id


async def test_an_email_submission_waits_for_confirmation_and_gets_a_link_by_mail(
    world: World,
) -> None:
    item = await world.submit(email="anna@example.org")
    assert item.state == State.unconfirmed
    async with world.db.reading() as session:
        mail = await session.scalar(
            select(OutboxMail).where(OutboxMail.recipient == "anna@example.org")
        )
        assert mail is not None and "/concerns/track/" in mail.text
        token = mail.text.split("/concerns/track/")[1].split()[0]
        found = await actions.access_by_token(session, token)
    async with world.db.unit_of_work() as uow:
        found = await uow.session.merge(found)
        await actions.do_confirm(uow, world.ctx, found)
    assert (await world.load(item.id)).state == State.received


async def test_photos_are_stored_without_metadata(world: World) -> None:
    item = await world.submit(photos=[clean(jpeg_with_gps())])
    async with world.db.reading() as session:
        photo = await session.scalar(select(Photo).where(Photo.concern_id == item.id))
    assert photo is not None and b"SecretCam" not in photo.data


async def test_an_unknown_category_is_refused_and_nothing_is_stored(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        await world.submit(category=999_999)
    assert "category" in caught.value.fields
    async with world.db.reading() as session:
        assert (await session.scalars(select(Concern))).all() == []


async def test_only_the_office_records_items_from_other_channels(
    world: World, make_user: MakeUser
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await world.submit(await make_user(), channel="phone")
    assert "channel" in caught.value.fields
    office = await make_user("office")
    item = await world.submit(office, channel="phone", author_name="Frau B.")
    assert item.channel == "phone" and item.author_id is None
    assert item.recorded_by_id == office.id


async def test_the_department_accepts_drafts_and_the_office_approves(
    world: World, make_user: MakeUser
) -> None:
    resident, office = await make_user(), await make_user("office")
    staff = await make_user("staff", world.department)
    item = await world.submit(resident)
    async with world.db.unit_of_work() as uow:
        found = await uow.session.merge(item)
        await actions.do_route(uow, world.ctx, actor_of(office), found, world.department.id)
        await actions.do_accept(
            uow, world.ctx, actor_of(staff), found, utcnow().date() + timedelta(days=10)
        )
        answer = await actions.do_draft_answer(
            uow, world.ctx, actor_of(staff), found, "answered", "Die Lampe wird ersetzt."
        )
    assert (await world.load(item.id)).state == State.progress
    async with world.db.unit_of_work() as uow:
        found = await uow.session.merge(item)
        draft = await uow.session.get(Answer, answer.id)
        assert draft is not None and draft.state == "draft"
        await actions.do_publish_answer(uow, world.ctx, actor_of(office), found, draft)
    done = await world.load(item.id)
    assert done.state == State.answered
    assert done.first_reply_at is not None and done.answered_at is not None
    assert done.reopen_until is not None
    async with world.db.reading() as session:
        mail = await session.scalar(select(OutboxMail).where(OutboxMail.kind == "concern.answer"))
        history = (
            await session.scalars(
                select(StateChange.to_state).where(StateChange.concern_id == item.id)
            )
        ).all()
    assert mail is not None and mail.recipient == resident.email
    assert list(history) == ["received", "in-review", "in-progress", "answered"]
    assert await audit_actions(world, item.id) == [
        "concern.submit",
        "concern.route",
        "concern.accept",
        "concern.answer.draft",
        "concern.answer",
    ]


async def test_a_trusted_department_publishes_directly(world: World, make_user: MakeUser) -> None:
    from dialog.concerns.models import DepartmentSetting

    staff = await make_user("staff", world.department)
    async with world.db.unit_of_work() as uow:
        uow.session.add(
            DepartmentSetting(department_id=world.department.id, publishes_directly=True)
        )
    item = await world.submit()
    async with world.db.unit_of_work() as uow:
        found = await uow.session.merge(item)
        await actions.do_draft_answer(
            uow, world.ctx, actor_of(staff), found, "not-feasible", "Das geht leider nicht, weil."
        )
    done = await world.load(item.id)
    assert done.state == State.not_feasible and done.state_reason.startswith("Das geht")


async def test_returning_gives_the_item_back_to_the_office_with_a_note(
    world: World, make_user: MakeUser
) -> None:
    staff = await make_user("staff", world.department)
    item = await world.submit()
    async with world.db.unit_of_work() as uow:
        found = await uow.session.merge(item)
        await actions.do_return(uow, world.ctx, actor_of(staff), found, "Nicht unser Bereich.")
    back = await world.load(item.id)
    assert back.state == State.received and back.department_id is None


async def test_changing_the_category_routes_again(world: World, make_user: MakeUser) -> None:
    office = await make_user("office")
    from dialog.concerns.models import Route

    async with world.db.unit_of_work() as uow:
        uow.session.add(
            Route(
                category_id=world.other.id,
                district_id=world.district.id,
                department_id=world.other_department.id,
            )
        )
    item = await world.submit()
    async with world.db.unit_of_work() as uow:
        found = await uow.session.merge(item)
        await actions.do_change_category(uow, world.ctx, actor_of(office), found, world.other.id)
    moved = await world.load(item.id)
    assert moved.category_id == world.other.id
    assert moved.department_id == world.other_department.id


async def test_merging_moves_supporters_and_the_author_to_the_original(
    world: World, make_user: MakeUser
) -> None:
    office, first, second, fan = (
        await make_user("office"),
        await make_user(),
        await make_user(),
        await make_user(),
    )
    original = await world.submit(first)
    copy = await world.submit(second)
    async with world.db.unit_of_work() as uow:
        found = await uow.session.merge(copy)
        await actions.do_support(uow, world.ctx, actor_of(fan), found)
    async with world.db.unit_of_work() as uow:
        found = await uow.session.merge(copy)
        await actions.do_merge(uow, world.ctx, actor_of(office), found, original.id)
    merged, kept = await world.load(copy.id), await world.load(original.id)
    assert merged.state == State.duplicate and merged.duplicate_of_id == original.id
    assert kept.supporter_count == 2
    async with world.db.reading() as session:
        users = set(
            await session.scalars(
                select(Supporter.user_id).where(Supporter.concern_id == original.id)
            )
        )
    assert users == {second.id, fan.id}


async def test_the_author_reopens_within_four_weeks_with_the_satisfaction_answer(
    world: World, make_user: MakeUser
) -> None:
    office = await make_user("office")
    item = await world.submit()
    async with world.db.unit_of_work() as uow:
        found = await uow.session.merge(item)
        await actions.do_draft_answer(
            uow, world.ctx, actor_of(office), found, "answered", "Erledigt, danke für den Hinweis."
        )
    async with world.db.unit_of_work() as uow:
        found = await uow.session.merge(await world.load(item.id))
        await actions.do_reopen(
            uow,
            world.ctx,
            found,
            solved=False,
            satisfaction=2,
            reason="Brennt immer noch nicht.",
            reopen=True,
        )
    again = await world.load(item.id)
    assert again.state == State.progress and again.reopened_count == 1
    assert again.solved is False and again.satisfaction == 2
    with pytest.raises(Conflict):
        async with world.db.unit_of_work() as uow:
            found = await uow.session.merge(again)
            await actions.do_reopen(
                uow, world.ctx, found, solved=False, satisfaction=1, reason="nochmal", reopen=True
            )


async def test_events_tell_the_office_the_department_and_the_public_page(
    world: World, make_user: MakeUser
) -> None:
    office = await make_user("office")
    item = await world.submit()
    async with world.db.unit_of_work() as uow:
        found = await uow.session.merge(item)
        await actions.do_unpublish(uow, world.ctx, actor_of(office), found, "Beleidigend.")
    async with world.db.reading() as session:
        rows = (await session.scalars(select(Event).order_by(Event.id))).all()
    topics = {(row.topic, row.type) for row in rows}
    assert ("concerns", "concern.queue_changed") in topics
    assert (f"concerns-department:{world.department.id}", "concern.department_changed") in topics
    public = [row for row in rows if row.topic == f"concern:{item.id}"]
    # Once not published, the stored public events say nothing but the number.
    assert public and all(row.data == {"id": item.id} for row in public)
