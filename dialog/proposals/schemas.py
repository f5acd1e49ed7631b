"""Input and output shapes of proposals (JSON API and forms share them)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from dialog.procedures.schemas import DepartmentOut, DistrictOut, Slug, Strict
from dialog.web.inputs import blank_means_none

StateName = Literal[
    "submitted",
    "rejected",
    "collecting",
    "threshold-reached",
    "forwarded",
    "accepted",
    "declined",
    "expired",
]
Action = Literal["publish", "forward", "accept", "decline"]


class ProposalIn(Strict):
    title: str = Field(min_length=5, max_length=200)
    summary: str = Field(min_length=10, max_length=600)  # what
    reason: str = Field(min_length=10, max_length=10_000)  # why
    districts: list[Slug] = Field(default_factory=list, max_length=40)
    department: Slug | None = Field(default=None, json_schema_extra=blank_means_none)
    # Propose as this organisation (a confirmed member).
    organisation: Slug | None = Field(default=None, json_schema_extra=blank_means_none)

    @field_validator("department", "organisation", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value


class ProposalDecisionIn(Strict):
    action: Action
    reason: str = Field(default="", max_length=5_000)
    department: Slug | None = None  # forward/accept: when the proposal names none
    threshold: int | None = Field(default=None, ge=1, le=1_000_000)  # publish
    days: int | None = Field(default=None, ge=1, le=730)  # publish

    @field_validator("department", "threshold", "days", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value


class StatementIn(Strict):
    body: str = Field(min_length=10, max_length=10_000)


class ProposalFilters(Strict):
    state: StateName | None = None
    district: Slug | None = None
    page: int = Field(default=1, ge=1, le=10_000)
    per_page: int = Field(default=20, ge=1, le=100)

    @field_validator("state", "district", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value


class ProposalStatus(BaseModel):
    """What a live event says about a proposal: its public state and support, nothing personal."""

    id: int
    state: str
    support_count: int
    threshold: int
    ends_at: datetime | None
    procedure_id: int | None


class ProposalOut(ProposalStatus):
    title: str
    summary: str
    reason: str
    reason_html: str
    districts: list[DistrictOut]
    department: DepartmentOut | None
    proposer: str  # the organisation's name, or the author's display name
    organisation: str | None  # the organisation's slug
    published_at: datetime | None
    decided_at: datetime | None
    decision_reason: str
    statement_html: str
    thread_id: int | None
    created_at: datetime
    url: str


class ProposalPage(BaseModel):
    items: list[ProposalOut]
    total: int
    page: int
    per_page: int


class SupportOut(BaseModel):
    id: int
    support_count: int
    supported: bool
