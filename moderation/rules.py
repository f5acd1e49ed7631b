"""Rules that hold a post for review even in a post-moderated thread: pure text checks.

Each rule has a name (shown in the queue), default parameters, and a pydantic model that
validates what an admin may change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dialog.discussion.policy import PRE_MODERATION
from dialog.i18n import lazy

# German defaults: insults and slurs that are common in comment sections. Admins edit the list.
DEFAULT_WATCHED_WORDS = (
    "abschaum",
    "arschloch",
    "dreckspack",
    "fotze",
    "hurensohn",
    "idiot",
    "kanake",
    "lügenpresse",
    "missgeburt",
    "neger",
    "schwuchtel",
    "spast",
    "umvolkung",
    "untermensch",
    "volksverräter",
    "vollidiot",
    "wichser",
    "zecke",
)


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FirstPosts(Params):
    count: int = Field(default=3, ge=1, le=50)


class WatchedWords(Params):
    words: list[str] = Field(default_factory=lambda: list(DEFAULT_WATCHED_WORDS), max_length=500)

    @field_validator("words")
    @classmethod
    def _clean(cls, value: list[str]) -> list[str]:
        cleaned = sorted({word.strip().casefold() for word in value if word.strip()})
        if any(len(word) > 60 for word in cleaned):
            raise ValueError(lazy("Each word may have at most 60 characters."))
        return cleaned


class Links(Params):
    max: int = Field(default=2, ge=0, le=50)


class RepeatedText(Params):
    hours: int = Field(default=24, ge=1, le=24 * 90)


class PersonalData(Params):
    pass


# In the order they are checked; the first that matches names the hold.
RULES: dict[str, type[Params]] = {
    "personal-data": PersonalData,
    "watched-words": WatchedWords,
    "links": Links,
    "repeated-text": RepeatedText,
    "first-posts": FirstPosts,
}
# Holding every newcomer's first posts would stall a fresh platform (and every demo), so this
# one is switched on by an admin; the others hold from the start.
OFF_BY_DEFAULT = frozenset({"first-posts"})
LABELS = {
    PRE_MODERATION: lazy("Pre-moderated thread"),
    "personal-data": lazy("E-mail address or phone number"),
    "watched-words": lazy("Watched word"),
    "links": lazy("Many links"),
    "repeated-text": lazy("Same text posted again"),
    "first-posts": lazy("First posts of a new account"),
}
DESCRIPTIONS = {
    "personal-data": lazy("Hold posts that contain an e-mail address or a phone number."),
    "watched-words": lazy("Hold posts that contain one of these words (also as a word start)."),
    "links": lazy("Hold posts with more links than this."),
    "repeated-text": lazy("Hold a text the same author posted already within these hours."),
    "first-posts": lazy("Hold posts of an account until this many of its posts were published."),
}


@dataclass(frozen=True)
class RuleConfig:
    name: str
    enabled: bool = True
    params: dict[str, Any] = field(default_factory=dict)

    def value(self) -> Params:
        return self._value

    @cached_property
    def _value(self) -> Params:  # validated once: every post is checked against it
        return RULES[self.name].model_validate(self.params)


def configs(stored: Mapping[str, tuple[bool, dict[str, Any]]]) -> list[RuleConfig]:
    """Every rule, stored settings over defaults (a stored value that no longer validates is
    replaced by the default rather than breaking posting). The same stored settings give the
    same (shared, read-only) configs: every post asks."""
    return list(_configs(json.dumps(stored, sort_keys=True)))


@lru_cache(maxsize=8)
def _configs(stored_json: str) -> tuple[RuleConfig, ...]:
    stored = json.loads(stored_json)
    found = []
    for name, model in RULES.items():
        enabled, params = stored.get(name, (name not in OFF_BY_DEFAULT, {}))
        try:
            value = model.model_validate(params)
        except ValueError:
            value = model()
        found.append(RuleConfig(name, enabled, value.model_dump()))
    return tuple(found)


URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
PHONE = re.compile(r"(?<![\w.])(?:\+|00)?\d[\d \t/()\-]{5,}\d(?![\w.])")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def count_links(text: str) -> int:
    return len(URL.findall(text))


def has_personal_data(text: str) -> bool:
    if EMAIL.search(text):
        return True
    for match in PHONE.finditer(text):
        candidate = match.group(0)
        digits = sum(ch.isdigit() for ch in candidate)
        if digits >= 7 and not ISO_DATE.match(candidate):
            return True
    return False


def watched_word(text: str, words: Sequence[str]) -> str | None:
    """The first listed word that starts a word of the text, if any."""
    lowered = text.casefold()
    if not words or not _any_of(tuple(words)).search(lowered):
        return None  # the common case, in one pass over the text
    for word in words:
        if re.search(r"(?<!\w)" + re.escape(word), lowered):
            return word
    return None


@lru_cache(maxsize=8)
def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(word) for word in words) + ")")


def normalize(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class AuthorHistory:
    published_count: int
    recent_texts: frozenset[str]  # normalized


def first_match(rules: Sequence[RuleConfig], body: str, history: AuthorHistory) -> str | None:
    for rule in rules:
        if not rule.enabled:
            continue
        value = rule.value()
        if isinstance(value, PersonalData) and has_personal_data(body):
            return rule.name
        if isinstance(value, WatchedWords) and watched_word(body, value.words):
            return rule.name
        if isinstance(value, Links) and count_links(body) > value.max:
            return rule.name
        if isinstance(value, RepeatedText) and normalize(body) in history.recent_texts:
            return rule.name
        if isinstance(value, FirstPosts) and history.published_count < value.count:
            return rule.name
    return None
