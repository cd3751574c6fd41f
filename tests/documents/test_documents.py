"""Documents built in the background (tracker/documents, issue 16 item 3: no request over a second at the
million): a long list or a large report is queued, built by the scheduler's job, and downloaded from *Tệp
đã xuất* — the same file the request would have sent; a document that cannot be built fails alone with
its reason; only its owner sees and downloads it; interrupted builds are taken again; old files expire."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import csrf_token, login
from tests.reports.conftest import create_draft, demo, draft_id, pdf_text, plan_id, sign_in  # noqa: F401 (fixture)
from tracker import clock
from tracker.accounts.models import Role
from tracker.documents import operations as ops
from tracker.documents.jobs import build_pending
from tracker.documents.models import DocumentJob, DocumentState
from tracker.extensions import db
from tracker.scheduler import heartbeat
from tracker.tasks.export import task_workbook
from tracker.tasks.filters import TaskFilter

LIST = "/tasks/export.xlsx?plan={plan}&sort=plan&as_of=01/04/2024"


def _plan(factory, n: int = 5) -> int:
    unit = factory.unit("Phòng Tổ chức cán bộ")
    plan = factory.plan("25/KH-SNV")
    for i in range(n):
        factory.task(plan, unit, f"{10 + i}/06/2024", title=f"Nhiệm vụ số {i + 1}")
    return plan


def _jobs(app) -> list[DocumentJob]:
    with app.app_context():
        return list(db.session.scalars(select(DocumentJob).order_by(DocumentJob.id)))


def _job(app, job_id: int) -> DocumentJob:
    with app.app_context():
        job = db.session.get(DocumentJob, job_id)
        db.session.expunge(job)
        return job


def _build(app) -> list[str]:
    with app.app_context():
        return build_pending(clock.now())


def _fetch(client, url: str):
    """The response with its body read and the file it streamed closed."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _cells(data: bytes) -> list[list]:
    return [[c.value for c in row] for row in load_workbook(io.BytesIO(data)).active.iter_rows()]


def test_a_long_list_is_built_in_the_background_and_is_the_file_the_request_would_have_sent(client, app, factory, monkeypatch):
    plan = _plan(factory)
    login(client, factory.user(Role.OFFICE))
    inline = client.get(LIST.format(plan=plan))
    assert inline.status_code == 200 and inline.mimetype.endswith("spreadsheetml.sheet")

    monkeypatch.setattr("tracker.tasks.export.EXPORT_INLINE_ROWS", 3)
    queued = client.get(LIST.format(plan=plan))
    assert queued.status_code == 302 and "/documents?new=" in queued.headers["Location"]
    page = client.get(queued.headers["Location"]).get_data(as_text=True)
    assert "Danh sách 5 nhiệm vụ, tình trạng tính đến ngày 01/04/2024" in page and "Đang chờ" in page
    assert 'http-equiv="refresh"' in page  # the page follows the build by itself

    [job] = _jobs(app)
    assert (job.state, job.rows_total) == (DocumentState.QUEUED, 5)
    assert client.get(f"/documents/{job.id}/download").status_code == 302  # not built yet: back to the list

    lines = _build(app)
    assert lines == [f"tệp {job.id}: đã tạo ({_job(app, job.id).size:,} byte)".replace(",", ".")]
    built = _job(app, job.id)
    assert (built.state, built.rows_done, built.error) == (DocumentState.DONE, 5, None)
    page = client.get("/documents").get_data(as_text=True)
    assert "Đã xong" in page and "Tải về" in page and 'http-equiv="refresh"' not in page
    download = _fetch(client, f"/documents/{job.id}/download")
    assert download.status_code == 200 and download.headers["Content-Disposition"].endswith("nhiem-vu-20240401.xlsx")
    assert _cells(download.data) == _cells(inline.data)
    assert [row[2] for row in _cells(download.data)[4:]] == [f"Nhiệm vụ số {i}" for i in range(1, 6)]


