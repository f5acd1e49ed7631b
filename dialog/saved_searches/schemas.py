"""Saved searches in the JSON API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, field_validator

from dialog.procedures.schemas import InitiatorName, LevelName, PhaseName, Slug
from dialog.web.text import SearchText


class SavedSearchIn(BaseModel):
    """The Vorhabenliste's filters to keep (at least one that narrows the list)."""

    model_config = ConfigDict(extra="forbid")

    q: SearchText = ""
    phase: PhaseName | None = None
    district: Slug | None = None
    department: Slug | None = None
    level: LevelName | None = None
    initiator: InitiatorName | None = None

    @field_validator("phase", "district", "department", "level", "initiator", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value


class SavedSearchOut(BaseModel):
    id: int
    label: str  # the filters in words, in the language of the moment it was saved
    filters: dict[str, str]
    url: str  # the Vorhabenliste with these filters
    created_at: datetime
