"""The public service requests as GeoReport v2 lists them: only public, confirmed items, and
nothing about who wrote them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.concerns import policy
from dialog.concerns.models import Answer, AnswerState, Category, Concern, Photo
from dialog.i18n import TIMEZONE
from dialog.procedures.models import Department

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
WINDOW_DAYS = 90


@dataclass(frozen=True)
class RequestFilter:
    ids: tuple[int, ...] = ()
    codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()  # "open", "closed"
    page: int = 1
    page_size: int = PAGE_SIZE


def public() -> Select[Concern]:
    return select(Concern).where(
        Concern.is_public.is_(True), Concern.state.in_(tuple(policy.VISIBLE))
    )


def _filtered(spec: RequestFilter) -> Select[Concern]:
    query = public()
    if spec.ids:  # the spec: ids override every other filter
        return query.where(Concern.id.in_(spec.ids))
    if spec.codes:
        query = query.where(
            Concern.category_id.in_(select(Category.id).where(Category.slug.in_(spec.codes)))
        )
    if spec.start is not None:
        query = query.where(Concern.created_at >= spec.start)
    if spec.end is not None:
        query = query.where(Concern.created_at <= spec.end)
    if spec.statuses and set(spec.statuses) != {"open", "closed"}:
        states = policy.OPEN if "open" in spec.statuses else policy.VISIBLE - policy.OPEN
        query = query.where(Concern.state.in_(tuple(states)))
    return query


async def requests(session: AsyncSession, spec: RequestFilter) -> Sequence[Concern]:
    query = (
        _filtered(spec)
        .order_by(Concern.created_at.desc(), Concern.id.desc())
        .limit(spec.page_size)
        .offset((spec.page - 1) * spec.page_size)
    )
    return (await session.scalars(query)).all()


async def request(session: AsyncSession, concern_id: int) -> Concern | None:
    return await session.scalar(public().where(Concern.id == concern_id))


@dataclass(frozen=True)
class Extras:
    """What the rows need from other tables, fetched for a whole page at once."""

    categories: dict[int, Category]
    departments: dict[int, str]
    answers: dict[int, str]
    photos: dict[int, int]  # concern id → its first photo the office did not hide


async def extras(session: AsyncSession, items: Sequence[Concern]) -> Extras:
    ids = [i.id for i in items]
    categories = {c.id: c for c in (await session.scalars(select(Category))).all()}
    department_ids = {i.department_id for i in items if i.department_id is not None}
    departments = dict(
        (
            await session.execute(
                select(Department.id, Department.name).where(Department.id.in_(department_ids))
            )
        ).all()
    )
    answers = dict(
        (
            await session.execute(
                select(Answer.concern_id, Answer.body).where(
                    Answer.concern_id.in_(ids), Answer.state == AnswerState.published
                )
            )
        ).all()
    )
    photos = dict(
        (
            await session.execute(
                select(Photo.concern_id, func.min(Photo.id))
                .where(Photo.concern_id.in_(ids), Photo.hidden.is_(False))
                .group_by(Photo.concern_id)
            )
        ).all()
    )
    return Extras(categories, departments, answers, photos)


def is_open(item: Concern) -> bool:
    return item.state in policy.OPEN


def expected(item: Concern) -> datetime | None:
    """The promised date, or else the date the answer is due, as the day's start in Potsdam."""
    day: date | None = item.promised_on or (item.answer_due if is_open(item) else None)
    return datetime.combine(day, time(0), ZoneInfo(TIMEZONE)) if day else None
