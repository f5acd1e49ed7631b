"""Exports for people (`lang=de|en`): column headers and sheet names in the language asked
for, each time in Potsdam's local time beside its ISO value, codes written as words ("Dafür",
not `for`). Without `lang` the exports keep their fixed machine columns (README, Exports)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dialog.discussion.partial import STANCES
from dialog.discussion.present import DELETED_ACCOUNT
from dialog.i18n import TIMEZONE, lazy, using
from dialog.i18n import gettext as _
from dialog.results.schemas import STATE_LABELS

POTSDAM = ZoneInfo(TIMEZONE)
LANGUAGES = ("de", "en")

# (machine key, header) in the order of the people's comments sheet.
COMMENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("comment_id", lazy("Contribution no.")),
    ("thread_id", lazy("Discussion no.")),
    ("thread_title", lazy("Discussion")),
    ("parent_id", lazy("Reply to no.")),
    ("depth", lazy("Level")),
    ("created_at_local", lazy("Written (Potsdam time)")),
    ("created_at_utc", lazy("Written (ISO 8601, UTC)")),
    ("author", lazy("Pseudonym")),
    ("stance", lazy("Position")),
    ("text", lazy("Text")),
    ("votes_up", lazy("Supporting votes")),
    ("votes_down", lazy("Opposing votes")),
    ("replies", lazy("Replies")),
    ("flags", lazy("Reports")),
    ("answer_state", lazy("Answer: state")),
    ("answer_text", lazy("Answer: text")),
    ("answer_reason", lazy("Answer: reason")),
    ("answered_at_local", lazy("Answered (Potsdam time)")),
    ("answered_at_utc", lazy("Answered (ISO 8601, UTC)")),
)
COMMENT_WIDTHS = (12, 12, 30, 12, 7, 18, 26, 20, 10, 80, 10, 10, 8, 8, 20, 60, 40, 18, 26)
THREAD_COLUMNS = (
    lazy("Discussion no."),
    lazy("Title"),
    lazy("Guiding question"),
    lazy("Still open"),
    lazy("Closes (Potsdam time)"),
    lazy("Answer: state"),
    lazy("Answer: text"),
    lazy("Answer: reason"),
)
MEANINGS = {
    "created_at_local": lazy("When it was written, in Potsdam's local time"),
    "created_at_utc": lazy("The same moment as ISO 8601 in UTC, for other programs"),
    "answered_at_local": lazy("When the answer was given or last changed, in Potsdam's time"),
    "answered_at_utc": lazy("The same moment as ISO 8601 in UTC"),
}
SHEETS = {
    "comments": lazy("Contributions"),
    "threads": lazy("Discussions"),
    "columns": lazy("Columns"),
}


@dataclass(frozen=True)
class Wording:
    """Every word an export for people needs, translated once before the rows stream (the
    rows are written outside any request's language)."""

    locale: str
    headers: list[str]
    thread_headers: list[str]
    sheets: dict[str, str]
    stances: dict[str, str]
    states: dict[str, str]
    yes: str
    no: str
    meanings: dict[str, str]
    deleted: str  # the author of a deleted account

    def stance(self, code: str | None) -> str:
        return self.stances.get(code or "", "")

    def state(self, code: str | None) -> str:
        return self.states.get(code or "", "")

    def time_text(self, moment: datetime | None) -> str:
        """Potsdam's time for CSV: "15.01.2026 18:30" in German, "2026-01-15 18:30" else."""
        wall = local(moment)
        if wall is None:
            return ""
        return wall.strftime("%d.%m.%Y %H:%M" if self.locale == "de" else "%Y-%m-%d %H:%M")

    def line(self, machine: Sequence[Any], raw: Sequence[Any], xlsx: bool) -> list[Any]:
        """The people's row from the machine row (HEADERS order of dialog.results.exports)
        and the raw export row (codes and moments)."""
        created, stance, state, answered = raw[4], raw[6], raw[12], raw[15]
        (cid, tid, title, parent, depth, _created, author, _stance, text) = machine[:9]
        (up, down, replies, flags, _state, answer_text, answer_reason, _answered) = machine[9:]
        return [
            cid,
            tid,
            title,
            parent,
            depth,
            local(created) if xlsx else self.time_text(created),
            iso_utc(created),
            author,
            self.stance(stance),
            text,
            up,
            down,
            replies,
            flags,
            self.state(state),
            answer_text,
            answer_reason,
            (local(answered) if xlsx else self.time_text(answered)) if answered else None,
            iso_utc(answered) if answered else "",
        ]


def wording_for(locale: str) -> Wording:
    with using(locale) as chosen:
        return Wording(
            locale=chosen,
            headers=[_(label) for _key, label in COMMENT_COLUMNS],
            thread_headers=[_(label) for label in THREAD_COLUMNS],
            sheets={key: _(label) for key, label in SHEETS.items()},
            stances={code: _(label) for code, label in STANCES.items()},
            states={state.value: _(label) for state, label in STATE_LABELS.items()},
            yes=_("yes"),
            no=_("no"),
            meanings={key: _(meaning) for key, meaning in MEANINGS.items()},
            deleted=_(DELETED_ACCOUNT),
        )


def local(moment: datetime | None) -> datetime | None:
    """Potsdam's wall time, naive (a spreadsheet date cell has no zone)."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(POTSDAM).replace(tzinfo=None)


def iso_utc(moment: datetime | None) -> str:
    if moment is None:
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()
