"""Reads of the concerns part (SQL only here and in actions)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.models import User
from dialog.concerns import policy
from dialog.concerns.models import (
    Answer,
    AnswerState,
    Category,
    Concern,
    DepartmentSetting,
    Note,
    Photo,
    Route,
    StateChange,
    Supporter,
    Template,
)
from dialog.live.models import Event
from dialog.procedures.models import Department, District

NEARBY_METRES = 250
PAGE = 50


async def categories(session: AsyncSession, *, active_only: bool = True) -> Sequence[Category]:
    query = select(Category).order_by(Category.is_other, Category.position, Category.name_de)
    if active_only:
        query = query.where(Category.active.is_(True))
    return (await session.scalars(query)).all()


async def category(session: AsyncSession, category_id: int) -> Category | None:
    return await session.get(Category, category_id)


async def districts(session: AsyncSession) -> Sequence[District]:
    return (await session.scalars(select(District).order_by(District.name))).all()


async def departments(session: AsyncSession) -> Sequence[Department]:
    return (await session.scalars(select(Department).order_by(Department.name))).all()


async def routed_department(
    session: AsyncSession, category_id: int, district_id: int | None
) -> int | None:
    """The department of category × district, else the category's default (district null)."""
    rows = (
        await session.execute(
            select(Route.district_id, Route.department_id).where(
                Route.category_id == category_id,
                or_(Route.district_id.is_(None), Route.district_id == district_id),
            )
        )
    ).all()
    exact = [dept for district, dept in rows if district is not None]
    default = [dept for district, dept in rows if district is None]
    if exact:
        return exact[0]
    return default[0] if default else None


async def routes(session: AsyncSession) -> Sequence[Route]:
    return (await session.scalars(select(Route).order_by(Route.category_id, Route.id))).all()


async def concern(session: AsyncSession, concern_id: int) -> Concern | None:
    return await session.get(Concern, concern_id)


async def concern_by_token(session: AsyncSession, token_hash: str) -> Concern | None:
    return await session.scalar(select(Concern).where(Concern.token_hash == token_hash))


async def photos(session: AsyncSession, concern_id: int) -> Sequence[Photo]:
    query = (
        select(Photo)
        .where(Photo.concern_id == concern_id)
        .order_by(Photo.position)
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(query)).all()


async def photo(session: AsyncSession, photo_id: int) -> Photo | None:
    return await session.get(Photo, photo_id)


async def notes(session: AsyncSession, concern_id: int) -> Sequence[Note]:
    query = select(Note).where(Note.concern_id == concern_id).order_by(Note.id)
    return (await session.scalars(query)).all()


async def answers(session: AsyncSession, concern_id: int) -> Sequence[Answer]:
    query = select(Answer).where(Answer.concern_id == concern_id).order_by(Answer.id)
    return (await session.scalars(query)).all()


async def published_answers(session: AsyncSession, concern_ids: Sequence[int]) -> dict[int, Answer]:
    """The newest published answer of each of these items that has one."""
    if not concern_ids:
        return {}
    query = (
        select(Answer)
        .where(Answer.concern_id.in_(concern_ids), Answer.state == AnswerState.published)
        .order_by(Answer.id)
    )
    return {answer.concern_id: answer for answer in await session.scalars(query)}


async def photos_of(session: AsyncSession, concern_ids: Sequence[int]) -> dict[int, list[Photo]]:
    """Each item's photos in their order."""
    found: dict[int, list[Photo]] = {}
    if not concern_ids:
        return found
    query = (
        select(Photo)
        .where(Photo.concern_id.in_(concern_ids))
        .order_by(Photo.concern_id, Photo.position)
        .execution_options(populate_existing=True)
    )
    for photo in await session.scalars(query):
        found.setdefault(photo.concern_id, []).append(photo)
    return found


async def categories_by_id(session: AsyncSession, ids: set[int]) -> dict[int, Category]:
    if not ids:
        return {}
    rows = await session.scalars(select(Category).where(Category.id.in_(ids)))
    return {category.id: category for category in rows}


async def draft_answer(session: AsyncSession, concern_id: int) -> Answer | None:
    query = (
        select(Answer)
        .where(Answer.concern_id == concern_id, Answer.state == AnswerState.draft)
        .order_by(Answer.id.desc())
        .limit(1)
    )
    return await session.scalar(query)


async def history(session: AsyncSession, concern_id: int) -> Sequence[StateChange]:
    query = select(StateChange).where(StateChange.concern_id == concern_id)
    return (await session.scalars(query.order_by(StateChange.id))).all()


async def templates(session: AsyncSession) -> Sequence[Template]:
    query = select(Template).where(Template.active.is_(True)).order_by(Template.name)
    return (await session.scalars(query)).all()


async def department_setting(session: AsyncSession, department_id: int) -> DepartmentSetting:
    found = await session.get(DepartmentSetting, department_id)
    return found or DepartmentSetting(department_id=department_id, publishes_directly=False)


async def is_supporter(session: AsyncSession, concern_id: int, user_id: int) -> bool:
    found = await session.get(Supporter, (concern_id, user_id))
    return found is not None


async def supporter_ids(session: AsyncSession, concern_id: int) -> Sequence[int]:
    query = select(Supporter.user_id).where(Supporter.concern_id == concern_id)
    return (await session.scalars(query)).all()


