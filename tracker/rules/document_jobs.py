"""When a document is built while the person waits and when in the background, and how far a build has
got: plain rules for ``tracker.documents`` (no Flask, no database).

A request answers within a second at the million (issue 16, item 3): a document whose size says it would
take longer — a list of thousands of tasks, a report over every plan of a year — is queued and built by
the scheduler, as OpenProject's exports are, and the person downloads it from *Tệp đã xuất* when it is
ready. A small one is still sent at once: waiting for a queue to hand over a 40-row sheet helps nobody.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum


class Route(Enum):
    INLINE = "inline"  # built in the request and sent
    BACKGROUND = "background"  # queued for the scheduler
    TOO_LARGE = "too_large"  # refused: filter first


def route(size: int, inline_up_to: int, limit: int | None = None) -> Route:
    """How a document of ``size`` rows (tasks, leaves in scope) is made: at once up to ``inline_up_to``
    rows, in the background above, refused above ``limit`` (when there is one)."""
    if size < 0 or inline_up_to < 0:
        raise ValueError("sizes are counts")
    if limit is not None and size > limit:
        return Route.TOO_LARGE
    return Route.INLINE if size <= inline_up_to else Route.BACKGROUND


def progress_percent(done: int, total: int) -> int:
    """Whole percent of a build, 0–100; an unknown total (0) is 0 until the build ends."""
    if total <= 0 or done <= 0:
        return 0
    return min(100, done * 100 // total)


def expires_at(finished_at: datetime, keep: timedelta) -> datetime:
    """When a built file is removed (the person can ask for a new one: the list is live data)."""
    return finished_at + keep
