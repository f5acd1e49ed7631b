"""Input and output shapes of answers, decisions, hand-over settings and jobs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from dialog.discussion.schemas import VISIBLE_TEXT
from dialog.i18n import lazy
from dialog.results.models import NEEDS_REASON, AnswerState
from dialog.web.inputs import blank_means_none, is_blank

AnswerStateName = Literal[
    "received", "under-consideration", "adopted", "partly-adopted", "not-adopted"
]
ExportFormat = Literal["csv", "xlsx", "json"]
LOOPBACK = ("127.0.0.1", "localhost", "::1")

STATE_LABELS = {
    AnswerState.received: lazy("Received"),
    AnswerState.considering: lazy("Under consideration"),
    AnswerState.adopted: lazy("Adopted"),
    AnswerState.partly: lazy("Partly adopted"),
    AnswerState.not_adopted: lazy("Not adopted"),
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _blank_is_none(value: object) -> object:
    return None if value == "" else value


class AnswerIn(Strict):
    body: str = Field(max_length=10000, json_schema_extra=VISIBLE_TEXT)
    state: AnswerStateName = "received"
    reason: str = Field(default="", max_length=5000, validate_default=True)

    @field_validator("body")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if is_blank(value):
            raise ValueError(lazy("Please write the answer first."))
        return value.strip()

    @field_validator("reason")
    @classmethod
    def _reason_when_needed(cls, value: str, info: ValidationInfo) -> str:
        state = info.data.get("state")
        if state and AnswerState(state) in NEEDS_REASON and is_blank(value):
            raise ValueError(lazy("Please give a reason when a result is not or partly adopted."))
        return value.strip()


class AnswerOut(BaseModel):
    id: int
    thread_id: int
    comment_id: int | None
    state: AnswerStateName
    state_label: str
    reason: str
    html: str
    department: str
    created_at: datetime
    updated_at: datetime
    url: str


class DecisionIn(Strict):
    text: str = Field(default="", max_length=10000)
    decided_on: date | None = Field(default=None, json_schema_extra=blank_means_none)

    _blank = field_validator("decided_on", mode="before")(_blank_is_none)


class HandoverSettingsIn(Strict):
    handover_channel: Literal["email", "webhook"] | None = Field(
        default=None, json_schema_extra=blank_means_none
    )
    handover_email: str | None = Field(
        default=None, json_schema_extra=blank_means_none, max_length=254
    )
    webhook_url: str | None = Field(
        default=None, json_schema_extra=blank_means_none, max_length=500
    )
    webhook_secret: str | None = Field(
        default=None, json_schema_extra=blank_means_none, min_length=16, max_length=200
    )

    _blank = field_validator(
        "handover_channel", "handover_email", "webhook_url", "webhook_secret", mode="before"
    )(_blank_is_none)

    @field_validator("handover_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and ("@" not in value or " " in value.strip()):
            raise ValueError(lazy("Please enter an e-mail address."))
        return value.strip() if value else value

    @field_validator("webhook_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        # Plain http only to the machine itself (a local relay, the tests); never over a network.
        if not parts.netloc or not (
            parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK)
        ):
            raise ValueError(lazy("Please enter a full web address starting with https://."))
        return value.strip()

    @model_validator(mode="after")
    def _complete(self) -> HandoverSettingsIn:
        if self.handover_channel == "webhook" and not (self.webhook_url and self.webhook_secret):
            raise ValueError(lazy("A webhook needs an address and a secret of 16 characters."))
        return self


class ExportQuery(Strict):
    format: ExportFormat = "csv"
    delimiter: Literal["comma", "semicolon"] = "comma"
    # For people: headers, times and words in this language (the pages' links send theirs);
    # without it the fixed machine columns that other programs import.
    lang: Literal["de", "en"] | None = None


class HandoverJobOut(BaseModel):
    id: int
    thread_id: int
    delivery_id: str
    trigger: str
    channel: str | None
    state: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
