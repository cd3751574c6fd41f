"""Deadline rules and the parser for deadlines written in words.

One module used everywhere (forms, import, API, demo data). A phrase is resolved to one of:

* ``fixed``: a single due date ("Trong năm 2024" -> 31/12/2024, "Quý III/2024" -> 30/09/2024);
* ``ongoing``: "Thường xuyên", no single due date;
* ``periodic``: a duty that recurs ("trước ngày 15 của tháng cuối quý"), one occurrence per period;
* ``undetermined``: anything the parser does not understand, kept verbatim and shown as
  "chưa xác định thời hạn". We never guess.

Decision on "trước ngày X": the offices read "báo cáo trước ngày 15/6" as "no later than 15/6" (work
received on the 15th is accepted), so the due date is X itself and finishing on X is on time.
"""

from __future__ import annotations

import calendar as _calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from tracker.rules.labels import LabelledEnum
from tracker.rules.window import OutOfWindow, YearWindow


class DeadlineKind(LabelledEnum):
    FIXED = "fixed", "Có thời hạn"
    ONGOING = "ongoing", "Thường xuyên"
    PERIODIC = "periodic", "Định kỳ"
    UNDETERMINED = "undetermined", "Chưa xác định thời hạn"


class Frequency(LabelledEnum):
    MONTHLY = "monthly", "Hằng tháng"
    QUARTERLY = "quarterly", "Hằng quý"
    HALF_YEARLY = "half_yearly", "6 tháng"
    YEARLY = "yearly", "Hằng năm"

    @property
    def months(self) -> int:
        return {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}[self.value]


@dataclass(frozen=True)
class DeadlineRule:
    kind: DeadlineKind
    phrase: str
    due: date | None = None
    frequency: Frequency | None = None
    # Periodic duties: the day of the period's last month it falls on (None: that month's last day).
    day: int | None = None
    # Undetermined: why the phrase could not be read, in Vietnamese, for the person who typed it.
    reason: str = ""


class DeadlineError(ValueError):
    """A date that cannot exist, such as 31/02/2024."""


ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def month_end(year: int, month: int) -> date:
    return date(year, month, _calendar.monthrange(year, month)[1])


def _normalise(phrase: str) -> str:
    text = unicodedata.normalize("NFC", phrase).lower()
    text = text.replace("*", " ").replace("–", "-").replace("—", "-")
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" .;,")


_PREFIX = (
    r"(?:(?:thời gian thực hiện|thời gian hoàn thành|thời hạn hoàn thành|thời hạn|hạn chót|hạn|"
    r"hoàn thành|chậm nhất là|chậm nhất|trước|đến|vào|trong|kết thúc|xong)\s*:?\s*)*"
)
_YEAR = r"(\d{4})"
_OPT_YEAR = r"(?:\s*(?:/|năm)\s*(\d{4}))?"