def test_a_second_click_waits_for_the_same_file_and_a_person_has_at_most_five_waiting(client, app, factory, monkeypatch):
    plan = _plan(factory, 2)
    login(client, factory.user(Role.OFFICE))
    monkeypatch.setattr("tracker.tasks.export.EXPORT_INLINE_ROWS", 1)
    first = client.get(LIST.format(plan=plan)).headers["Location"]
    assert client.get(LIST.format(plan=plan)).headers["Location"] == first
    assert len(_jobs(app)) == 1
    for day in range(2, 6):
        client.get(LIST.format(plan=plan).replace("01/04/2024", f"0{day}/04/2024"))
    assert len(_jobs(app)) == 5
    refused = client.get(LIST.format(plan=plan).replace("01/04/2024", "06/04/2024"), follow_redirects=True)
    assert "Bạn đang có 5 tệp chờ tạo" in refused.get_data(as_text=True)
    assert len(_jobs(app)) == 5


def test_only_the_owner_sees_downloads_and_removes_a_document(app, factory, monkeypatch):
    plan = _plan(factory, 2)
    monkeypatch.setattr("tracker.tasks.export.EXPORT_INLINE_ROWS", 1)
    owner, other = app.test_client(), app.test_client()
    login(owner, factory.user(Role.OFFICE))
    login(other, factory.user(Role.OFFICE))
    owner.get(LIST.format(plan=plan))
    [job] = _jobs(app)
    _build(app)
    assert "Tải về" not in other.get("/documents").get_data(as_text=True)
    assert other.get(f"/documents/{job.id}/download").status_code == 404
    token = csrf_token(other, "/documents")
    assert other.post(f"/documents/{job.id}/remove", data={"csrf_token": token}).status_code == 404
    assert _fetch(owner, f"/documents/{job.id}/download").status_code == 200

    with app.app_context():
        path = ops.documents_dir() / _job(app, job.id).stored_name
    assert path.is_file() and path.stat().st_mode & 0o777 == 0o600
    token = csrf_token(owner, "/documents")
    assert owner.post(f"/documents/{job.id}/remove", data={"csrf_token": token}).status_code == 302
    assert _jobs(app) == [] and not path.exists()


def test_a_document_that_cannot_be_built_fails_alone_and_the_queue_goes_on(app, factory):
    """A removed report, a kind no longer known and a broken parameter each fail with a reason; the list
    queued after them is built."""
    plan = _plan(factory, 2)
    user = factory.user(Role.OFFICE)
    with app.app_context():
        actor = db.session.scalars(select(db.Model.registry._class_registry["User"]).filter_by(username=user)).one()
        common = {"filename": "x.xlsx", "mimetype": "application/octet-stream", "rows_total": 0, "actor": actor}
        gone = ops.request_document("report", {"report_id": 999_999, "fmt": "pdf"}, title="Báo cáo đã xoá", **common)
        unknown = ops.request_document("no_such_kind", {}, title="Loại lạ", **common)
        broken = ops.request_document("tasks_xlsx", {"wrong": 1}, title="Hỏng", **common)
        good = ops.request_document(
            "tasks_xlsx", {"args": {"plan": [str(plan)], "as_of": ["2024-04-01"]}}, title="Danh sách", **common
        )
        ids = gone.id, unknown.id, broken.id, good.id
    lines = _build(app)
    assert len(lines) == 4 and lines[2] == f"tệp {ids[2]}: LỖI (xem nhật ký)"
    states = {job.id: (job.state, job.error) for job in _jobs(app)}
    assert states[ids[0]] == (DocumentState.FAILED, "Báo cáo này đã bị xoá.")
    assert states[ids[1]] == (DocumentState.FAILED, "Loại tệp này không còn được hỗ trợ; hãy xuất lại.")
    assert states[ids[2]][0] is DocumentState.FAILED and "lỗi của hệ thống" in states[ids[2]][1]
    assert states[ids[3]] == (DocumentState.DONE, None)


def _running(app, factory, started_ago: timedelta, attempts: int) -> int:
    user = factory.user(Role.OFFICE)
    with app.app_context():
        job = DocumentJob(
            kind="tasks_xlsx",
            params=json.dumps({"args": {"as_of": ["2024-04-01"]}}),
            title="Danh sách",
            filename="nhiem-vu.xlsx",
            mimetype="application/octet-stream",
            state=DocumentState.RUNNING,
            started_at=clock.now() - started_ago,
            attempts=attempts,
            requested_by_id=factory.user_id(user),
        )
        db.session.add(job)
        db.session.commit()
        return job.id


