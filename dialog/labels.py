"""Human names for the stored codes, translated where they are shown."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dialog.i18n import TIMEZONE, lazy, ngettext
from dialog.i18n import gettext as _

PHASES = {
    "planned": lazy("Planned"),
    "active": lazy("Participation open"),
    "evaluation": lazy("Evaluation"),
    "completed": lazy("Completed"),
}
LEVELS = {
    "information": lazy("Information"),
    "consultation": lazy("Consultation"),
    "co-decision": lazy("Co-decision"),
}
INITIATORS = {
    "administration": lazy("Administration"),
    "city-council": lazy("City council"),
    "residents": lazy("Residents"),
    "district-council": lazy("District council"),
}
EFFORTS = {"low": lazy("Low effort"), "medium": lazy("Medium effort"), "high": lazy("High effort")}
MODERATION = {
    "pre": lazy("Posts are reviewed before they appear"),
    "post": lazy("Posts appear at once and are reviewed when flagged"),
}
SORTS = {
    "updated": lazy("Recently updated"),
    "title": lazy("Title A–Z"),
    "start": lazy("Newest first"),
}


def label(table: dict[str, str], code: str | None) -> str:
    return _(table[code]) if code in table else (code or "")


def phase_label(code: str) -> str:
    return label(PHASES, code)


def level_label(code: str) -> str:
    return label(LEVELS, code)


def initiator_label(code: str) -> str:
    return label(INITIATORS, code)


def effort_label(code: str) -> str:
    return label(EFFORTS, code)


def moderation_label(code: str) -> str:
    return label(MODERATION, code)


def sort_label(code: str) -> str:
    return label(SORTS, code)


def time_left(ends_on: date | None, today: date | None = None) -> str:
    """How long the current phase still runs, as a card says it ("noch 12 Tage"); empty when
    the phase has no end date or has ended already."""
    if ends_on is None:
        return ""
    days = (ends_on - (today or datetime.now(ZoneInfo(TIMEZONE)).date())).days
    if days < 0:
        return ""
    if days == 0:
        return _("ends today")
    return ngettext("%(num)d day left", "%(num)d days left", days) % {"num": days}
