"""Inputs of the review."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from dialog.procedures.schemas import Strict

StepName = Literal["submit", "support", "comment", "release", "return", "publish", "checks"]


class StepIn(Strict):
    action: StepName
    body: str = Field(default="", max_length=5_000)
    checks: list[int] = Field(default_factory=list, max_length=100)


class ChecklistItemIn(Strict):
    text: str = Field(min_length=3, max_length=300)


class ChecklistEntryOut(BaseModel):
    id: int
    text: str
    checked: bool  # ticked for this procedure


class HistoryEntryOut(BaseModel):
    kind: str  # submitted, support-requested, comment, released, returned, published
    body: str
    author: str | None  # None: the account is gone
    created_at: datetime


class ReviewOut(BaseModel):
    """A procedure's review as its department and the office read it."""

    procedure_id: int
    status: str  # draft, review, public, ...
    support_requested_at: datetime | None
    checklist: list[ChecklistEntryOut]
    history: list[HistoryEntryOut]
    steps: list[StepName]  # what the reader may do now


class ChecklistItemOut(BaseModel):
    id: int
    text: str
