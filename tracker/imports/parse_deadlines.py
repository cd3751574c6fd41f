"""Reading the deadline column of an imported document, through the one parser (rules.deadlines).

``parse_deadline`` reads one phrase. Documents also write phrases it leaves undetermined on purpose,
which an import can still read in part — always saying so (``flag``), never silently:

* compound: "Thường xuyên; riêng nội dung … hoàn thành trong Quý II/2024" — the phrase is kept, the
  one dated part is the deadline, flagged;
* a range: "Quý IV/2025 - Quý II/2026" ends at its end;
* a start: "Từ 01/7/2025" is when the work starts, not a deadline;
* anything else stays "chưa xác định thời hạn", verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tracker.rules.deadlines import DeadlineError, DeadlineKind, Frequency, parse_deadline


class DeadlineFlag:
    NONE = ""
    COMPOUND = "compound"
    RANGE = "range"
    START_ONLY = "start_only"
    UNDETERMINED = "undetermined"
    INVALID = "invalid"


FLAG_LABELS = {
    DeadlineFlag.COMPOUND: "Cụm thời hạn ghép: lấy mốc có ngày làm thời hạn",
    DeadlineFlag.RANGE: "Khoảng thời gian: lấy thời điểm kết thúc",
    DeadlineFlag.START_ONLY: "Chỉ có ngày bắt đầu, chưa xác định thời hạn",
    DeadlineFlag.UNDETERMINED: "Chưa xác định thời hạn",
    DeadlineFlag.INVALID: "Ngày không hợp lệ",
}


@dataclass(frozen=True)
class ReadDeadline:
    phrase: str
    kind: DeadlineKind
    due: date | None = None
    start: date | None = None
    frequency: Frequency | None = None
    day: int | None = None
    flag: str = DeadlineFlag.NONE
    note: str = ""

    @property
    def explicit_due(self) -> date | None:
        """The date to hand the task operation with the phrase: only where the phrase alone would not
        give it (compound, range)."""
        return self.due if self.flag in (DeadlineFlag.COMPOUND, DeadlineFlag.RANGE) else None

    @property
    def flagged(self) -> bool:
        return self.flag != DeadlineFlag.NONE


_DATE = r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}"
_DATED = re.compile(
    rf"(?:ngày\s*)?{_DATE}"
    r"|\d{1,2} tháng \d{1,2} năm \d{4}"
    r"|quý (?:iv|iii|ii|i|[1-4])\s*(?:/|năm)\s*\d{4}"
    r"|(?:6|9) tháng (?:đầu |cuối )?(?:năm )?\d{4}"
    r"|tháng \d{1,2}\s*(?:/|năm)\s*\d{4}"
    r"|năm \d{4}",
    re.IGNORECASE,
)
_START = re.compile(
    rf"^(?:bắt đầu\s*)?(?:kể\s*)?từ\s*(?:ngày\s*)?(?P<start>{_DATE}|quý .+|tháng .+|năm \d{{4}})(?P<rest>.*)$", re.I
)
_RANGE_SPLIT = re.compile(r"\s+(?:-|–|—|đến|tới)\s+|\s*(?:–|—)\s*", re.I)
_YEAR_RANGE = re.compile(r"^(?:giai đoạn|trong giai đoạn|năm)?\s*(\d{4})\s*(?:-|–|—|đến)\s*(\d{4})$", re.I)


def _tidy(phrase: str) -> str:
    text = re.sub(r"[*_]+", "", phrase or "")
    return re.sub(r"\s+", " ", text).strip().strip(" .;,")


def _fixed(text: str, default_year: int | None) -> date | None:
    try:
        rule = parse_deadline(text, default_year)
    except DeadlineError:
        return None
    return rule.due if rule.kind is DeadlineKind.FIXED else None


def read_deadline(phrase: str, default_year: int | None = None) -> ReadDeadline:
    verbatim = _tidy(phrase)
    if not verbatim:
        return ReadDeadline("", DeadlineKind.UNDETERMINED, flag=DeadlineFlag.UNDETERMINED, note="Văn bản không ghi thời hạn")
    try:
        rule = parse_deadline(verbatim, default_year)
    except DeadlineError as exc:
        return ReadDeadline(verbatim, DeadlineKind.UNDETERMINED, flag=DeadlineFlag.INVALID, note=str(exc))
    if rule.kind is not DeadlineKind.UNDETERMINED:
        return ReadDeadline(verbatim, rule.kind, rule.due, frequency=rule.frequency, day=rule.day)
    lowered = verbatim.lower()
    for reader in (_from_start, _year_range, _two_dates):
        found = reader(verbatim, lowered, default_year)
        if found is not None:
            return found
    return _compound(verbatim, lowered, default_year)


def _range(verbatim: str, end: date, start: date) -> ReadDeadline:
    return ReadDeadline(verbatim, DeadlineKind.FIXED, end, start, flag=DeadlineFlag.RANGE, note=FLAG_LABELS[DeadlineFlag.RANGE])


def _from_start(verbatim: str, lowered: str, default_year: int | None) -> ReadDeadline | None:
    """ "Từ tháng 3/2025 đến tháng 6/2025": a range; "Từ tháng 3/2025" alone: a start without a deadline."""
    m = _START.match(lowered)
    start = _fixed(m.group("start"), default_year) if m else None
    if m is None or start is None:
        return None
    start = _start_of(m.group("start"), start, default_year)
    rest = m.group("rest").strip(" ,;")
    end_text = re.sub(r"^(?:đến|tới|-|–)\s*(?:ngày\s*)?", "", rest)
    end = _fixed(end_text, default_year) if rest else None
    if end is not None and end >= start:
        return _range(verbatim, end, start)
    return ReadDeadline(
        verbatim, DeadlineKind.UNDETERMINED, None, start, flag=DeadlineFlag.START_ONLY, note=FLAG_LABELS[DeadlineFlag.START_ONLY]
    )


def _year_range(verbatim: str, lowered: str, default_year: int | None) -> ReadDeadline | None:
    """ "2021-2025": the whole span, due at the end of its last year."""
    m = _YEAR_RANGE.match(lowered)
    if m is None:
        return None
    first, last = int(m.group(1)), int(m.group(2))
    return _range(verbatim, date(last, 12, 31), date(first, 1, 1)) if first <= last else None


def _two_dates(verbatim: str, lowered: str, default_year: int | None) -> ReadDeadline | None:
    """Two deadlines joined by a dash or "đến": the span between them."""
    parts = _RANGE_SPLIT.split(lowered)
    if len(parts) != 2:
        return None
    first_due, last_due = _fixed(parts[0], default_year), _fixed(parts[1], default_year)
    if first_due is None or last_due is None or first_due > last_due:
        return None
    return _range(verbatim, last_due, _start_of(parts[0], first_due, default_year))


def _compound(verbatim: str, lowered: str, default_year: int | None) -> ReadDeadline:
    """A sentence with one date in it is due on that date; with none or several, undetermined."""
    dues = {d for m in _DATED.finditer(lowered) if (d := _fixed(m.group(0), default_year)) is not None}
    if len(dues) == 1:
        return ReadDeadline(
            verbatim, DeadlineKind.FIXED, dues.pop(), flag=DeadlineFlag.COMPOUND, note=FLAG_LABELS[DeadlineFlag.COMPOUND]
        )
    note = FLAG_LABELS[DeadlineFlag.UNDETERMINED]
    if len(dues) > 1:
        note += " (có nhiều mốc thời gian, hãy chọn một)"
    return ReadDeadline(verbatim, DeadlineKind.UNDETERMINED, flag=DeadlineFlag.UNDETERMINED, note=note)


def _start_of(text: str, end_of_period: date, default_year: int | None) -> date:
    """The first day of the period a phrase names ("Quý IV/2025" starts 01/10/2025); a date is itself."""
    text = text.strip().lower()
    if re.match(r"^(?:ngày\s*)?\d{1,2}\s*[/.-]", text):
        return end_of_period
    if text.startswith("quý"):
        return date(end_of_period.year, end_of_period.month - 2, 1)
    if text.startswith("tháng"):
        return date(end_of_period.year, end_of_period.month, 1)
    return date(end_of_period.year, 1, 1)
