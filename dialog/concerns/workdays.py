"""Working days in Brandenburg: Monday to Friday without the state's public holidays."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

FIRST_REPLY_DAYS = 3  # a first qualified reply within 3 working days


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DE", subdiv="BB", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The day `days` working days after `start` (the day of receipt does not count)."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
