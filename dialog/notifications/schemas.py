"""Inputs and outputs of the notification routes (pydantic: validated, and the OpenAPI doc)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

ModeName = Literal["now", "daily", "weekly", "off"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FollowOut(BaseModel):
    kind: str
    id: int
    title: str
    url: str
    automatic: bool


class FollowState(BaseModel):
    kind: str
    id: int
    following: bool


class PreferencesIn(Strict):
    reply: ModeName | None = None
    answer: ModeName | None = None
    followed: ModeName | None = None
    moderation: ModeName | None = None


class PreferencesOut(BaseModel):
    reply: ModeName
    answer: ModeName
    followed: ModeName
    moderation: ModeName
    mail_possible: bool  # a confirmed address and mail not switched off on the profile


class UnreadOut(BaseModel):
    unread: int
    since: int  # the newest event id: subscribe to `user:N` from here for changes


class NoticeOut(BaseModel):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None
