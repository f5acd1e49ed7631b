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


@dataclass(frozen=True)
class Row:
    kind: str
    channel: str
    state: str
    category_id: int
    department_id: int | None
    district_id: int | None
    anonymous: bool
    created: date
    first_reply: date | None
    answered: date | None
    reopened: bool
    solved: bool | None
    satisfaction: int | None


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


def _local_day(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(TIMEZONE)).date()


async def _rows(session: AsyncSession, year: int) -> list[Row]:
    start, _ = year_bounds(year - 1)
    _, end = year_bounds(year)
    found = await session.execute(
        select(
            Concern.kind,
            Concern.channel,
            Concern.state,
            Concern.category_id,
            Concern.department_id,
            Concern.district_id,
            Concern.author_id,
            Concern.email,
            Concern.recorded_by_id,
            Concern.created_at,
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
    rows = []
    for line in found.all():
        created = _local_day(line.created_at)
        assert created is not None
        rows.append(
            Row(
                kind=line.kind,
                channel=line.channel,
                state=line.state,
                category_id=line.category_id,
                department_id=line.department_id,
                district_id=line.district_id,
                anonymous=line.author_id is None
                and line.email is None
                and line.recorded_by_id is None,
                created=created,
                first_reply=_local_day(line.first_reply_at),
                answered=_local_day(line.answered_at),
                reopened=line.reopened_count > 0,
                solved=line.solved,
                satisfaction=line.satisfaction,
            )
        )
    return rows


def working_days(starts: Sequence[date], ends: Sequence[date]) -> npt.NDArray[np.int64]:
    """Working days after each start up to and including its end, for many pairs at once."""
    if not starts:
        return np.zeros(0, dtype=np.int64)
    years = {d.year for d in (*starts, *ends)}
    free = sorted(h for y in range(min(years), max(years) + 2) for h in _holidays(y))
    one = np.timedelta64(1, "D")
    begin = np.array(starts, dtype="datetime64[D]") + one
    finish = np.array(ends, dtype="datetime64[D]") + one
    counted: npt.NDArray[np.int64] = np.busday_count(
        begin, np.maximum(begin, finish), holidays=free
    )
    return counted


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _counted(values: Sequence[str], order: Sequence[str]) -> dict[str, int]:
    counts = Counter(values)
    return {code: counts.get(code, 0) for code in order}


async def annual_report(session: AsyncSession, year: int) -> AnnualReport:
    rows = await _rows(session, year)
    this = [r for r in rows if r.created.year == year]
    before = [r for r in rows if r.created.year == year - 1]
    names = {c.id: c for c in (await session.scalars(select(Category))).all()}
    departments = dict((await session.execute(select(Department.id, Department.name))).all())
    districts = dict((await session.execute(select(District.id, District.name))).all())

    kinds = [k.value for k in Kind]
    channels = [c.value for c in Channel]
    kind_now, kind_then = (
        _counted([r.kind for r in this], kinds),
        _counted([r.kind for r in before], kinds),
    )
    channel_now = _counted([r.channel for r in this], channels)
    channel_then = _counted([r.channel for r in before], channels)
    month_now = Counter(r.created.month for r in this)
    month_then = Counter(r.created.month for r in before)

    replied = [r for r in this if r.first_reply is not None]
    reply_days = working_days([r.created for r in replied], [r.first_reply for r in replied])  # type: ignore[misc]
    answered = [r for r in this if r.answered is not None]
    answer_days = working_days([r.created for r in answered], [r.answered for r in answered])  # type: ignore[misc]

    year_end = date(year, 12, 31)
    backlog: Counter[str] = Counter()
    for r in this:
        open_at_end = r.state in policy.OPEN or (r.answered is not None and r.answered > year_end)
        if not open_at_end:
            continue
        age = (year_end - r.created).days
        bucket = next((label for limit, label in BACKLOG_AGES if age <= limit), OLDEST)
        backlog[bucket] += 1

    rated = [r.satisfaction for r in this if r.satisfaction is not None]
    asked = [r.solved for r in this if r.solved is not None]
    outcome_order = [s.value for s in State if s != State.unconfirmed]
    outcomes = _counted([r.state for r in this], outcome_order)

    def top(keys: Sequence[int | None], label: dict[int, str]) -> list[tuple[str, int]]:
        counts = Counter(keys)
        return [
            (label.get(key, "–") if key is not None else "–", count)
            for key, count in counts.most_common()
        ]

    category_names = {i: category_name(c) for i, c in names.items()}
    return AnnualReport(
        year=year,
        total=len(this),
        previous_total=len(before),
        by_kind=[(k, kind_now[k], kind_then[k]) for k in kinds],
        by_channel=[(c, channel_now[c], channel_then[c]) for c in channels],
        by_month=[(m, month_now.get(m, 0), month_then.get(m, 0)) for m in range(1, 13)],
        by_category=top([r.category_id for r in this], category_names),
        by_department=top([r.department_id for r in this], departments),
        by_district=top([r.district_id for r in this], districts),
        first_reply_within=_share(int((reply_days <= FIRST_REPLY_DAYS).sum()), len(replied)),
        first_reply_count=len(replied),
        answer_median=float(np.median(answer_days)) if len(answered) else None,
        answer_p90=float(np.percentile(answer_days, 90)) if len(answered) else None,
        answered_count=len(answered),
        outcomes=[(code, count) for code, count in outcomes.items() if count],
        backlog=[(label, backlog.get(label, 0)) for _, label in BACKLOG_AGES]
        + [(OLDEST, backlog.get(OLDEST, 0))],
        reopen_rate=_share(sum(r.reopened for r in answered), len(answered)),
        satisfaction=[(n, rated.count(n)) for n in range(1, 6)],
        satisfaction_mean=round(sum(rated) / len(rated), 2) if rated else None,
        solved_share=_share(sum(1 for s in asked if s), len(asked)),
        anonymous_share=_share(sum(r.anonymous for r in this), len(this)),
    )


def reportable_year(raw: int, today: date | None = None) -> bool:
    """Years from 2000 to the current one have a report."""
    current = (today or datetime.now(ZoneInfo(TIMEZONE)).date()).year
    return FIRST_YEAR <= raw <= current
