"""How items are shown: labels of states, kinds and channels, and the API's output models."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from dialog import i18n
from dialog.concerns import queries
from dialog.concerns.models import Answer, Category, Channel, Concern, Kind, State
from dialog.i18n import gettext as _
from dialog.i18n import lazy

STATE_LABELS = {
    State.unconfirmed: lazy("waiting for confirmation"),
    State.received: lazy("received"),
    State.review: lazy("in review"),
    State.progress: lazy("in progress"),
    State.answered: lazy("answered"),
    State.not_feasible: lazy("not feasible"),
    State.forwarded: lazy("forwarded"),
    State.duplicate: lazy("duplicate"),
    State.unpublished: lazy("not published"),
    State.archived: lazy("archived"),
}
KIND_LABELS = {
    Kind.idea: lazy("idea"),
    Kind.complaint: lazy("complaint"),
    Kind.praise: lazy("praise"),
    Kind.defect: lazy("defect"),
}
CHANNEL_LABELS = {
    Channel.online: lazy("online"),
    Channel.phone: lazy("phone"),
    Channel.letter: lazy("letter"),
    Channel.email: lazy("e-mail"),
    Channel.in_person: lazy("in person"),
}


def state_label(state: str) -> str:
    return _(STATE_LABELS.get(state, state))  # type: ignore[call-overload]  # StrEnum keys


def kind_label(kind: str) -> str:
    return _(KIND_LABELS.get(kind, kind))  # type: ignore[call-overload]  # StrEnum keys


def channel_label(channel: str) -> str:
    return _(CHANNEL_LABELS.get(channel, channel))  # type: ignore[call-overload]  # StrEnum keys


def category_name(category: Category) -> str:
    return category.name_de if i18n.current_locale.get() == "de" else category.name_en


class ConcernAnswerOut(BaseModel):
    body: str
    outcome: str
    published_at: datetime | None


class ConcernOut(BaseModel):
    """A public item as everyone may see it."""

    id: int
    kind: str
    category: str
    district_id: int | None
    text: str
    place: str
    lat: float | None
    lon: float | None
    state: str
    state_label: str
    reason: str  # not feasible: why
    forwarded_to: str
    duplicate_of: int | None
    promised_on: date | None
    supporter_count: int
    author: str | None  # only when the author chose to show the name
    created_at: datetime
    answer: ConcernAnswerOut | None
    photos: list[int]


class StaffConcernOut(ConcernOut):
    """What the office and the routed department see besides."""

    public: bool
    channel: str
    department_id: int | None
    accepted: bool
    email: str | None
    first_reply_due: date
    answer_due: date
    first_reply_at: datetime | None
    answered_at: datetime | None
    satisfaction: int | None
    solved: bool | None


async def concern_out(
    session: AsyncSession, item: Concern, *, staff: bool = False, author: bool = False
) -> ConcernOut:
    return (await concerns_out(session, [item], staff=staff, author=author))[0]


async def concerns_out(
    session: AsyncSession, items: Sequence[Concern], *, staff: bool = False, author: bool = False
) -> list[ConcernOut]:
    """Items as the reader may see them, with their categories, published answers and photos
    read in three queries for the whole list (a queue page shows 50)."""
    ids = [item.id for item in items]
    categories = await queries.categories_by_id(session, {item.category_id for item in items})
    answers = await queries.published_answers(session, ids)
    photos = await queries.photos_of(session, ids)
    return [
        _concern_out(
            item,
            categories.get(item.category_id),
            answers.get(item.id),
            [p.id for p in photos.get(item.id, []) if staff or not p.hidden],
            staff=staff,
            author=author,
        )
        for item in items
    ]


def _concern_out(
    item: Concern,
    category: Category | None,
    answer: Answer | None,
    photos: list[int],
    *,
    staff: bool,
    author: bool,
) -> ConcernOut:
    values = {
        "id": item.id,
        "kind": item.kind,
        "category": category_name(category) if category else "",
        "district_id": item.district_id,
        "text": item.text,
        "place": item.place,
        "lat": item.lat,
        "lon": item.lon,
        "state": item.state,
        "state_label": state_label(item.state),
        # The reason for not publishing goes to the author and staff only.
        "reason": item.state_reason if item.state != State.unpublished or staff or author else "",
        "forwarded_to": item.forwarded_to,
        "duplicate_of": item.duplicate_of_id,
        "promised_on": item.promised_on,
        "supporter_count": item.supporter_count,
        "author": item.author_name or None if item.show_name else None,
        "created_at": item.created_at,
        "answer": ConcernAnswerOut(
            body=answer.body, outcome=answer.outcome, published_at=answer.published_at
        )
        if answer
        else None,
        "photos": photos,
    }
    if not staff:
        return ConcernOut(**values)
    return StaffConcernOut(
        **values,
        public=item.is_public,
        channel=item.channel,
        department_id=item.department_id,
        accepted=item.accepted,
        email=item.email,
        first_reply_due=item.first_reply_due,
        answer_due=item.answer_due,
        first_reply_at=item.first_reply_at,
        answered_at=item.answered_at,
        satisfaction=item.satisfaction,
        solved=item.solved,
    )
