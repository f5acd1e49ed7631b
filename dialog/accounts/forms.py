"""Pydantic models for the account forms and JSON bodies."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from dialog.i18n import lazy


class _Form(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)


def _accepted(value: str | bool) -> bool:
    if value not in (True, "on", "yes", "true", "1"):
        raise ValueError(lazy("Please accept to continue."))
    return True


class RegisterForm(BaseModel):
    # Not _Form: spaces at the ends are part of a password and are kept.
    email: EmailStr = Field(max_length=254)
    display_name: str = Field(min_length=3, max_length=60)
    password: str = Field(max_length=200)
    privacy: bool | str = False
    netiquette: bool | str = False

    @field_validator("display_name", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator("privacy", "netiquette")
    @classmethod
    def _must_accept(cls, value: str | bool) -> bool:
        return _accepted(value)

    @field_validator("display_name")
    @classmethod
    def _visible_name(cls, value: str) -> str:
        if "@" in value:
            raise ValueError(lazy("A display name must not contain an e-mail address."))
        return value


class EmailForm(_Form):
    email: EmailStr = Field(max_length=254)


class NewPasswordForm(BaseModel):
    token: str = Field(min_length=10, max_length=100)
    password: str = Field(max_length=200)


class DisplayNameForm(_Form):
    display_name: str = Field(min_length=3, max_length=60)

    @field_validator("display_name")
    @classmethod
    def _visible_name(cls, value: str) -> str:
        if "@" in value:
            raise ValueError(lazy("A display name must not contain an e-mail address."))
        return value


class ChangePasswordForm(BaseModel):
    current_password: str = Field(default="", max_length=200)
    new_password: str = Field(max_length=200)


class PreferencesForm(BaseModel):
    notify_by_mail: bool | str = False
    locale: Literal["de", "en"] | None = None  # of the mails; None keeps it


class DeleteForm(BaseModel):
    password: str = Field(default="", max_length=200)
    confirm: str = Field(default="", max_length=40)
    comments: Literal["keep", "remove"] = "keep"


class PersonForm(_Form):
    role: Literal["resident", "moderator", "office", "staff", "admin"]
    department: str = ""


class BlockForm(_Form):
    days: int = Field(default=0, ge=0, le=3650)
    reason: str = Field(default="", max_length=500)