async def author_email(session: AsyncSession, item: Concern) -> tuple[str | None, str]:
    """Where mail to the author goes, and in which language (None: no mail will come)."""
    if item.author_id is not None:
        user = await session.get(User, item.author_id)
        if user is not None and user.email and not user.is_deleted:
            return user.email, user.locale
        return None, "de"
    if item.email and item.confirmed_at is not None:
        return item.email, "de"
    return None, "de"


@dataclass(frozen=True)
class QueueFilter:
    states: tuple[str, ...] = tuple(policy.OPEN)
    department_id: int | None = None
    category_id: int | None = None
    district_id: int | None = None
    overdue_on: date | None = None  # only items past their answer date on that day


def _queue_query(spec: QueueFilter) -> Select[Concern]:
    query = select(Concern).where(Concern.state.in_(spec.states))
    if spec.department_id is not None:
        query = query.where(Concern.department_id == spec.department_id)
    if spec.category_id is not None:
        query = query.where(Concern.category_id == spec.category_id)
    if spec.district_id is not None:
        query = query.where(Concern.district_id == spec.district_id)
    if spec.overdue_on is not None:
        query = query.where(
            or_(
                Concern.answer_due < spec.overdue_on,
                and_(Concern.first_reply_at.is_(None), Concern.first_reply_due < spec.overdue_on),
            )
        )
    return query


async def queue(session: AsyncSession, spec: QueueFilter, limit: int = PAGE) -> Sequence[Concern]:
    query = _queue_query(spec).order_by(Concern.answer_due, Concern.id).limit(limit)
    return (await session.scalars(query)).all()


async def public_items(
    session: AsyncSession, *, category_id: int | None = None, before: int | None = None
) -> Sequence[Concern]:
    """Public items, newest first; `before` is the id the next page starts below."""
    query = select(Concern).where(
        Concern.is_public.is_(True), Concern.state.in_(tuple(policy.VISIBLE))
    )
    if category_id is not None:
        query = query.where(Concern.category_id == category_id)
    if before is not None:
        query = query.where(Concern.id < before)
    query = query.order_by(Concern.id.desc()).limit(PAGE)
    return (await session.scalars(query)).all()


async def own_items(session: AsyncSession, user_id: int) -> Sequence[Concern]:
    query = select(Concern).where(Concern.author_id == user_id).order_by(Concern.id.desc())
    return (await session.scalars(query)).all()


async def supported_items(session: AsyncSession, user_id: int) -> Sequence[Concern]:
    query = (
        select(Concern)
        .join(Supporter, Supporter.concern_id == Concern.id)
        .where(Supporter.user_id == user_id)
        .order_by(Concern.id.desc())
    )
    return (await session.scalars(query)).all()


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) on a sphere of the earth's mean radius."""
    radius = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))


_WORD = re.compile(r"\w{4,}", re.UNICODE)


def words(text: str) -> set[str]:
    return {word.lower() for word in _WORD.findall(text)}


def likeness(a: str, b: str) -> float:
    """Share of words (4+ letters) the two texts have in common (Jaccard)."""
    left, right = words(a), words(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


async def similar(
    session: AsyncSession,
    *,
    category_id: int | None,
    district_id: int | None,
    lat: float | None,
    lon: float | None,
    text: str,
    limit: int = 5,
) -> list[Concern]:
    """Open public items that may be the same: same category and district, or within 250 m;
    those with words in common first."""
    near: list[object] = []
    if category_id is not None:
        near.append(
            and_(
                Concern.category_id == category_id,
                Concern.district_id.is_(None)
                if district_id is None
                else Concern.district_id == district_id,
            )
        )
    if lat is not None and lon is not None:
        # A box of about 250 m around the point, narrowed exactly below.
        dlat = NEARBY_METRES / 111_000
        dlon = NEARBY_METRES / (111_000 * max(math.cos(math.radians(lat)), 0.01))
        near.append(
            and_(
                Concern.lat.between(lat - dlat, lat + dlat),
                Concern.lon.between(lon - dlon, lon + dlon),
            )
        )
    if not near:
        return []
    query = (
        select(Concern)
        .where(
            Concern.is_public.is_(True),
            Concern.state.in_(tuple(policy.OPEN)),
            or_(*near),  # type: ignore[arg-type]  # column expressions built above
        )
        .order_by(Concern.id.desc())
        .limit(200)
    )
    found = (await session.scalars(query)).all()
    scored: list[tuple[float, int, Concern]] = []
    for item in found:
        close = (
            lat is not None
            and lon is not None
            and item.lat is not None
            and item.lon is not None
            and metres_between(lat, lon, item.lat, item.lon) <= NEARBY_METRES
        )
        same_place = item.category_id == category_id and item.district_id == district_id
        score = likeness(text, item.text)
        if not close and not same_place:
            continue
        if score == 0 and not close and words(text):
            continue
        scored.append((score + (0.5 if close else 0), item.id, item))
    scored.sort(key=lambda entry: (-entry[0], -entry[1]))
    return [item for _, _, item in scored[:limit]]


async def count_open(session: AsyncSession) -> int:
    query = select(func.count()).select_from(Concern).where(Concern.state.in_(policy.OPEN))
    return int(await session.scalar(query) or 0)


async def latest_event_id(session: AsyncSession) -> int:
    """The newest event id: a page listens for events after it."""
    return int(await session.scalar(select(func.max(Event.id))) or 0)


async def department_settings(session: AsyncSession) -> dict[int, DepartmentSetting]:
    rows = (await session.scalars(select(DepartmentSetting))).all()
    return {row.department_id: row for row in rows}
