"""Input and output shapes of procedures and threads (JSON API and forms share them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    HttpUrl,
    UrlConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from dialog.i18n import TIMEZONE, lazy
from dialog.web.inputs import blank_means_none
from dialog.web.text import SearchText

PhaseName = Literal["planned", "active", "evaluation", "completed"]
LevelName = Literal["information", "consultation", "co-decision"]
InitiatorName = Literal["administration", "city-council", "residents", "district-council"]
ModerationName = Literal["pre", "post"]
Slug = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[a-z0-9-]+$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PhaseDates(Strict):
    phase: PhaseName
    starts_on: date | None = None
    ends_on: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> PhaseDates:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError(lazy("The end date must not be before the start date."))
        return self


class LinkIn(Strict):
    title: str = Field(min_length=1, max_length=200)
    url: Annotated[HttpUrl, UrlConstraints(max_length=500)]  # the column's length

    @field_validator("url")
    @classmethod
    def _fits_the_column(cls, url: HttpUrl) -> HttpUrl:
        # Normalising (a host in punycode, a trailing slash) can lengthen what was given.
        if len(str(url)) > 500:
            raise ValueError(lazy("The address may have at most 500 characters."))
        return url

    is_document: bool = False


class ProcedureFields(Strict):
    summary: str = Field(min_length=10, max_length=600)
    description: str = Field(default="", max_length=20_000)
    department: Slug
    districts: list[Slug] = Field(default_factory=list, max_length=40)
    level: LevelName
    initiator: InitiatorName
    method: Slug | None = Field(default=None, json_schema_extra=blank_means_none)
    phase: PhaseName = "planned"
    timeline: list[PhaseDates] = Field(default_factory=list, max_length=4)
    contact_name: str = Field(default="", max_length=200)
    contact_email: EmailStr | None = Field(default=None, json_schema_extra=blank_means_none)
    contact_phone: str = Field(default="", max_length=50)
    cost: str = Field(default="", max_length=200)
    location: str = Field(default="", max_length=200)
    links: list[LinkIn] = Field(default_factory=list, max_length=30)

    @field_validator("contact_email", "method", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value


class ProcedureIn(ProcedureFields):
    title: str = Field(min_length=3, max_length=200)


class ProcedurePatch(Strict):
    title: str | None = Field(default=None, min_length=3, max_length=200)
    summary: str | None = Field(default=None, min_length=10, max_length=600)
    description: str | None = Field(default=None, max_length=20_000)
    department: Slug | None = None
    districts: list[Slug] | None = Field(default=None, max_length=40)
    level: LevelName | None = None
    initiator: InitiatorName | None = None
    method: Slug | None = Field(default=None, json_schema_extra=blank_means_none)
    phase: PhaseName | None = None
    timeline: list[PhaseDates] | None = Field(default=None, max_length=4)
    contact_name: str | None = Field(default=None, max_length=200)
    contact_email: EmailStr | None = Field(default=None, json_schema_extra=blank_means_none)
    contact_phone: str | None = Field(default=None, max_length=50)
    cost: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=200)
    links: list[LinkIn] | None = Field(default=None, max_length=30)

    @field_validator("contact_email", "method", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value


def moment(value: object) -> object:
    """A before-validator for a time: "" is none, a string is parsed here. Strict JSON would
    take the string itself, but a before-validator hands it on as a Python str, which strict
    validation refuses; other types pass on and are refused there."""
    if value == "":
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("z", "Z"))
        except ValueError:
            raise ValueError(
                lazy("Please enter a date and time such as 2026-05-31T18:00.")
            ) from None
    return value


def title_from(question: str) -> str:
    """A thread without its own title is called by its question (cut at a word, at most 200)."""
    text = " ".join(question.split())
    if len(text) <= 200:
        return text
    return text[:199].rsplit(" ", 1)[0] + "…"


class ThreadIn(Strict):
    question: str = Field(default="", max_length=2000)
    title: str = Field(default="", max_length=200, validate_default=True)  # after the question
    moderation: ModerationName = "post"
    opens_at: datetime | None = Field(default=None, json_schema_extra=blank_means_none)
    closes_at: datetime | None = Field(default=None, json_schema_extra=blank_means_none)

    @field_validator("opens_at", "closes_at", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return moment(value)

    @field_validator("opens_at", "closes_at")
    @classmethod
    def _local_time(cls, value: datetime | None) -> datetime | None:
        """A time without zone is Potsdam's local time."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=ZoneInfo(TIMEZONE))
        return value

    @field_validator("title")
    @classmethod
    def _title_or_question(cls, value: str, info: ValidationInfo) -> str:
        # Each thread is called by what it asks, not by one phrase for every thread.
        title = value or title_from(str(info.data.get("question", "")))
        if len(title) < 3:
            raise ValueError(lazy("Please give the thread a title or a guiding question."))
        return title

    @field_validator("closes_at")
    @classmethod
    def _after_opening(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        # A field's own check, so that the error names closes_at (form and API).
        opens_at = info.data.get("opens_at")
        if value is not None and opens_at is not None and value <= opens_at:
            raise ValueError(lazy("The thread must close after it opens."))
        return value


class ThreadPatch(Strict):
    """Change some of a thread's fields; the others keep their values (then checked as ThreadIn)."""

    question: str | None = Field(default=None, max_length=2000)
    title: str | None = Field(default=None, max_length=200)
    moderation: ModerationName | None = None
    opens_at: datetime | None = Field(default=None, json_schema_extra=blank_means_none)
    closes_at: datetime | None = Field(default=None, json_schema_extra=blank_means_none)

    @field_validator("opens_at", "closes_at", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return moment(value)


class ThreadCloseIn(Strict):
    """Close now (no time), or at a time (Potsdam's local time without a zone)."""

    at: datetime | None = Field(default=None, json_schema_extra=blank_means_none)

    @field_validator("at", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return moment(value)

    @field_validator("at")
    @classmethod
    def _local_time(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=ZoneInfo(TIMEZONE))
        return value


class ProcedureFilterFields(Strict):
    """The filters that narrow the Vorhabenliste (what a saved search keeps)."""

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


class ProcedureFilters(ProcedureFilterFields):
    """The filters with the list's order and page."""

    sort: Literal["updated", "title", "start"] = "updated"
    page: int = Field(default=1, ge=1, le=10_000)
    per_page: int = Field(default=20, ge=1, le=100)


class NamedRef(BaseModel):
    slug: str
    name: str


class DepartmentOut(NamedRef):
    pass


class DistrictOut(NamedRef):
    pass


class MethodOut(NamedRef):
    purpose: str
    when_to_use: str
    effort: str
    level: str


class ThreadOut(BaseModel):
    id: int
    procedure_id: int
    title: str
    question: str
    moderation: str
    is_open: bool
    opens_at: datetime | None
    closes_at: datetime | None
    comment_count: int
    url: str


class LinkOut(BaseModel):
    title: str
    url: str
    is_document: bool


class ContactOut(BaseModel):
    name: str
    email: str
    phone: str


class ImageOut(BaseModel):
    """The procedure's image: its address and its text alternative (required with an image)."""

    url: str
    alt: str
    width: int
    height: int


class ProcedureSummaryOut(BaseModel):
    id: int
    slug: str
    title: str
    summary: str
    department: DepartmentOut
    districts: list[DistrictOut]
    level: str
    initiator: str
    phase: str
    updated_at: datetime
    # draft | review | public | hidden (dialog.review): drafts are seen by their department
    # and the office only.
    status: str = "public"
    url: str
    image: ImageOut | None = None


class ProcedureOut(ProcedureSummaryOut):
    description: str
    description_html: str
    method: MethodOut | None
    timeline: list[PhaseDates]
    contact: ContactOut
    cost: str
    location: str
    links: list[LinkOut]
    threads: list[ThreadOut]
    created_at: datetime


class ProcedurePage(BaseModel):
    items: list[ProcedureSummaryOut]
    total: int
    page: int
    per_page: int
