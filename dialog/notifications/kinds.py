"""Kinds of notification, how people may hear of them, and the defaults: pure, no database."""

from __future__ import annotations

from collections import defaultdict
from enum import StrEnum

from dialog.i18n import lazy


class Mode(StrEnum):
    now = "now"  # by mail, a burst merged into one after the hold-back
    daily = "daily"  # in the daily digest (07:00 Europe/Berlin)
    weekly = "weekly"  # in the weekly digest (Monday 07:00)
    off = "off"  # in the app only


class Kind(StrEnum):
    """What a person chooses about (each groups one or more notification kinds)."""

    reply = "reply"
    answer = "answer"
    followed = "followed"
    moderation = "moderation"


# Own items by mail at once (once the address is confirmed); what one follows in the digest.
DEFAULTS: dict[Kind, Mode] = {
    Kind.reply: Mode.now,
    Kind.answer: Mode.now,
    Kind.followed: Mode.daily,
    Kind.moderation: Mode.now,
}

# The notification kinds (the `kind` column) and the choice each belongs to.
CHOICE_OF: dict[str, Kind] = {
    "reply": Kind.reply,
    "answer": Kind.answer,
    "thread.created": Kind.followed,
    "phase.changed": Kind.followed,
    "comment.decided": Kind.moderation,
    "account.blocked": Kind.moderation,
}

LABELS = {
    Kind.reply: lazy("Replies to my comments"),
    Kind.answer: lazy("Official answers to my comments and to comments I voted on"),
    Kind.followed: lazy("New threads and phase changes in what I follow"),
    Kind.moderation: lazy("Moderation decisions about me"),
}
MODE_LABELS = {
    Mode.now: lazy("By mail right away"),
    Mode.daily: lazy("Daily digest (07:00)"),
    Mode.weekly: lazy("Weekly digest (Monday 07:00)"),
    Mode.off: lazy("Only here on the site"),
}


def choice_of(kind: str) -> Kind:
    return CHOICE_OF.get(kind, Kind.followed)


def delivery(kind: str, chosen: dict[str, str], can_mail: bool) -> str:
    """How a new notification of `kind` is mailed to someone with these choices: a Mode
    value, or "none" (in the app only; also without a confirmed address)."""
    if not can_mail:
        return "none"
    mode = chosen.get(CHOICE_OF.get(kind, Kind.followed)) or DEFAULT_MODES[kind]
    return "none" if mode == "off" else mode


# The default mode of each notification kind as a plain string (one lookup per notice).
DEFAULT_MODES: dict[str, str] = defaultdict(
    lambda: DEFAULTS[Kind.followed].value,
    {kind: DEFAULTS[choice].value for kind, choice in CHOICE_OF.items()},
)
