"""The kinds of entry in a task's journal (``task_event.action``), with the words the task page shows.

Pure. ``REPORTING`` names the entries that count as a unit having reported on its work ("đã báo cáo"):
the office board lists the units with open tasks and none of these since the period began.
"""

from __future__ import annotations

from tracker.rules.labels import LabelledEnum


class JournalAction(LabelledEnum):
    # "created" and "nudged" entries say what happened in their note: no label of their own.
    CREATED = "created", ""
    EDITED = "edited", "Sửa"
    UPDATED = "updated", "Cập nhật tình hình"
    ASSIGNED = "assigned", "Giao việc"
    CONFIRMED = "confirmed", "Xác nhận hoàn thành"
    RETURNED = "returned", "Trả lại"
    EXTENSION_REQUESTED = "extension_requested", "Đề nghị gia hạn"
    EXTENSION_APPROVED = "extension_approved", "Duyệt gia hạn"
    EXTENSION_REJECTED = "extension_rejected", "Không duyệt gia hạn"
    MOVED = "moved", "Chuyển vị trí"
    CANCELLED = "cancelled", "Hủy"
    ATTACHMENT_ADDED = "attachment_added", "Tải lên tài liệu kiểm chứng"
    NUDGED = "nudged", ""


# A unit has reported when it updated progress or result, added evidence, or asked for more time.
# Edits, assignments and confirmations are the office's doing, not the unit's report.
REPORTING: frozenset[JournalAction] = frozenset(
    {JournalAction.UPDATED, JournalAction.ATTACHMENT_ADDED, JournalAction.EXTENSION_REQUESTED}
)


def counts_as_report(action: str) -> bool:
    return action in REPORTING


# What the journal shows instead of a file's name to someone who may not download the file (issue
# 16.12): the name itself can say what the document is ("Bien-ban-ky-luat-Nguyen-Van-A.pdf").
HIDDEN_FILE = "đã đính kèm 1 tệp"


def shown_values(action: str, field: str, old: str, new: str, may_download: bool) -> tuple[str, str]:
    """The old and new values a journal line shows: a file's name only to those who may download it."""
    if may_download or (action != JournalAction.ATTACHMENT_ADDED.value and field != "attachment"):
        return old, new
    return "", HIDDEN_FILE
