"""Whether a task may be given a deadline extension request (đề nghị gia hạn) at all.

Pure: the task page shows the request form exactly when this says yes, and ``request_extension``
refuses with this message when it says no, so the page and the server cannot disagree.
"""

from __future__ import annotations

from datetime import date

from tracker.rules.deadlines import DeadlineKind
from tracker.rules.status import TaskStatus

NOT_DATED = "Chỉ gia hạn được nhiệm vụ có thời hạn cụ thể."
FINISHED = "Nhiệm vụ đã hoàn thành hoặc đã hủy, không cần gia hạn."
ALREADY_PENDING = "Nhiệm vụ đang có một đề nghị gia hạn chờ duyệt."


def extension_refusal(kind: DeadlineKind, due: date | None, status: TaskStatus, pending: bool) -> str | None:
    """Why no extension can be asked for (``None``: it can). Only a task with a date in force can be
    extended; a finished or cancelled one needs none; one request waits for a decision at a time."""
    if pending:
        return ALREADY_PENDING
    if status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        return FINISHED
    if kind is not DeadlineKind.FIXED or due is None:
        return NOT_DATED
    return None
