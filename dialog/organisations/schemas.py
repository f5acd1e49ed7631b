"""Input and output shapes of organisations."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from dialog.procedures.schemas import DistrictOut, Slug, Strict

KindName = Literal[
    "initiative",
    "association",
    "district-council",
    "neighbourhood-management",
    "participation-council",
]


class OrganisationIn(Strict):
    name: str = Field(min_length=3, max_length=200)
    kind: KindName
    districts: list[Slug] = Field(default_factory=list, max_length=40)
    contact: str = Field(default="", max_length=300)
    description: str = Field(default="", max_length=10_000)


class OrganisationOut(BaseModel):
    slug: str
    name: str
    kind: str
    districts: list[DistrictOut]
    contact: str
    description_html: str
    url: str


class MembershipOut(BaseModel):
    """One person's membership: asked for, and confirmed by the office (or not yet)."""

    organisation: str  # the organisation's slug
    user_id: int
    confirmed: bool
    confirmed_at: datetime | None
    created_at: datetime


class MemberOut(MembershipOut):
    """A membership as the office and moderators read it: with the person's display name."""

    name: str
