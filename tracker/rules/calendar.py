"""Working days in Vietnam.

Saturdays, Sundays and the public holidays (from the ``holidays`` package, Tết included) are days off;
the government also moves days off and sets make-up working days each year, so the administrator adds
``extra_days_off`` and ``makeup_working_days``, which win over the weekday rule.

Counting follows Bộ luật Dân sự 2015, Điều 147–148: the day of the event is not counted, and a period
whose last day is not a working day ends on the next working day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays

ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=256)
def public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year).keys())


@lru_cache(maxsize=256)
def official_makeup_days(year: int) -> frozenset[date]:
    """Weekend days the government made working days in exchange for a bridge day off (e.g. 04/05/2024)."""
    known: set[date] = getattr(holidays.country_holidays("VN", years=year), "weekend_workdays", set())
    return frozenset(d for d in known if d.year == year)


@dataclass(frozen=True)
class WorkCalendar:
    extra_days_off: frozenset[date] = field(default_factory=frozenset)
    makeup_working_days: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.makeup_working_days:
            return True
        if day in self.extra_days_off:
            return False
        if day.weekday() >= 5:
            return day in official_makeup_days(day.year)
        return day not in public_holidays(day.year)

    def on_or_next_working_day(self, day: date) -> date:
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add_working_days(self, start: date, count: int) -> date:
        """The day ``count`` working days after ``start`` (``start`` itself not counted).

        A negative ``count`` goes backwards: ``add_working_days(due, -3)`` is the day three working
        days before ``due``. ``count == 0`` returns ``start`` unchanged.
        """
        step = ONE_DAY if count >= 0 else -ONE_DAY
        remaining = abs(count)
        day = start
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in the half-open span (start, end]; negative when ``end`` is before ``start``."""
        if end == start:
            return 0
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        count = 0
        day = start + ONE_DAY
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += ONE_DAY
        return sign * count

    def counter(self, start: date, end: date) -> Callable[[date, date], int]:
        """``working_days_between`` in O(1) for dates in [start, end], from one pass over the span."""
        index: dict[date, int] = {}
        count = 0
        day = start
        while day <= end:
            if self.is_working_day(day):
                count += 1
            index[day] = count
            day += ONE_DAY

        def between(a: date, b: date) -> int:
            if a in index and b in index:
                return index[b] - index[a]
            return self.working_days_between(a, b)

        return between