def test_a_build_a_dead_scheduler_left_is_taken_again_and_given_up_after_three_tries(app, factory):
    fresh = _running(app, factory, timedelta(minutes=5), 1)
    stale = _running(app, factory, ops.STALE_AFTER + timedelta(minutes=1), 1)
    worn = _running(app, factory, ops.STALE_AFTER + timedelta(minutes=1), ops.MAX_ATTEMPTS)
    lines = _build(app)
    assert lines[0] == "2 tệp bị gián đoạn được xếp lại"
    assert _job(app, fresh).state is DocumentState.RUNNING  # still being built by a live process
    again = _job(app, stale)
    assert (again.state, again.attempts) == (DocumentState.DONE, 2)
    given_up = _job(app, worn)
    assert given_up.state is DocumentState.FAILED and "gián đoạn nhiều lần" in given_up.error


def test_a_claim_is_taken_once(app, factory, monkeypatch):
    """Two schedulers read the same oldest queued id; the one whose UPDATE comes second takes nothing."""
    job_id = _running(app, factory, timedelta(0), 0)
    with app.app_context():
        db.session.get(DocumentJob, job_id).state = DocumentState.QUEUED
        db.session.commit()
        first = ops.claim_next(clock.now())
        assert first is not None and first.id == job_id and first.state is DocumentState.RUNNING
        reads = iter([job_id, None])  # the other process read the queue before this claim
        monkeypatch.setattr("tracker.documents.queries.next_queued_id", lambda: next(reads))
        assert ops.claim_next(clock.now()) is None
        assert db.session.get(DocumentJob, job_id).attempts == 1


def test_built_files_expire_after_seven_days(client, app, factory, monkeypatch):
    plan = _plan(factory, 2)
    login(client, factory.user(Role.OFFICE))
    monkeypatch.setattr("tracker.tasks.export.EXPORT_INLINE_ROWS", 1)
    client.get(LIST.format(plan=plan))
    _build(app)
    [job] = _jobs(app)
    with app.app_context():
        path = ops.documents_dir() / job.stored_name
        assert build_pending(job.finished_at + ops.KEEP_FOR) == [] and path.is_file()
        assert build_pending(job.finished_at + ops.KEEP_FOR + timedelta(seconds=1)) == ["đã xoá 1 tệp quá hạn lưu"]
    assert _jobs(app) == [] and not path.exists()


def test_progress_is_reported_page_by_page(app, factory):
    plan = _plan(factory, 5)
    seen: list[tuple[int, int]] = []
    with app.app_context():
        _, total = task_workbook(
            TaskFilter(plan_id=plan), clock.today(), "plan", 100, page_size=2, progress=lambda d, t: seen.append((d, t))
        )
    assert total == 5 and seen == [(2, 5), (4, 5), (5, 5)]


def test_the_page_says_when_the_scheduler_is_not_running(client, app, factory, monkeypatch):
    plan = _plan(factory, 2)
    login(client, factory.user(Role.OFFICE))
    monkeypatch.setattr("tracker.tasks.export.EXPORT_INLINE_ROWS", 1)
    client.get(LIST.format(plan=plan))
    assert 'data-testid="scheduler-down"' in client.get("/documents").get_data(as_text=True)
    with app.app_context():
        heartbeat(clock.now())
    assert 'data-testid="scheduler-down"' not in client.get("/documents").get_data(as_text=True)


def test_a_large_draft_report_is_drawn_in_the_background_the_same_as_at_once(demo, monkeypatch):  # noqa: F811
    client = demo.test_client()
    token = sign_in(client, "vanphong")
    rid = draft_id(create_draft(client, token, plan_id(demo)))
    inline = client.get(f"/reports/{rid}/download/pdf")
    assert inline.status_code == 200

    monkeypatch.setattr("tracker.reports.views.INLINE_LEAVES", 0)
    queued = client.get(f"/reports/{rid}/download/pdf")
    assert queued.status_code == 302 and "/documents?new=" in queued.headers["Location"]
    assert "Dự thảo báo cáo:" in client.get(queued.headers["Location"]).get_data(as_text=True)
    _build(demo)
    [job] = _jobs(demo)
    download = _fetch(client, f"/documents/{job.id}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert pdf_text(download.data) == pdf_text(inline.data)
