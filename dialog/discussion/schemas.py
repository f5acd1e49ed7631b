"""Input and output shapes of comments, votes and flags."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, JsonValue, field_validator

from dialog.i18n import lazy
from dialog.web.ids import Id, not_a_bool
from dialog.web.inputs import is_blank

MAX_BODY = 5000
# Something a reader can see: the API document says so, is_blank() is the rule that decides
# (with its own message, where a pattern in the model would give a generic one).
VISIBLE_TEXT: dict[str, JsonValue] = {
    "minLength": 1,
    "pattern": r"[^\s\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]",
}
StanceName = Literal["for", "neutral", "against"]
# What a reader may do with a comment (the `can` of a page's comments).
ActionName = Literal["edit", "withdraw", "vote", "reply", "report", "moderate"]
FlagReasonName = Literal["spam", "insult", "discrimination", "personal-data", "off-topic", "other"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CommentIn(Strict):
    body: str = Field(max_length=MAX_BODY, json_schema_extra=VISIBLE_TEXT)
    parent_id: Id | None = None
    client_id: str | None = Field(default=None, min_length=1, max_length=64)
    stance: StanceName | None = None
    # The slug of an organisation the author is a confirmed member of: posted as it.
    as_organisation: str | None = Field(default=None, min_length=1, max_length=80)

    @field_validator("body")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if is_blank(value):
            raise ValueError(lazy("Please write something first."))
        return value.strip()

    @field_validator("stance", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value


class CommentEdit(Strict):
    body: str = Field(max_length=MAX_BODY, json_schema_extra=VISIBLE_TEXT)

    @field_validator("body")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if is_blank(value):
            raise ValueError(lazy("Please write something first."))
        return value.strip()


class VoteIn(Strict):
    value: Annotated[Literal[1, -1], BeforeValidator(not_a_bool)]


class FlagIn(Strict):
    reason: FlagReasonName
    note: str = Field(default="", max_length=1000)

    @field_validator("note")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class FlagOut(BaseModel):
    id: int
    comment_id: int
    reason: str
    note: str


class OrganisationRef(BaseModel):
    slug: str
    name: str
    url: str


class AuthorOut(BaseModel):
    """Who wrote a comment. Posted as an organisation: `organisation` is set, and `id` and
    `name` name the person only for moderators and the person; everyone else reads the
    organisation's name and no id."""

    id: int | None
    name: str
    organisation: OrganisationRef | None = None


class CommentOut(BaseModel):
    """A comment as the API and the live stream show it. Text only where the reader may see it."""

    id: int
    thread_id: int
    parent_id: int | None
    depth: int
    status: str
    html: str
    stance: str | None
    author: AuthorOut | None
    created_at: datetime
    edited_at: datetime | None
    up: int
    down: int
    replies: int
    url: str
    my_vote: int | None = None
    # On pages of comments for a signed-in reader: what they may do with it; null where no one
    # signed in is asking (visitors' pages, the live stream's events).
    can: list[ActionName] | None = None


class CommentPage(BaseModel):
    items: list[CommentOut]
    next_cursor: str | None
