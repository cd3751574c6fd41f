"""This period against the last: each headline figure of the dashboard with its change from the previous
period of the same kind (rules.periods.previous_period).

Counts change by a whole number ("+3 so với Quý II/2024"); rates by percentage points, computed from the
two rates as the page prints them (cut, not rounded, to two decimals), so the reader can subtract the two
printed figures and find the same change ("+2,13 điểm % so với …"). A rate that cannot be computed in
either period (nothing counted) has no change, and says so. Whether a rise is good depends on the figure:
more done is better, more overdue is worse; the page colours the change by that, never by its sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from fractions import Fraction

from tracker.rules.rollup import Counts, format_percent
from tracker.rules.status import Box


class Tone(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    SAME = "same"
    UNKNOWN = "unknown"

    @property
    def css(self) -> str:
        """Green for better, red for worse, grey otherwise (the page's text classes)."""
        return {"better": "text-success", "worse": "text-danger"}.get(self.value, "text-muted")


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    higher_is_better: bool
    is_rate: bool = False


FIGURES = (
    Figure("completed", "Đã hoàn thành", True),
    Figure("done_on_time", "Hoàn thành đúng hạn", True),
    Figure("done_late", "Hoàn thành quá hạn", False),
    Figure("open_overdue", "Quá hạn chưa hoàn thành", False),
    Figure("rate_all", "Tỷ lệ hoàn thành", True, is_rate=True),
    Figure("rate_due", "Tỷ lệ hoàn thành trên số đã đến hạn", True, is_rate=True),
)


@dataclass(frozen=True)
class Change:
    figure: Figure
    current: str  # as the page prints it: "12", "87,23%"
    delta: Decimal | None  # a count's difference, or percentage points; None when a rate is missing
    text: str  # "+3 so với Quý II/2024"
    tone: Tone


def _count(counts: Counts, key: str) -> int:
    if key == "completed":
        return counts.completed
    return counts[Box(key)]


def _rate(counts: Counts, key: str) -> Fraction | None:
    return counts.rate_all if key == "rate_all" else counts.rate_due


def percent_cut(rate: Fraction) -> Decimal:
    """The rate in percent, cut to two decimals, as ``format_percent`` prints it."""
    return (Decimal(rate.numerator) * 100 / Decimal(rate.denominator)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def signed(delta: Decimal, decimals: int) -> str:
    """ "+3", "-2", "0"; "+2,13", "-0,50" with a decimal comma."""
    body = f"{abs(delta):.{decimals}f}".replace(".", ",")
    if delta == 0:
        return body
    return ("+" if delta > 0 else "-") + body


def _tone(delta: Decimal | None, higher_is_better: bool) -> Tone:
    if delta is None:
        return Tone.UNKNOWN
    if delta == 0:
        return Tone.SAME
    return Tone.BETTER if (delta > 0) == higher_is_better else Tone.WORSE


def change(figure: Figure, now: Counts, before: Counts, before_name: str) -> Change:
    """One figure of ``now`` against the same figure of ``before`` (named ``before_name``)."""
    against = f"so với {before_name}"
    if figure.is_rate:
        rate_now, rate_before = _rate(now, figure.key), _rate(before, figure.key)
        current = f"{format_percent(rate_now)}%"
        if rate_now is None or rate_before is None:
            return Change(figure, current, None, f"chưa so sánh được {against}", Tone.UNKNOWN)
        delta = percent_cut(rate_now) - percent_cut(rate_before)
        text = f"{signed(delta, 2)} điểm % {against}"
    else:
        value = _count(now, figure.key)
        current, delta = str(value), Decimal(value - _count(before, figure.key))
        text = f"{signed(delta, 0)} {against}"
    return Change(figure, current, delta, text, _tone(delta, figure.higher_is_better))


def changes(now: Counts, before: Counts, before_name: str) -> list[Change]:
    """Every headline figure of the dashboard against the previous period."""
    return [change(f, now, before, before_name) for f in FIGURES]
