"""Working days in Vietnam.

Saturdays, Sundays and the public holidays (from the ``holidays`` package, Tết included) are days off;
the government also moves days off and sets make-up working days each year, so the administrator adds
``extra_days_off`` and ``makeup_working_days``, which win over the weekday rule.

Counting follows Bộ luật Dân sự 2015, Điều 147–148: the day of the event is not counted, and a period
whose last day is not a working day ends on the next working day.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache

import holidays

ONE_DAY = timedelta(days=1)
_WORKWEEK = 5


_VN = holidays.country_holidays("VN")
# The years the ``holidays`` package knows for Vietnam; outside them it has no holiday to give, and asking
# it year by year (a deadline typed as 1024, an as-of date in year 1) would cost a millisecond a year.
KNOWN_YEARS = range(getattr(_VN, "start_year", 1), getattr(_VN, "end_year", 9999) + 1)


@lru_cache(maxsize=4096)
def public_holidays(year: int) -> frozenset[date]:
    if year not in KNOWN_YEARS:
        return frozenset()
    return frozenset(holidays.country_holidays("VN", years=year).keys())


@lru_cache(maxsize=4096)
def official_makeup_days(year: int) -> frozenset[date]:
    """Weekend days the government made working days in exchange for a bridge day off (e.g. 04/05/2024)."""
    if year not in KNOWN_YEARS:
        return frozenset()
    known: set[date] = getattr(holidays.country_holidays("VN", years=year), "weekend_workdays", set())
    return frozenset(d for d in known if d.year == year)


@lru_cache(maxsize=4096)
def _official_days(year: int) -> tuple[date, ...]:
    """The year's public holidays and official make-up days, sorted (for bisection)."""
    return tuple(sorted(public_holidays(year) | official_makeup_days(year)))


def _weekdays_through(day: date) -> int:
    """Monday–Friday days from 01/01/0001 (a Monday) up to and including ``day``, in O(1)."""
    weeks, rest = divmod(day.toordinal(), 7)
    return _WORKWEEK * weeks + min(rest, _WORKWEEK)


def _nth_weekday(n: int) -> date:
    """The ``n``-th Monday–Friday day counted from 01/01/0001 (n >= 1): the inverse of ``_weekdays_through``."""
    weeks, rest = divmod(n - 1, _WORKWEEK)
    return date.fromordinal(7 * weeks + rest + 1)


def weekdays_between(start: date, end: date) -> int:
    """Monday–Friday days in the half-open span (start, end], start <= end, in O(1)."""
    return _weekdays_through(end) - _weekdays_through(start)


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

    @cached_property
    def _own_exceptions(self) -> tuple[date, ...]:
        return tuple(sorted(self.extra_days_off | self.makeup_working_days))

    def exceptions(self, start: date, end: date) -> set[date]:
        """Every day in (start, end] whose status may differ from the plain Monday–Friday rule.

        Public holidays, the government's make-up weekends and the administrator's own days: what the
        arithmetic corrects for, so its cost grows with the holidays in the span, not with its days.
        """
        found: set[date] = set()
        for year in range(start.year, end.year + 1):
            days = _official_days(year)
            if days:
                lo = bisect_right(days, start) if year == start.year else 0
                hi = bisect_right(days, end) if year == end.year else len(days)
                found.update(days[lo:hi])
        own = self._own_exceptions
        found.update(own[bisect_right(own, start) : bisect_right(own, end)])
        return found

    def on_or_next_working_day(self, day: date) -> date:
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in the half-open span (start, end]; negative when ``end`` is before ``start``.

        The Monday–Friday count in closed form, corrected by each exception in the span.
        """
        if end == start:
            return 0
        if end < start:
            return -self.working_days_between(end, start)
        count = weekdays_between(start, end)
        for day in self.exceptions(start, end):
            count += self.is_working_day(day) - (day.weekday() < _WORKWEEK)
        return count

    def add_working_days(self, start: date, count: int) -> date:
        """The day ``count`` working days after ``start`` (``start`` itself not counted).

        A negative ``count`` goes backwards: ``add_working_days(due, -3)`` is the day three working
        days before ``due``. ``count == 0`` returns ``start`` unchanged.
        """
        if count > 0:
            return self._forward(start, count)
        if count < 0:
            return self._backward(start, -count)
        return start

    def _forward(self, start: date, count: int) -> date:
        """Jump by whole weekdays, count what the jump really gained, repeat; then settle on the day.

        Each jump covers the working days still missing, so the number of jumps grows with the days
        off met on the way, not with ``count``.
        """
        day, remaining = start, count
        while True:
            jump = _nth_weekday(_weekdays_through(day) + remaining)
            gained = self.working_days_between(day, jump)
            if gained < remaining:
                day, remaining = jump, remaining - gained
                continue
            # Enough (or, through make-up weekends, too many): step back to the earliest day that has them.
            while gained > remaining or not self.is_working_day(jump):
                gained -= self.is_working_day(jump)
                jump -= ONE_DAY
            return jump

    def _backward(self, start: date, count: int) -> date:
        """The mirror of ``_forward``: the latest working day with ``count`` working days in [day, start)."""
        day, remaining = start, count
        while True:
            # The weekday index of the target in the plain rule: weekdays in [jump, day) == remaining.
            jump = _nth_weekday(_weekdays_through(day - ONE_DAY) - remaining + 1)
            gained = self.working_days_between(jump, day - ONE_DAY) + self.is_working_day(jump)
            if gained < remaining:
                day, remaining = jump, remaining - gained
                continue
            while gained > remaining or not self.is_working_day(jump):
                gained -= self.is_working_day(jump)
                jump += ONE_DAY
            return jump

    def counter(self, start: date, end: date) -> Callable[[date, date], int]:
        """``working_days_between`` in O(log holidays) for dates in [start, end], built in O(holidays).

        The corrections of the span's exceptions are summed once; a count is then the closed-form
        weekday count plus the difference of two prefix sums.
        """
        days = sorted(self.exceptions(start - ONE_DAY, end)) if start <= end else []
        sums: list[int] = []
        total = 0
        for day in days:
            total += self.is_working_day(day) - (day.weekday() < _WORKWEEK)
            sums.append(total)

        def correction(day: date) -> int:
            i = bisect_right(days, day)
            return sums[i - 1] if i else 0

        def between(a: date, b: date) -> int:
            if start <= a <= end and start <= b <= end:
                return weekdays_between(a, b) + correction(b) - correction(a)
            return self.working_days_between(a, b)

        return between
