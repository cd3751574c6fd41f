"""Chỉ tiêu: targets as plans write them, results as offices write them, and the one verdict.

Pure: no Flask, no database. Why each rule:

* A target is read into a comparator, a value and a unit ("đạt trên 70%" → > 70 %, "tối thiểu 70%" →
  ≥ 70 %, "100%" → = 100 %, "giảm ít nhất 10%" → a decrease ≥ 10 %, "12 văn bản" → ≥ 12 văn bản).
  "Trên" is strict: exactly 70 % against "trên 70%" is not met; against "tối thiểu 70%" it is. A bare
  figure ("đạt 80%", "12 văn bản") is what is to be reached, so at least that much; reaching 100 % can
  only mean exactly 100 %.
* A target we cannot read is kept as text and flagged (``None``), never guessed: a bare number with no
  unit we know ("năm 2024", "Chỉ thị 10") is not a target.
* One indicator may carry several parts, each with its own target (seed 004's one-stop-shop indicator:
  "Tỷ lệ hồ sơ cấp kết quả điện tử đạt 100%; Tỷ lệ TTHC số hoá … đạt 100%; … đạt trên 50%"); its result is
  then several figures separated by ";" (seed 000: "80,45%; 79,80%; 82,72%").
* Results are numbers the way offices type them: decimal comma ("96,97%"), sometimes a decimal point
  ("82.5%"), a dot between thousands ("1.983"), "~20%" or "khoảng 20%" (kept as approximate, compared as
  written), "0%".
* The verdict of a period and part is met / not met / no result (and undecided when the target could
  not be read or the units differ): ``verdict`` decides it, for pages, API, dashboard and reports alike.
* A result entered and then returned by the monitoring unit does not count, as a returned completion
  does not; the result of a period as of a past date is the latest entry made by that date and not
  returned by then (``standing_entry``), so a report for 30/09 drawn in December shows what it showed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class Comparator(StrEnum):
    GT = "gt"
    GE = "ge"
    EQ = "eq"
    LE = "le"
    LT = "lt"

    @property
    def symbol(self) -> str:
        return {"gt": ">", "ge": "≥", "eq": "=", "le": "≤", "lt": "<"}[self.value]

    def holds(self, measured: Decimal, target: Decimal) -> bool:
        match self:
            case Comparator.GT:
                return measured > target
            case Comparator.GE:
                return measured >= target
            case Comparator.EQ:
                return measured == target
            case Comparator.LE:
                return measured <= target
        return measured < target


class Change(StrEnum):
    """What the figure measures: a level (a rate, a count), or a decrease / an increase."""

    LEVEL = "level"
    DECREASE = "decrease"
    INCREASE = "increase"


class Verdict(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NO_RESULT = "no_result"
    UNDECIDED = "undecided"

    @property
    def label(self) -> str:
        return {
            "met": "Đạt",
            "not_met": "Không đạt",
            "no_result": "Chưa có kết quả",
            "undecided": "Chưa xác định",
        }[self.value]

    @property
    def css(self) -> str:
        return {"met": "success", "not_met": "danger", "no_result": "secondary", "undecided": "warning"}[self.value]


@dataclass(frozen=True)
class Target:
    comparator: Comparator
    value: Decimal
    unit: str  # "%" or a count's noun ("văn bản")
    change: Change = Change.LEVEL

    def __str__(self) -> str:
        prefix = {Change.LEVEL: "", Change.DECREASE: "giảm ", Change.INCREASE: "tăng "}[self.change]
        unit = self.unit if self.unit == "%" else f" {self.unit}"
        return f"{prefix}{self.comparator.symbol} {format_decimal(self.value)}{unit}"


@dataclass(frozen=True)
class Part:
    """One measured part of an indicator: its label (the indicator's title when it has one part) and
    the target text it was read from; ``target`` is None when it could not be read (flagged)."""

    label: str
    target_text: str
    target: Target | None


@dataclass(frozen=True)
class Measured:
    value: Decimal
    unit: str  # "%", a noun, or "" when typed bare
    approximate: bool = False
    text: str = ""

    def __str__(self) -> str:
        unit = "" if not self.unit else (self.unit if self.unit == "%" else f" {self.unit}")
        return f"{'~' if self.approximate else ''}{format_decimal(self.value)}{unit}"


# Count nouns a target may use; a bare number followed by anything else is not read as a target.
COUNT_UNITS = (
    "văn bản",
    "hồ sơ",
    "hệ thống",
    "nhiệm vụ",
    "cuộc",
    "lượt",
    "người",
    "đơn vị",
    "cơ quan",
    "tin bài",
    "tin",
    "bài",
    "thủ tục",
    "TTHC",
    "phiếu",
    "lớp",
    "đợt",
    "dịch vụ",
    "sáng kiến",
    "cơ sở dữ liệu",
    "phần mềm",
    "ý kiến",
    "vấn đề",
)
_UNITS = "|".join(re.escape(u) for u in sorted(COUNT_UNITS, key=len, reverse=True))
_NUMBER = r"\d+(?:[.,]\d+)*"
_QUALIFIER = (
    r"(?:(?P<change>giảm|tăng)\s+)?(?:(?:đạt|là)\s+)?(?:tỷ lệ\s+|tỉ lệ\s+)?"
    r"(?P<q>trên|hơn|tối thiểu|ít nhất|không dưới|không thấp hơn|từ|tối đa|không quá|dưới|thấp hơn|"
    r"không vượt quá)?\s*"
)
_FIGURE = re.compile(
    rf"(?<![\w.,])(?P<lead>{_QUALIFIER})(?P<num>{_NUMBER})\s*(?P<unit>%|(?:{_UNITS})\b)(?!\w)",
    re.IGNORECASE,
)
_QUALIFIERS = {
    "trên": Comparator.GT,
    "hơn": Comparator.GT,
    "tối thiểu": Comparator.GE,
    "ít nhất": Comparator.GE,
    "không dưới": Comparator.GE,
    "không thấp hơn": Comparator.GE,
    "từ": Comparator.GE,
    "tối đa": Comparator.LE,
    "không quá": Comparator.LE,
    "không vượt quá": Comparator.LE,
    "dưới": Comparator.LT,
    "thấp hơn": Comparator.LT,
}
_HUNDRED = Decimal(100)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def format_decimal(value: Decimal) -> str:
    """96.97 → "96,97", 100 → "100": the decimal comma, no trailing zeros."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def parse_decimal(text: str) -> Decimal | None:
    """A number as Vietnamese offices write it: "96,97", "82.5", "1.983" (thousands), "16.051,5"."""
    raw = text.strip().replace(" ", "")
    if not re.fullmatch(_NUMBER, raw):
        return None
    if "," in raw and "." in raw:
        raw = raw.replace(".", "").replace(",", ".")
    elif raw.count(",") == 1:
        raw = raw.replace(",", ".")
    elif "." in raw:
        groups = raw.split(".")
        thousands = len(groups) > 2 or len(groups[1]) == 3
        raw = raw.replace(".", "") if thousands and all(len(g) == 3 for g in groups[1:]) else raw
    if raw.count(".") > 1 or "," in raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def _unit(text: str) -> str:
    for unit in COUNT_UNITS:
        if unit.casefold() == text.casefold():
            return unit
    return "%" if text == "%" else text


def _target_of(match: re.Match[str]) -> Target | None:
    value = parse_decimal(match["num"])
    if value is None:
        return None
    unit = _unit(match["unit"])
    change = Change("decrease" if match["change"].lower() == "giảm" else "increase") if match["change"] else Change.LEVEL
    qualifier = (match["q"] or "").lower()
    if qualifier:
        comparator = _QUALIFIERS[qualifier]
    elif unit == "%" and value == _HUNDRED and change is Change.LEVEL:
        comparator = Comparator.EQ
    else:
        comparator = Comparator.GE
    return Target(comparator, value, unit, change)


def _without_remarks(text: str) -> str:
    """Parenthesised remarks ("(trừ văn bản mật …)") are not the target."""
    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"\([^()]*\)", " ", text)
    return text


