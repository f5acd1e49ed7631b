"""Inputs of the codebook, the coding form and offline input."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dialog.evaluation.models import OfflineKind
from dialog.i18n import gettext as _
from dialog.i18n import lazy

MAX_ID = 2**31 - 1
MAX_THEMES = 200  # a codebook is a list to choose from, not a thesaurus
OFFLINE_KINDS: dict[str, str] = {
    OfflineKind.workshop: lazy("Workshop"),
    OfflineKind.walk: lazy("Walk"),
    OfflineKind.letter: lazy("Letter"),
    OfflineKind.phone: lazy("Phone call"),
    OfflineKind.other: lazy("Other offline input"),
}


def offline_label(kind: str) -> str:
    """The kind of an offline source in the reader's language."""
    return _(OFFLINE_KINDS.get(kind, OFFLINE_KINDS[OfflineKind.other]))


OfflineStance = Literal["for", "neutral", "against"] | None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise ValueError(lazy("Please name the theme."))
    return name


class ThemeIn(Strict):
    name: str = Field(max_length=80)

    _clean = field_validator("name")(_name)


class MergeIn(Strict):
    into: int = Field(ge=1, le=MAX_ID)


class CodingIn(Strict):
    """The themes of one contribution, all at once (the form sends its checked boxes)."""

    themes: list[int] = Field(default_factory=list, max_length=MAX_THEMES)

    @field_validator("themes")
    @classmethod
    def _ids(cls, value: list[int]) -> list[int]:
        if any(not 1 <= item <= MAX_ID for item in value):
            raise ValueError(lazy("Please choose themes of this procedure."))
        return sorted(set(value))


class OfflineIn(Strict):
    thread_id: int = Field(ge=1, le=MAX_ID)
    kind: OfflineKind
    held_on: date
    place: str = Field(default="", max_length=200)
    people: int = Field(default=1, ge=1, le=100_000)
    body: str = Field(max_length=5000)
    stance: OfflineStance = None

    @field_validator("body")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(lazy("Please write down what was said."))
        return value.strip()

    @field_validator("place")
    @classmethod
    def _place(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("stance", mode="before")
    @classmethod
    def _blank_stance(cls, value: object) -> object:
        return None if value == "" else value
