"""Saved searches in the JSON API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from dialog.procedures.schemas import ProcedureFilterFields


class SavedSearchIn(ProcedureFilterFields):
    """The Vorhabenliste's filters to keep (at least one that narrows the list)."""


class SavedSearchOut(BaseModel):
    id: int
    label: str  # the filters in words, in the language of the moment it was saved
    filters: dict[str, str]
    url: str  # the Vorhabenliste with these filters
    created_at: datetime
