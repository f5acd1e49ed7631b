"""The demo data a newcomer sees first: answers and conversations that belong to their procedure,
and the states staff and moderators meet (a blocked account, a report with its note, a thread
that announces when it closes, procedures with an image)."""

from __future__ import annotations

from collections import defaultdict

import httpx
from sqlalchemy import select

from dialog import demo
from dialog.accounts.models import User
from dialog.db import Database, utcnow
from dialog.discussion.demo import BLOCKED, REPORT_NOTE
from dialog.discussion.models import Comment, Flag
from dialog.procedures.models import Procedure, Thread
from dialog.results.models import Answer, Decision
from dialog.settings import Settings
from tests import factories


async def test_the_demo_tells_each_procedure_its_own_story(
    settings: Settings, db: Database, client: httpx.AsyncClient
) -> None:
    assert await demo.load(settings)
    async with db.reading() as session:
        rows = (
            await session.execute(
                select(Procedure.slug, Procedure.phase, Comment.body)
                .join(Thread, Thread.procedure_id == Procedure.id)
                .join(Comment, Comment.thread_id == Thread.id)
            )
        ).all()
        answers = (
            await session.execute(
                select(Procedure.slug, Answer.body)
                .join(Thread, Thread.procedure_id == Procedure.id)
                .join(Answer, Answer.thread_id == Thread.id)
            )
        ).all()
        decisions = list(await session.scalars(select(Decision.text)))
        questions = list(await session.scalars(select(Thread.question)))
    texts: dict[str, set[str]] = defaultdict(set)
    for slug, _phase, body in rows:
        texts[slug].add(body)
    completed = {slug for slug, phase, _ in rows if phase == "completed"}
    active = {slug for slug, phase, _ in rows if phase == "active"}
    assert len(completed) == 3 and len(active) >= 3
    # No two procedures share a contribution: each is about its own topic.
    slugs = sorted(texts)
    for i, one in enumerate(slugs):
        for other in slugs[i + 1 :]:
            assert not texts[one] & texts[other], (one, other)
    answered: dict[str, set[str]] = defaultdict(set)
    for slug, body in answers:
        answered[slug].add(body)
    assert len(set.union(*(answered[slug] for slug in completed))) >= 9
    assert len(set(decisions)) == len(decisions) == 3
    assert len(set(questions)) == len(questions)
    assert any("Wissenschaftspark" in body for body in texts["strassenbahn-nach-golm"])
    assert any("Radweg" in body for body in texts["radverkehrskonzept-2030"])


async def test_the_demo_has_a_blocked_account_a_report_with_a_note_and_a_closing_time(
    settings: Settings, db: Database, client: httpx.AsyncClient, api: factories.ApiAs
) -> None:
    assert await demo.load(settings)
    now = utcnow()
    async with db.reading() as session:
        blocked = list(await session.scalars(select(User).where(User.blocked_until.is_not(None))))
        notes = list(await session.scalars(select(Flag.note).where(Flag.note != "")))
        closing = list(
            await session.scalars(
                select(Thread).where(Thread.closes_at.is_not(None), Thread.is_open.is_(True))
            )
        )
        with_image = list(
            await session.scalars(select(Procedure).where(Procedure.image_width.is_not(None)))
        )
    assert [u.display_name for u in blocked] == [BLOCKED]
    assert blocked[0].blocked_until is not None and blocked[0].blocked_until > now
    assert blocked[0].block_reason
    assert notes and "Beschimpfung" in notes[0]
    assert closing and all(t.closes_at is not None and t.closes_at > now for t in closing)
    thread_page = await client.get(f"/threads/{closing[0].id}")
    assert "Beiträge möglich bis" in thread_page.text
    assert with_image and all(p.image_alt for p in with_image)
    async with db.reading() as session:
        moderator = await session.scalar(select(User).where(User.role == "moderator"))
    assert moderator is not None
    queue = await api.request(moderator, "GET", "/api/v1/moderation/queue")
    assert queue.status_code == 200 and REPORT_NOTE in queue.text  # waits with its note
    card_list = (await client.get("/procedures")).text
    assert all(f'alt="{p.image_alt}"' in card_list for p in with_image)
