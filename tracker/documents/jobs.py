"""The scheduler's side of *Tệp đã xuất*: build the queued documents one after another, each with the
builder of its kind. A document that cannot be built fails alone, with the reason shown to the person who
asked; the others are built (issue 16: one bad value never stops a department-wide job)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import datetime

from flask import current_app
from werkzeug.datastructures import MultiDict

from tracker import clock
from tracker.documents import operations as ops
from tracker.documents.models import DocumentJob
from tracker.formatting import fmt_number

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
# One pass builds documents for at most this long, so the scheduler's other jobs keep their turn
# (the next pass, seconds later, goes on with the queue).
PASS_SECONDS = 50.0


class BuildRefused(Exception):
    """A document that can no longer be built; the message (Vietnamese) is shown to its owner."""


def _task_list(params: dict, progress: Progress) -> bytes:
    """The task list's XLSX, from the list's own query string (the same parsing as the page)."""
    from tracker import args
    from tracker.tasks.export import EXPORT_LIMIT, task_workbook

    with current_app.test_request_context("/tasks/export.xlsx", query_string=MultiDict(params["args"])):
        as_of, flt, sort = args.as_of_arg(), args.task_filter_from_args(), args.sort_arg()
    data, total = task_workbook(flt, as_of, sort, EXPORT_LIMIT, progress=progress)
    if total > EXPORT_LIMIT:
        raise BuildRefused(
            f"Danh sách nay có {fmt_number(total)} nhiệm vụ, quá giới hạn {fmt_number(EXPORT_LIMIT)}; hãy lọc bớt."
        )
    return data.getvalue()


def _report(params: dict, progress: Progress) -> bytes:
    """A report (a draft as it stands when built; an issued one as issued) in one format."""
    from tracker.extensions import db
    from tracker.reports.models import Report
    from tracker.reports.render import render

    report = db.session.get(Report, params["report_id"])
    if report is None:
        raise BuildRefused("Báo cáo này đã bị xoá.")
    return render(report, params["fmt"])


BUILDERS: dict[str, Callable[[dict, Progress], bytes]] = {"tasks_xlsx": _task_list, "report": _report}


def build(job: DocumentJob) -> str:
    """Build one claimed document; returns a line for the scheduler's log."""
    job_id = job.id
    builder = BUILDERS.get(job.kind)
    try:
        if builder is None:
            raise BuildRefused("Loại tệp này không còn được hỗ trợ; hãy xuất lại.")
        data = builder(json.loads(job.params), lambda done, total: ops.record_progress(job_id, done, total))
    except BuildRefused as exc:
        ops.fail(job_id, str(exc), clock.now())
        return f"tệp {job_id}: không tạo được ({exc})"
    except Exception:  # a bug or a bad value must not stop the queue: this document fails, the rest go on
        log.exception("document %s (%s) failed", job_id, job.kind)
        ops.fail(
            job_id,
            "Không tạo được tệp do lỗi của hệ thống (đã ghi vào nhật ký để quản trị kiểm tra); hãy thử xuất lại.",
            clock.now(),
        )
        return f"tệp {job_id}: LỖI (xem nhật ký)"
    ops.finish(job, data, clock.now())
    return f"tệp {job_id}: đã tạo ({fmt_number(len(data))} byte)"


def build_pending(now: datetime, seconds: float = PASS_SECONDS) -> list[str]:
    """One pass of the queue: interrupted builds queued again, expired files removed, then the queued
    documents built, oldest first, for at most ``seconds``."""
    lines: list[str] = []
    if requeued := ops.requeue_stale(now):
        lines.append(f"{requeued} tệp bị gián đoạn được xếp lại")
    if expired := ops.expire(now):
        lines.append(f"đã xoá {expired} tệp quá hạn lưu")
    started = time.monotonic()
    while time.monotonic() - started < seconds and (job := ops.claim_next(clock.now())) is not None:
        lines.append(build(job))
    return lines
