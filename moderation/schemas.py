"""Input and output shapes of the moderation API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from dialog.discussion.present import comment_url
from dialog.i18n import lazy
from dialog.web.ids import Id, Whole
from dialog.web.inputs import is_blank
from moderation.queries import AuthorStatus, Figures, QueueItem

ActionName = Literal["approve", "reject", "hide", "restore"]
ReasonName = Literal["respect", "discrimination", "topic", "privacy", "spam", "law"]
# Approving and restoring need no reason: "" (the form's first choice) or left out.
DecisionReason = Literal["", "respect", "discrimination", "topic", "privacy", "spam", "law"]
QueueReason = Literal[
    "pre-moderation",
    "personal-data",
    "watched-words",
    "links",
    "repeated-text",
    "first-posts",
    "flags",
    "appeal",
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _strip(value: str) -> str:
    return value.strip()


def _reason_for(action: object, reason: str) -> str:
    """Taking a post away needs a netiquette reason the author is told; publishing does not."""
    if not reason and action not in ("approve", "restore"):
        raise ValueError(lazy("Please choose the netiquette reason the author will be told."))
    return reason


class DecisionBody(Strict):
    action: ActionName
    reason: DecisionReason = Field(default="", validate_default=True)
    note: str = Field(default="", max_length=1000)

    @field_validator("reason")
    @classmethod
    def _needed(cls, value: str, info: ValidationInfo) -> str:
        return _reason_for(info.data.get("action"), value)

    # The item version the moderator looked at; a newer one means someone else decided.
    version: Whole | None = None

    _note = field_validator("note")(_strip)


class BulkDecisionBody(Strict):
    comment_ids: list[Id] = Field(min_length=1, max_length=100)
    action: Literal["approve", "reject"]
    reason: DecisionReason = Field(default="", validate_default=True)
    note: str = Field(default="", max_length=1000)

    @field_validator("reason")
    @classmethod
    def _needed(cls, value: str, info: ValidationInfo) -> str:
        return _reason_for(info.data.get("action"), value)


class QueueQuery(Strict):
    procedure: Id | None = None
    reason: QueueReason | None = None
    older_than_hours: int | None = Field(default=None, ge=1, le=24 * 365)
    sort: Literal["oldest", "weight"] = "oldest"

    @field_validator("procedure", "reason", "older_than_hours", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value


class AppealBody(Strict):
    text: str = Field(default="", max_length=2000)

    _text = field_validator("text")(_strip)


class BlockBody(Strict):
    period: Literal["1d", "7d", "30d", "permanent"]
    reason: str = Field(min_length=1, max_length=500)

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if is_blank(value):
            raise ValueError(lazy("Please give a reason the person will see."))
        return value.strip()


class RuleBody(Strict):
    enabled: bool
    params: dict[str, Any] = Field(default_factory=dict)


class ParentOut(BaseModel):
    id: int
    html: str
    status: str
    author: str | None


class FlagNoteOut(BaseModel):
    reason: str
    note: str


class QueueItemOut(BaseModel):
    id: int
    version: int
    status: str
    html: str
    created_at: datetime
    entered_at: datetime
    reasons: list[str]
    flags: dict[str, int]
    flag_weight: float
    thread_id: int
    thread_title: str
    procedure_id: int
    procedure_title: str
    author_id: int | None
    author: str | None
    organisation: str | None = None  # posted as this organisation (the public sees only it)
    author_history: dict[str, int]
    author_since: datetime | None
    flag_notes: list[FlagNoteOut]
    parent: ParentOut | None
    claimed_by: int | None
    claimed_by_name: str | None
    claim_expires_at: datetime | None
    appeal: str | None
    excluded_moderator_id: int | None
    url: str

    @classmethod
    def of(cls, item: QueueItem) -> QueueItemOut:
        return cls(
            id=item.comment_id,
            version=item.version,
            status=item.status,
            html=item.html,
            created_at=item.created_at,
            entered_at=item.entered_at,
            reasons=item.reasons,
            flags=item.flags,
            flag_weight=round(item.flag_weight, 3),
            thread_id=item.thread_id,
            thread_title=item.thread_title,
            procedure_id=item.procedure_id,
            procedure_title=item.procedure_title,
            author_id=item.author_id,
            author=item.author_name,
            organisation=item.organisation_name,
            author_history=item.author_history,
            author_since=item.author_since,
            flag_notes=[FlagNoteOut(reason=r, note=n) for r, n in item.flag_notes],
            parent=ParentOut(
                id=item.parent.id,
                html=item.parent.html if item.parent.status == "published" else "",
                status=item.parent.status,
                author=item.parent.author_name,
            )
            if item.parent
            else None,
            claimed_by=item.claimed_by,
            claimed_by_name=item.claimed_by_name,
            claim_expires_at=item.claim_expires_at,
            appeal=item.appeal_text,
            excluded_moderator_id=item.excluded_moderator_id,
            url=comment_url(item.comment_id),
        )


class QueueOut(BaseModel):
    count: int
    items: list[QueueItemOut]


class DecisionOut(BaseModel):
    id: int
    comment_id: int
    action: str
    reason: str
    note: str
    status: str
    on_appeal: bool
    created_at: datetime


class BulkOut(BaseModel):
    decided: list[int]
    conflicts: list[int]


class ClaimOut(BaseModel):
    comment_id: int
    claimed_by: int | None
    claim_expires_at: datetime | None


class AuthorStatusOut(BaseModel):
    id: int
    status: str
    held_by: str | None
    reason: str | None
    reason_url: str | None
    note: str | None
    decided_at: datetime | None
    can_appeal: bool
    appeal_open: bool

    @classmethod
    def of(cls, found: AuthorStatus, can_appeal: bool) -> AuthorStatusOut:
        return cls(
            id=found.comment_id,
            status=found.status,
            held_by=found.held_by,
            reason=found.reason,
            reason_url=f"/netiquette#{found.reason}" if found.reason else None,
            note=found.note,
            decided_at=found.decided_at,
            can_appeal=can_appeal,
            appeal_open=found.appeal_open,
        )


class AppealOut(BaseModel):
    id: int
    comment_id: int
    created_at: datetime


class BlockOut(BaseModel):
    user_id: int
    blocked_until: datetime | None
    reason: str | None


class RuleOut(BaseModel):
    name: str
    enabled: bool
    params: dict[str, Any]


class FiguresOut(BaseModel):
    procedure_id: int
    procedure_title: str
    queue_length: int
    decisions: int
    median_seconds_to_decision: float | None
    decisions_by_reason: dict[str, int]

    @classmethod
    def of(cls, found: Figures) -> FiguresOut:
        return cls(**found.__dict__)


class AuditOut(BaseModel):
    id: int
    created_at: datetime
    actor_id: int | None
    action: str
    subject: str
    data: dict[str, Any]
    prev_hash: str
    hash: str


class VerificationOut(BaseModel):
    ok: bool
    checked: int
    broken_at: int | None