_DATE_NUMERIC = re.compile(_PREFIX + r"(?:ngày\s*)?(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_DATE_WORDS = re.compile(_PREFIX + r"(?:ngày\s*)?(\d{1,2}) tháng (\d{1,2}) năm (\d{4})")
_PART_YEAR = re.compile(_PREFIX + r"(6|9) tháng (đầu|cuối)?\s*(?:năm)?\s*" + _YEAR)
_QUARTER = re.compile(_PREFIX + r"quý (iv|iii|ii|i|[1-4])" + _OPT_YEAR)
_MONTH = re.compile(_PREFIX + r"tháng (\d{1,2})" + _OPT_YEAR)
_YEAR_ONLY = re.compile(_PREFIX + r"(?:cả năm|cuối năm|năm)?\s*" + _YEAR)
_ONGOING = re.compile(r"(?:thực hiện\s*)?thường xuyên(?:\s*,?\s*liên tục)?(?:\s+trong năm \d{4})?")

_FREQUENCIES = [
    (re.compile(r"tháng cuối (?:của )?quý|hằng quý|hàng quý|mỗi quý|định kỳ quý|theo quý"), Frequency.QUARTERLY),
    (re.compile(r"6 tháng một lần|định kỳ 6 tháng|hằng 6 tháng|mỗi 6 tháng|tháng cuối (?:của )?6 tháng"), Frequency.HALF_YEARLY),
    (re.compile(r"hằng tháng|hàng tháng|mỗi tháng|định kỳ tháng|theo tháng"), Frequency.MONTHLY),
    (re.compile(r"hằng năm|hàng năm|mỗi năm|định kỳ năm"), Frequency.YEARLY),
]
_PERIODIC_DAY = re.compile(r"ngày (\d{1,2})\b(?! ?[/.-])")


def _safe_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DeadlineError(f"Ngày {day:02d}/{month:02d}/{year} không tồn tại.") from exc


def _year_or_default(raw: str | None, default_year: int | None, window: YearWindow) -> int | None:
    if raw:
        return window.check(int(raw), "Năm")
    return default_year


def parse_deadline(phrase: str, default_year: int | None = None, window: YearWindow = YearWindow()) -> DeadlineRule:
    """Resolve a deadline phrase. ``default_year`` (usually the plan's year) fills "Quý III" alone.

    Raises ``DeadlineError`` for a phrase that names an impossible date ("31/02/2024"): that is an
    error to show the user, not something to keep silently. A year outside ``window`` ("Trong năm 1024",
    "31/12/9999") is no deadline either: undetermined, with the window's message as the reason.
    """
    verbatim = (phrase or "").strip()
    text = _normalise(verbatim)
    if not text:
        return DeadlineRule(DeadlineKind.UNDETERMINED, verbatim, reason="Chưa ghi thời hạn.")
    if _ONGOING.fullmatch(text):
        return DeadlineRule(DeadlineKind.ONGOING, verbatim)
    rule = _periodic(text, verbatim)
    if rule is None:
        try:
            due = _fixed_due(text, default_year, window)
        except OutOfWindow as exc:
            return DeadlineRule(DeadlineKind.UNDETERMINED, verbatim, reason=str(exc))
        if due is not None:
            rule = DeadlineRule(DeadlineKind.FIXED, verbatim, due=due)
    return rule or DeadlineRule(DeadlineKind.UNDETERMINED, verbatim, reason=_why_unread(text, default_year))


def _periodic(text: str, verbatim: str) -> DeadlineRule | None:
    """A recurring duty ("hằng quý, trước ngày 15 của tháng cuối quý"), or None."""
    for pattern, frequency in _FREQUENCIES:
        if pattern.search(text):
            day_match = _PERIODIC_DAY.search(text)
            day = int(day_match.group(1)) if day_match else None
            if day is not None and not 1 <= day <= 31:
                raise DeadlineError(f"Ngày {day} không hợp lệ.")
            return DeadlineRule(DeadlineKind.PERIODIC, verbatim, frequency=frequency, day=day)
    return None


def _checked_month(month: int) -> int:
    if not 1 <= month <= 12:
        raise DeadlineError(f"Tháng {month} không tồn tại.")
    return month


def _fixed_due(text: str, default_year: int | None, window: YearWindow) -> date | None:
    """The single due date a phrase names, tried from the most to the least precise form; None if none.
    A year outside ``window`` raises ``OutOfWindow`` (before any ``date`` is built from it)."""
    if m := _DATE_NUMERIC.fullmatch(text) or _DATE_WORDS.fullmatch(text):
        day, month, year = (int(g) for g in m.groups())
        return _safe_date(window.check(year, "Năm"), _checked_month(month), day)
    if m := _PART_YEAR.fullmatch(text):
        months, which, year = int(m.group(1)), m.group(2), window.check(int(m.group(3)), "Năm")
        return date(year, 12, 31) if which == "cuối" else month_end(year, months)
    if m := _QUARTER.fullmatch(text):
        quarter = ROMAN.get(m.group(1)) or int(m.group(1))
        in_year = _year_or_default(m.group(2), default_year, window)
        return month_end(in_year, quarter * 3) if in_year is not None else None
    if m := _MONTH.fullmatch(text):
        month = _checked_month(int(m.group(1)))
        in_year = _year_or_default(m.group(2), default_year, window)
        return month_end(in_year, month) if in_year is not None else None
    if m := _YEAR_ONLY.fullmatch(text):
        return date(window.check(int(m.group(1)), "Năm"), 12, 31)
    return None


_ANY_QUARTER = re.compile(r"\bquý ([^\s/]+)")
_PERIOD_WITHOUT_YEAR = re.compile(_PREFIX + r"(?:quý (?:iv|iii|ii|i|[1-4])|tháng \d{1,2})")


def _why_unread(text: str, default_year: int | None) -> str:
    """The reason shown beside an undetermined deadline, so the person who typed it can correct it."""
    if (m := _ANY_QUARTER.search(text)) and not re.fullmatch(r"iv|iii|ii|i|[1-4]", m.group(1)):
        return f"Không có quý “{m.group(1).upper()}”: một năm chỉ có quý I, II, III và IV."
    if default_year is None and _PERIOD_WITHOUT_YEAR.fullmatch(text):
        return "Thiếu năm (ví dụ “Quý III/2024”, “Tháng 6/2024”)."
    return (
        "Không đọc được cụm từ này thành một thời hạn. Hãy ghi một ngày (dd/mm/yyyy) hoặc một cụm như "
        "“Quý III/2024”, “Tháng 6/2024”, “Trong năm 2024”, “Thường xuyên”, “trước ngày 15 của tháng cuối quý”."
    )


def undetermined_notice(phrase: str, default_year: int | None = None) -> str | None:
    """What to say at once when a task is saved with a deadline the parser cannot read (None if it can):
    the task is kept, counted apart as "chưa xác định thời hạn", and listed for văn phòng until fixed."""
    try:
        rule = parse_deadline(phrase, default_year)
    except DeadlineError:
        return None
    if rule.kind is not DeadlineKind.UNDETERMINED:
        return None
    shown = f"“{rule.phrase}”" if rule.phrase else "trống"
    return f"Thời hạn {shown} chưa xác định: {rule.reason} Nhiệm vụ đã được lưu; hãy sửa thời hạn khi có thể."


@dataclass(frozen=True)
class Occurrence:
    period_start: date
    period_end: date
    due: date
    label: str


def _period_label(frequency: Frequency, start: date) -> str:
    if frequency is Frequency.MONTHLY:
        return f"Tháng {start.month}/{start.year}"
    if frequency is Frequency.QUARTERLY:
        return f"Quý {['I', 'II', 'III', 'IV'][(start.month - 1) // 3]}/{start.year}"
    if frequency is Frequency.HALF_YEARLY:
        return f"6 tháng {'đầu' if start.month == 1 else 'cuối'} năm {start.year}"
    return f"Năm {start.year}"


def occurrences(rule: DeadlineRule, start: date, end: date) -> list[Occurrence]:
    """The occurrences of a periodic duty whose period overlaps [start, end], in order.

    Periods are calendar-aligned (quarters start in January, April, July, October). The due date is
    ``rule.day`` of the period's last month, clamped to that month's length, or its last day.
    """
    if rule.kind is not DeadlineKind.PERIODIC or rule.frequency is None or end < start:
        return []
    step = rule.frequency.months
    month0 = ((start.month - 1) // step) * step + 1
    year, month = start.year, month0
    result: list[Occurrence] = []
    while date(year, month, 1) <= end:
        period_start = date(year, month, 1)
        last_month = month + step - 1
        period_end = month_end(year, last_month)
        last_day = period_end.day
        due = date(year, last_month, min(rule.day, last_day)) if rule.day else period_end
        result.append(Occurrence(period_start, period_end, due, _period_label(rule.frequency, period_start)))
        month += step
        if month > 12:
            month -= 12
            year += 1
    return result
