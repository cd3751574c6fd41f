"""The only code that reads the clock; everything else takes ``today``/``now`` as an argument.

Tests freeze it with ``freeze(...)``; the scheduler's ``tick --now`` uses the same hook.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

_frozen: datetime | None = None
_tz = ZoneInfo("Asia/Ho_Chi_Minh")


def set_timezone(name: str) -> None:
    global _tz
    _tz = ZoneInfo(name)


def timezone_info() -> ZoneInfo:
    return _tz


def now() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def local_now() -> datetime:
    return now().astimezone(_tz)


def today() -> date:
    """Today in the office's time zone (Asia/Ho_Chi_Minh by default), not the server's."""
    return local_now().date()


def freeze(moment: datetime | None) -> None:
    """Pin the clock to ``moment`` (aware), or release it with ``None``."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=_tz)
    _frozen = moment.astimezone(UTC) if moment is not None else None


@contextmanager
def pinned(moment: datetime) -> Iterator[None]:
    """Run a block as if at ``moment`` (the demo back-dates what it records), then put the clock back
    as it was (frozen at its moment, or running)."""
    global _frozen
    before = _frozen
    freeze(moment)
    try:
        yield
    finally:
        _frozen = before
