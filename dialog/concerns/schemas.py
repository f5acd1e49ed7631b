"""Inputs of the concerns part: one pydantic model per form or JSON body."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from dialog.concerns.models import Channel, Kind
from dialog.web.inputs import blank_means_none

MAX_ID = 2**31 - 1


def _blank_to_none(value: object) -> object:
    return None if value == "" else value


class SubmitIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    kind: Kind
    category: int = Field(ge=1, le=MAX_ID)
    district: int | None = Field(default=None, ge=1, le=MAX_ID)
    text: str = Field(min_length=10, max_length=5000)
    place: str = Field(default="", max_length=200)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    public: bool = False
    show_name: bool = False
    email: EmailStr | None = Field(default=None, json_schema_extra=blank_means_none)
    author_name: str = Field(default="", max_length=60)
    channel: Channel = Channel.online

    _blanks = field_validator("district", "lat", "lon", "email", mode="before")(_blank_to_none)


class ReasonIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    reason: str = Field(min_length=3, max_length=2000)


class RouteIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    department: int = Field(ge=1, le=MAX_ID)


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    promised_on: date | None = None

    _blanks = field_validator("promised_on", mode="before")(_blank_to_none)


class ForwardIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    to: str = Field(min_length=2, max_length=200)


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    original: int = Field(ge=1, le=MAX_ID)


class CategoryIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    category: int = Field(ge=1, le=MAX_ID)


class NoteIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    body: str = Field(min_length=1, max_length=5000)


class ConcernAnswerIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    outcome: str = Field(pattern="^(answered|not-feasible)$")
    body: str = Field(min_length=10, max_length=10000)


class ReopenIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    solved: bool
    satisfaction: int = Field(ge=1, le=5)
    reason: str = Field(default="", max_length=2000)
    reopen: bool = False


class PhotoHideIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    reason: str = Field(min_length=3, max_length=300)


class RouteRuleIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    category: int = Field(ge=1, le=MAX_ID)
    district: int | None = Field(default=None, ge=1, le=MAX_ID)
    department: int = Field(ge=1, le=MAX_ID)

    _blanks = field_validator("district", mode="before")(_blank_to_none)


class CategoryEditIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    id: int | None = Field(default=None, ge=1, le=MAX_ID)
    name_de: str = Field(min_length=2, max_length=80)
    name_en: str = Field(min_length=2, max_length=80)
    answer_days: int = Field(default=20, ge=1, le=120)
    active: bool = True

    _blanks = field_validator("id", mode="before")(_blank_to_none)


class DepartmentSettingIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    department: int = Field(ge=1, le=MAX_ID)
    publishes_directly: bool = False
    head_email: EmailStr | None = None

    _blanks = field_validator("head_email", mode="before")(_blank_to_none)


class TemplateIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    name: str = Field(min_length=2, max_length=100)
    body: str = Field(min_length=10, max_length=5000)
