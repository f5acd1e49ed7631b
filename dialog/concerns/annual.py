"""The annual report of the ideas and complaints management (Jahresbericht).

Figures for one calendar year (Potsdam time) beside the year before: volume by kind, channel
and month; by category, department and district; how fast the first reply and the final
answer came (in Brandenburg working days: the share of first replies within 3, the median and
90th percentile of the final answer); outcomes; the backlog at the year's end by age; reopen
rate; satisfaction; the share of anonymous items. No personal data: only counts.

Everything is read in two queries (the items of both years, and the names of categories,
departments and districts); working days are counted with numpy over all items at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.concerns import policy
from dialog.concerns.models import Category, Channel, Concern, Kind, State
from dialog.concerns.present import category_name
from dialog.concerns.workdays import FIRST_REPLY_DAYS, _holidays
from dialog.i18n import TIMEZONE, lazy
from dialog.procedures.models import Department, District

BACKLOG_AGES = (
    (30, lazy("up to 30 days")),
    (90, lazy("31 to 90 days")),
    (180, lazy("91 to 180 days")),
)
OLDEST = lazy("more than 180 days")
FIRST_YEAR = 2000


@dataclass
class AnnualReport:
    year: int
    total: int
    previous_total: int
    by_kind: list[tuple[str, int, int]]  # code, this year, the year before
    by_channel: list[tuple[str, int, int]]
    by_month: list[tuple[int, int, int]]  # month 1..12
    by_category: list[tuple[str, int]]
    by_department: list[tuple[str, int]]
    by_district: list[tuple[str, int]]
    first_reply_within: float | None  # share replied to within 3 working days
    first_reply_count: int
    answer_median: float | None  # working days to the final answer
    answer_p90: float | None
    answered_count: int
    outcomes: list[tuple[str, int]]
    backlog: list[tuple[str, int]]  # age bucket (English source text), open at year end
    reopen_rate: float | None
    satisfaction: list[tuple[int, int]]  # 1..5
    satisfaction_mean: float | None
    solved_share: float | None
    anonymous_share: float | None


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The calendar year in Potsdam, as UTC moments."""
    zone = ZoneInfo(TIMEZONE)
    start = datetime(year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    return start, end


def _dst_bounds(year: int) -> tuple[float, float]:
    """Summer time in the EU: from the last Sunday of March to the last Sunday of October,
    01:00 UTC each, as POSIX timestamps."""

    def last_sunday(month: int) -> float:
        day = date(year, month, 31)
        day = date.fromordinal(day.toordinal() - (day.weekday() + 1) % 7)
        return datetime(day.year, day.month, day.day, 1, tzinfo=UTC).timestamp()

    return last_sunday(3), last_sunday(10)


def local_days(moments: Sequence[datetime | None]) -> npt.NDArray[np.datetime64]:
    """The Potsdam calendar day of each UTC moment (NaT for None), for many at once."""
    stamps = np.array([m.timestamp() if m is not None else np.nan for m in moments])
    offset = np.full(stamps.shape, 3600.0)
    finite = stamps[~np.isnan(stamps)]
    if finite.size:
        first = datetime.fromtimestamp(finite.min(), UTC).year
        last = datetime.fromtimestamp(finite.max(), UTC).year
        for year in range(first, last + 1):
            begin, end = _dst_bounds(year)
            offset[(stamps >= begin) & (stamps < end)] = 7200.0
    days = np.floor((stamps + offset) / 86400)
    result = np.full(stamps.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    known = ~np.isnan(days)
    result[known] = days[known].astype("int64").astype("datetime64[D]")
    return result


async def _columns(session: AsyncSession, year: int) -> list[Any]:
    """The columns the report counts, for the year and the year before, as plain tuples."""
    start, _ = year_bounds(year - 1)
    _, end = year_bounds(year)
    found = await session.execute(
        select(
            Concern.created_at,
            Concern.kind,
            Concern.channel,
            Concern.state,
            Concern.category_id,
            Concern.department_id,
            Concern.district_id,
            Concern.anonymous,
            Concern.first_reply_at,
            Concern.answered_at,
            Concern.reopened_count,
            Concern.solved,
            Concern.satisfaction,
        ).where(
            Concern.created_at >= start,
            Concern.created_at < end,
            Concern.state != State.unconfirmed,
        )
    )
    return list(found.all())


def working_days(
    starts: Sequence[date] | npt.NDArray[np.datetime64],
    ends: Sequence[date] | npt.NDArray[np.datetime64],
) -> npt.NDArray[np.int64]:
    """Working days after each start up to and including its end, for many pairs at once."""
    begin = np.asarray(starts, dtype="datetime64[D]")
    finish = np.asarray(ends, dtype="datetime64[D]")
    if begin.size == 0:
        return np.zeros(0, dtype=np.int64)
    years = range(int(str(begin.min())[:4]), int(str(finish.max())[:4]) + 2)
    free = sorted(h for y in years for h in _holidays(y))
    one = np.timedelta64(1, "D")
    counted: npt.NDArray[np.int64] = np.busday_count(
        begin + one, np.maximum(begin, finish) + one, holidays=free
    )
    return counted


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _counted(values: Sequence[str], order: Sequence[str]) -> dict[str, int]:
    counts = Counter(values)
    return {code: counts.get(code, 0) for code in order}


async def annual_report(session: AsyncSession, year: int) -> AnnualReport:
    rows = await _columns(session, year)
    created = local_days([r[0] for r in rows])
    years = created.astype("datetime64[Y]").astype(int) + 1970
    now, then = years == year, years == year - 1
    this = [r for r, keep in zip(rows, now, strict=True) if keep]
    before = [r for r, keep in zip(rows, then, strict=True) if keep]
    created_now = created[now]
    names = {c.id: category_name(c) for c in (await session.scalars(select(Category))).all()}
    departments = dict((await session.execute(select(Department.id, Department.name))).all())
    districts = dict((await session.execute(select(District.id, District.name))).all())

    kinds = [k.value for k in Kind]
    channels = [c.value for c in Channel]
    kind_now, kind_then = (
        _counted([r[1] for r in this], kinds),
        _counted([r[1] for r in before], kinds),
    )
    channel_now = _counted([r[2] for r in this], channels)
    channel_then = _counted([r[2] for r in before], channels)
    months = created.astype("datetime64[M]").astype(int) % 12 + 1
    month_now = np.bincount(months[now], minlength=13)
    month_then = np.bincount(months[then], minlength=13)

    first_reply = local_days([r[8] for r in this])
    answered_on = local_days([r[9] for r in this])
    replied = ~np.isnat(first_reply)
    answered = ~np.isnat(answered_on)
    reply_days = working_days(created_now[replied], first_reply[replied])
    answer_days = working_days(created_now[answered], answered_on[answered])

    year_end = np.datetime64(date(year, 12, 31), "D")
    still_open = np.array([r[3] in policy.OPEN for r in this], dtype=bool)
    open_at_end = still_open | (answered & (answered_on > year_end))
    ages = (year_end - created_now[open_at_end]).astype(int)
    limits = [limit for limit, _label in BACKLOG_AGES]
    buckets = np.bincount(np.searchsorted(limits, ages, side="left"), minlength=len(limits) + 1)

    rated = [r[12] for r in this if r[12] is not None]
    asked = [r[11] for r in this if r[11] is not None]
    reopened = sum(1 for r, done in zip(this, answered, strict=True) if done and r[10] > 0)
    outcome_order = [s.value for s in State if s != State.unconfirmed]
    outcomes = _counted([r[3] for r in this], outcome_order)

    def top(keys: Sequence[int | None], label: dict[int, str]) -> list[tuple[str, int]]:
        counts = Counter(keys)
        return [
            (label.get(key, "–") if key is not None else "–", count)
            for key, count in counts.most_common()
        ]

    return AnnualReport(
        year=year,
        total=len(this),
        previous_total=len(before),
        by_kind=[(k, kind_now[k], kind_then[k]) for k in kinds],
        by_channel=[(c, channel_now[c], channel_then[c]) for c in channels],
        by_month=[(m, int(month_now[m]), int(month_then[m])) for m in range(1, 13)],
        by_category=top([r[4] for r in this], names),
        by_department=top([r[5] for r in this], departments),
        by_district=top([r[6] for r in this], districts),
        first_reply_within=_share(int((reply_days <= FIRST_REPLY_DAYS).sum()), int(replied.sum())),
        first_reply_count=int(replied.sum()),
        answer_median=float(np.median(answer_days)) if answer_days.size else None,
        answer_p90=float(np.percentile(answer_days, 90)) if answer_days.size else None,
        answered_count=int(answered.sum()),
        outcomes=[(code, count) for code, count in outcomes.items() if count],
        backlog=[(label, int(buckets[i])) for i, (_limit, label) in enumerate(BACKLOG_AGES)]
        + [(OLDEST, int(buckets[-1]))],
        reopen_rate=_share(reopened, int(answered.sum())),
        satisfaction=[(n, rated.count(n)) for n in range(1, 6)],
        satisfaction_mean=round(sum(rated) / len(rated), 2) if rated else None,
        solved_share=_share(sum(1 for s in asked if s), len(asked)),
        anonymous_share=_share(sum(1 for r in this if r[7]), len(this)),
    )


def reportable_year(raw: int, today: date | None = None) -> bool:
    """Years from 2000 to the current one have a report."""
    current = (today or datetime.now(ZoneInfo(TIMEZONE)).date()).year
    return FIRST_YEAR <= raw <= current
