"""Inputs of the methods toolkit and its guide."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from dialog.procedures.schemas import LevelName, Strict

EffortName = Literal["low", "medium", "high"]
DurationName = Literal["short", "medium", "long"]


class MethodIn(Strict):
    name: str = Field(min_length=3, max_length=200)
    purpose: str = Field(min_length=10, max_length=2_000)
    when_to_use: str = Field(min_length=10, max_length=2_000)
    effort: EffortName
    level: LevelName
    audience: str = Field(default="", max_length=200)
    duration: DurationName | None = None

    @field_validator("duration", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value


class Guide(Strict):
    """The guide's answers; each narrows the list, none is required."""

    level: LevelName | None = None
    effort: EffortName | None = None  # at most this effort
    duration: DurationName | None = None  # at most this long

    @field_validator("level", "effort", "duration", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value
