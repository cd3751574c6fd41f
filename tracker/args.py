"""Reading the query string, for every page and the API: one place, so no view imports another's.

Two manners. The pages are forgiving: a value they cannot read is flashed in Vietnamese and left out
(the page still shows, with the default). The API is strict: a value it cannot read is a 422 with the
field's message (``ValidationFailed``), never a silent default.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import TypeVar

from flask import flash, request

from tracker import clock
from tracker.errors import ValidationFailed
from tracker.formatting import DateInputError, parse_date
from tracker.rules.numbers import INT_MAX, ascii_int
from tracker.rules.periods import Period, PeriodKind, Scheme, period
from tracker.rules.status import Box, TaskStatus
from tracker.tasks.filters import BOX_GROUPS, TaskFilter
from tracker.web import bounded

E = TypeVar("E", bound=Enum)

# A page beyond this is empty anyway; the bound keeps OFFSET inside a database integer.
PAGE_MAX = 1_000_000

# ---------------------------------------------------------------- pages: flash and carry on


def as_of_arg() -> date:
    """``as_of`` (dd/mm/yyyy), today when absent or unreadable."""
    raw = request.args.get("as_of", "").strip()
    if not raw:
        return clock.today()
    try:
        day = parse_date(raw)
    except DateInputError as exc:
        flash(f"Ngày tính số liệu: {exc} Đang hiển thị số liệu hôm nay.", "warning")
        return clock.today()
    return bounded(day, "Ngày tính số liệu")


def int_arg(name: str) -> int | None:
    """A positive id (``plan``, ``unit``) in ASCII digits below 2⁶³, or None (flashed when typed wrong)."""
    raw = request.args.get(name, "").strip()
    value = ascii_int(raw, 1, INT_MAX)
    if raw and value is None:
        flash("Bộ lọc không hợp lệ đã được bỏ qua.", "warning")
    return value


def enum_arg(enum_cls: type[E], name: str) -> E | None:
    raw = request.args.get(name)
    try:
        return enum_cls(raw) if raw else None
    except ValueError:
        flash("Bộ lọc không hợp lệ đã được bỏ qua.", "warning")
        return None


def date_arg(name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        day = parse_date(raw)
    except DateInputError as exc:
        flash(f"Bộ lọc ngày: {exc}", "warning")
        return None
    return bounded(day, "Bộ lọc ngày")


def page_args(default_per_page: int = 50) -> tuple[int, int]:
    """(page, per_page): page from 1, per_page between 10 and 200."""
    page = ascii_int(request.args.get("page", ""), 1, PAGE_MAX) or 1
    per_page = min(max(ascii_int(request.args.get("per_page", ""), 1, 200) or default_per_page, 10), 200)
    return page, per_page


def _year_arg() -> int | None:
    """``year`` as typed, or None; a value that is no number (``²``, ``١٢``, ``2024.5``) is a ValueError
    (the period is flashed as not valid), a number outside the window a 400 from ``bounded``."""
    raw = request.args.get("year", "").strip()
    if not raw:
        return None
    value = ascii_int(raw, 0)
    if value is None:
        raise ValueError(raw)
    return value


def sort_arg(default: str = "due") -> str:
    return request.args.get("sort", default)


def task_filter_from_args() -> TaskFilter:
    """The filters every task list understands (the pages, the dashboards' links, the XLSX export)."""
    group = BOX_GROUPS.get(request.args.get("box", ""))
    return TaskFilter(
        plan_id=int_arg("plan"),
        unit_id=int_arg("unit"),
        assignee_id=int_arg("assignee"),
        box=None if group else enum_arg(Box, "box"),
        boxes=group or (),
        status=enum_arg(TaskStatus, "status"),
        search=request.args.get("q", "")[:200],
        leaves_only=request.args.get("leaves") == "1",
        due_from=date_arg("due_from"),
        due_to=date_arg("due_to"),
        done_from=date_arg("done_from"),
        done_to=date_arg("done_to"),
    )


def period_arg(as_of: date) -> Period | None:
    """A reporting period from ``period`` (kind), ``year``, ``index`` and ``scheme``; None when no kind is
    given, or (flashed) when the combination is not a period."""
    kind = request.args.get("period", "")
    if not kind:
        return None
    try:
        scheme = Scheme(request.args.get("scheme", Scheme.CALENDAR.value))
        year = bounded(_year_arg() or as_of.year, "Năm của kỳ")
        return period(PeriodKind(kind), year, ascii_int(request.args.get("index", ""), 1, 12) or 1, scheme)
    except ValueError:
        flash("Kỳ báo cáo không hợp lệ, đang hiển thị số liệu không theo kỳ.", "warning")
        return None


# ---------------------------------------------------------------- API: refuse with the field's message


def strict_as_of() -> date:
    raw = request.args.get("as_of", "")
    if not raw:
        return clock.today()
    try:
        day = parse_date(raw)
    except DateInputError as exc:
        raise ValidationFailed({"as_of": str(exc)}) from None
    return bounded(day, "Ngày tính số liệu")


def strict_positive(name: str, high: int = INT_MAX) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    value = ascii_int(raw, 1, high)
    if value is None:
        raise ValidationFailed({name: f"Phải là một số nguyên dương (chữ số 0–9, tối đa {high})."})
    return value


def strict_flag(name: str) -> bool:
    raw = request.args.get(name, "")
    if raw in ("", "0", "false"):
        return False
    if raw in ("1", "true"):
        return True
    raise ValidationFailed({name: "Phải là 1 (có) hoặc 0 (không)."})


def strict_box(raw: str) -> Box | None:
    """One box, or none; the groups (``counted``, ``done``, ``open``) are read before."""
    if not raw:
        return None
    try:
        return Box(raw)
    except ValueError:
        allowed = ", ".join([*(b.value for b in Box), *BOX_GROUPS])
        raise ValidationFailed({"box": f"Giá trị không hợp lệ; chấp nhận: {allowed}."}) from None


def strict_boxes(raw: str) -> tuple[Box, ...]:
    """``boxes=done_on_time,done_late``: any of these boxes."""
    names = [n.strip() for n in raw.split(",") if n.strip()]
    try:
        return tuple(Box(n) for n in names)
    except ValueError:
        allowed = ", ".join(b.value for b in Box)
        raise ValidationFailed({"boxes": f"Giá trị không hợp lệ; chấp nhận (cách nhau bởi dấu phẩy): {allowed}."}) from None


def strict_box_filter() -> tuple[Box | None, tuple[Box, ...]]:
    """(box, boxes) from ``box`` (a box or a group) and ``boxes`` (a list)."""
    group = BOX_GROUPS.get(request.args.get("box", ""))
    box = None if group else strict_box(request.args.get("box", ""))
    return box, group or strict_boxes(request.args.get("boxes", ""))
