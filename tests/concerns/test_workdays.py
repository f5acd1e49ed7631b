"""Working days in Brandenburg: weekends and the state's public holidays do not count."""

from __future__ import annotations

from datetime import date

from dialog.concerns.workdays import add_working_days, is_working_day, working_days_between


def test_reformation_day_is_a_holiday_in_brandenburg() -> None:
    assert not is_working_day(date(2026, 10, 31))  # a Saturday anyway
    assert not is_working_day(date(2025, 10, 31))  # a Friday


def test_three_working_days_after_a_thursday_before_easter_end_on_wednesday() -> None:
    # Good Friday 3 April and Easter Monday 6 April 2026 are holidays.
    assert add_working_days(date(2026, 4, 2), 3) == date(2026, 4, 9)


def test_a_friday_plus_one_working_day_is_the_monday() -> None:
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)


def test_twenty_working_days_across_christmas() -> None:
    end = add_working_days(date(2026, 12, 14), 20)
    assert working_days_between(date(2026, 12, 14), end) == 20
    assert end == date(2027, 1, 13)
