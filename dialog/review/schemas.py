"""Inputs of the review."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dialog.procedures.schemas import Strict

StepName = Literal["submit", "support", "comment", "release", "return", "publish", "checks"]


class StepIn(Strict):
    action: StepName
    body: str = Field(default="", max_length=5_000)
    checks: list[int] = Field(default_factory=list, max_length=100)


class ChecklistItemIn(Strict):
    text: str = Field(min_length=3, max_length=300)
