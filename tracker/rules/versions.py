"""No lost edits (issue 16.9): when a write is based on an older version than the stored one.

Pure. A task or plan carries a counter bumped by every update; a form or an API write says which
version it was based on. ``None`` means it did not say (an API client without ``If-Match``, as GitHub
and Redmine accept): the write is not checked. A refusal tells the user who changed what since, from
the journal lines written on the versions in between.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tracker.rules.numbers import INT_MAX


def is_stale(based_on: int | None, current: int) -> bool:
    """Whether a write based on version ``based_on`` must be refused when ``current`` is stored."""
    return based_on is not None and based_on != current


def parse_version(raw: object) -> int | None:
    """A version as a form field or an ``If-Match`` header sends it (``"7"``, ``'"7"'``, ``W/"7"``);
    ``None`` when absent, blank or not a version (a garbled value is then refused as stale, see
    ``stale_or_unreadable``)."""
    if raw is None:
        return None
    text = str(raw).strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"').strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    version = int(text)
    # A version is an integer column: one above its largest value cannot exist (and would not fit a query).
    return version if version <= INT_MAX else None


@dataclass(frozen=True)
class Change:
    """One field changed by someone else since the version a write was based on, as the journal shows it."""

    at: str  # dd/mm/yyyy HH:MM
    who: str
    field: str  # its label ("Thời hạn")
    old: str
    new: str


def _one(change: Change) -> str:
    old = change.old or "(trống)"
    new = change.new or "(trống)"
    if len(old) > 80:
        old = old[:77] + "…"
    if len(new) > 80:
        new = new[:77] + "…"
    return f"{change.field} {old} → {new}"


def stale_message(noun: str, changes: Sequence[Change]) -> str:
    """ "Người khác đã sửa nhiệm vụ này lúc 01/12/2026 15:02 (Nguyễn Văn A): Thời hạn 30/06/2026 →
    15/07/2026. …" — ``noun`` is "nhiệm vụ" or "kế hoạch"; the latest change's time and author name the
    edit, each field changed since is listed once with its first old and last new value."""
    tail = " Trang đang hiện các giá trị hiện tại; thay đổi của bạn chưa được lưu, hãy nhập lại nếu vẫn cần."
    if not changes:
        return f"Người khác đã sửa {noun} này sau khi bạn mở trang.{tail}"
    merged: dict[str, Change] = {}
    for c in changes:
        first = merged.get(c.field)
        merged[c.field] = c if first is None else Change(c.at, c.who, c.field, first.old, c.new)
    last = changes[-1]
    who = sorted({c.who for c in changes if c.who})
    by = f" ({', '.join(who)})" if who else ""
    lines = "; ".join(_one(c) for c in merged.values() if c.old != c.new)
    body = f": {lines}." if lines else "."
    return f"Người khác đã sửa {noun} này lúc {last.at}{by}{body}{tail}"
