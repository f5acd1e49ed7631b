"""Human names of review states and history entries."""

from __future__ import annotations

from dialog.i18n import gettext as _
from dialog.i18n import lazy

STATUSES = {
    "draft": lazy("Draft"),
    "review": lazy("In review by the office"),
    "public": lazy("Published"),
    "hidden": lazy("Not listed"),
}
ENTRIES = {
    "comment": lazy("Comment"),
    "submitted": lazy("Sent for review"),
    "support-requested": lazy("Process support requested"),
    "returned": lazy("Sent back to the draft"),
    "released": lazy("Released by the office"),
    "published": lazy("Published directly"),
}


def status_label(code: str) -> str:
    return _(STATUSES[code]) if code in STATUSES else code


def entry_label(code: str) -> str:
    return _(ENTRIES[code]) if code in ENTRIES else code


DURATIONS = {
    "short": lazy("A few weeks"),
    "medium": lazy("A few months"),
    "long": lazy("Half a year or more"),
}


def duration_label(code: str) -> str:
    """How long a method of the toolkit takes (dialog.methods)."""
    return _(DURATIONS[code]) if code in DURATIONS else code