def parse_target(text: str) -> Target | None:
    """The target of one indicator (or one part): the first figure with a qualifier ("trên", "tối
    thiểu", …), else the first figure, outside parenthesised remarks; None when there is none."""
    body = _without_remarks(_nfc(text))
    figures = list(_FIGURE.finditer(body))
    if not figures:
        return None
    qualified = [m for m in figures if m["q"] or m["change"]]
    return _target_of(qualified[0] if qualified else figures[0])


def _segments(title: str) -> list[str]:
    inner = re.search(r"\(([^()]*;[^()]*)\)", title)
    source = inner.group(1) if inner else title
    return [s.strip(" .*") for s in source.split(";") if s.strip(" .*")]


def split_parts(title: str) -> list[Part]:
    """The parts of an indicator: the ";"-separated figures in its parentheses (or in its text), each
    with its own target; otherwise one part, the whole title."""
    title = _nfc(title).strip()
    segments = _segments(title)
    if len(segments) > 1 and all(_FIGURE.search(s) for s in segments):
        return [Part(s, s, parse_target(s)) for s in segments]
    return [Part(title, title, parse_target(title))]


_APPROX = re.compile(r"^(?:~|≈|khoảng|xấp xỉ|gần|ước đạt|ước|trên dưới)\s*", re.IGNORECASE)
_RESULT = re.compile(rf"^(?:đạt\s+)?(?P<num>{_NUMBER})\s*(?P<unit>%|[^\W\d][\w ]*)?$", re.IGNORECASE)


def parse_measured(text: str) -> Measured | None:
    """One result figure: "96,97%", "82.5%", "~20%", "khoảng 20 %", "0%", "12 văn bản", "12"."""
    raw = _nfc(text).strip().rstrip(".;")
    approximate = False
    m_approx = _APPROX.match(raw)
    if m_approx:
        approximate = True
        raw = raw[m_approx.end() :]
    m = _RESULT.match(raw.strip())
    if m is None:
        return None
    value = parse_decimal(m["num"])
    if value is None:
        return None
    return Measured(value, _unit((m["unit"] or "").strip()), approximate, _nfc(text).strip())


def parse_results(text: str) -> list[Measured | None]:
    """A result as typed for a whole indicator: one figure per part, separated by ";"."""
    return [parse_measured(p) for p in _nfc(text).split(";") if p.strip()]


def verdict(target: Target | None, measured: Measured | None) -> Verdict:
    """Met, not met, or no result, for one part in one period. A target that could not be read, or a
    result in another unit than the target's, is undecided: never guessed."""
    if measured is None:
        return Verdict.NO_RESULT
    if target is None:
        return Verdict.UNDECIDED
    if measured.unit and measured.unit.casefold() != target.unit.casefold():
        return Verdict.UNDECIDED
    return Verdict.MET if target.comparator.holds(measured.value, target.value) else Verdict.NOT_MET


def overall(verdicts: Sequence[Verdict]) -> Verdict:
    """An indicator with several parts is met when every part is, not met when any part is not."""
    if not verdicts:
        return Verdict.NO_RESULT
    if Verdict.NOT_MET in verdicts:
        return Verdict.NOT_MET
    if all(v is Verdict.MET for v in verdicts):
        return Verdict.MET
    if Verdict.NO_RESULT in verdicts:
        return Verdict.NO_RESULT
    return Verdict.UNDECIDED


@dataclass(frozen=True)
class Entry:
    """A result entered for a period: when (the day), and whether and when it was returned."""

    ident: int
    entered_on: date
    returned_on: date | None = None


def standing_entry(entries: Sequence[Entry], on: date) -> Entry | None:
    """The result of a period as of ``on``: the latest entry made on or before ``on`` and not returned
    by then (a returned result counts as none, as a returned completion counts as not completed)."""
    live = [e for e in entries if e.entered_on <= on and (e.returned_on is None or e.returned_on > on)]
    return max(live, key=lambda e: (e.entered_on, e.ident)) if live else None


def result_due(period_end: date, report_day: int = 15) -> date:
    """When a period's result is due: the plan's reporting day in the period's last month (seed 004:
    "trước ngày 15 của tháng cuối quý"), or the period's last day when that comes first."""
    day = min(max(report_day, 1), period_end.day)
    return period_end.replace(day=day)
