"""Draft -> issue through the pages: the issued report keeps its number, cut-off, snapshot and files;
later changes to tasks never change it, and the page says when a recount differs. Bad input is a
Vietnamese message and stores nothing; who may do what."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from tests.reports.conftest import CUT_OFF, create_draft, draft_id, fetch, flat, pdf_text, plan_id, sign_in
from tracker import clock
from tracker.accounts.models import User
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.reports import operations as ops
from tracker.reports import queries as q
from tracker.reports.models import Report, ReportScope, ReportState
from tracker.rules.periods import PeriodKind, period
from tracker.rules.status import Box, TaskStatus
from tracker.tasks import operations as task_ops
from tracker.tasks.models import Task
from tracker.tasks.queries import TaskFilter, summarize


def _reports(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Report))


def _issue(client, token, rid, serial="12"):
    return client.post(f"/reports/{rid}/issue", data={"csrf_token": token, "serial": serial})


def _report(app, rid) -> Report:
    with app.app_context():
        report = db.session.get(Report, rid)
        db.session.expunge(report)
        return report


def _open_leaf(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Task.id)
            .where(Task.plan_id == plan_id(app), Task.is_leaf, Task.status.in_([TaskStatus.IN_PROGRESS, TaskStatus.NOT_STARTED]))
            .order_by(Task.id)
        )


def _complete(app, task_id: int, on: date) -> None:
    with app.app_context():
        office = db.session.scalar(select(User).where(User.username == "vanphong"))
        task = db.session.get(Task, task_id)
        task_ops.update_progress(task, task_ops.ProgressInput(TaskStatus.DONE, 100, "Xong.", on), office, clock.today())
        db.session.commit()


def test_draft_preview_issue_and_immutable_files(demo, client, tmp_path):
    token = sign_in(client, "vanphong")
    rid = draft_id(create_draft(client, token, plan_id(demo), achievements="Đã ban hành đủ văn bản hướng dẫn."))
    page = client.get(f"/reports/{rid}").get_data(as_text=True)
    assert "đã thực hiện 41/47 phần việc" in page and "87,23%" in page and "Đã ban hành đủ văn bản hướng dẫn." in page
    assert "Dự thảo - chưa ban hành" in page
    # Edit the draft, reopen it: the text is kept.
    response = client.post(
        f"/reports/{rid}",
        data={"csrf_token": token, "scope": "plan", "plan_id": str(plan_id(demo)), "as_of": "15/12/2023", "period_scheme": "calendar",
              "shortcomings": "- Một số đơn vị còn chậm;", "achievements": "Đã ban hành đủ văn bản hướng dẫn."},
    )  # fmt: skip
    assert response.status_code == 302
    assert "- Một số đơn vị còn chậm;" in client.get(f"/reports/{rid}").get_data(as_text=True)

    response = _issue(client, token, rid)
    assert response.status_code == 302
    report = _report(demo, rid)
    assert report.state is ReportState.ISSUED and (report.serial, report.office_code, report.issued_year) == ("12", "SNV", 2025)
    assert report.issued_on == date(2025, 6, 2) and report.issued_at is not None and report.issued_by_id is not None
    snapshot = json.loads(report.snapshot)
    assert snapshot["as_of"] == "2023-12-15" and snapshot["totals"]["completed"] == 41 and snapshot["totals"]["total"] == 47
    files = json.loads(report.files)
    assert set(files) == {"pdf", "docx", "xlsx"}
    with demo.app_context():
        folder = ops.report_dir()
    assert all((folder / name).is_file() for name in files.values())
    assert not str(folder).startswith(str(demo.static_folder))  # outside the web root
    response = client.get(f"/reports/{rid}/download/pdf")
    assert response.headers["Content-Disposition"].startswith("attachment")
    response.close()
    pdf = fetch(client, f"/reports/{rid}/download/pdf")
    text = flat(" ".join(pdf_text(pdf)))
    assert "Số: 12/BC-SNV" in text and "Bắc Giang, ngày 02 tháng 6 năm 2025" in text
    assert "(Kèm theo Báo cáo số 12/BC-SNV ngày 02/06/2025 của Sở Nội vụ)" in text
    assert "Dự thảo" not in text

    # Issued: no more edits, no second issue, no delete.
    assert client.post(f"/reports/{rid}", data={"csrf_token": token, "scope": "plan"}).status_code == 403
    _issue(client, token, rid, "13")
    assert _report(demo, rid).serial == "12"
    client.post(f"/reports/{rid}/delete", data={"csrf_token": token})
    assert _report(demo, rid) is not None
    with demo.app_context(), pytest.raises(ValidationFailed):
        ops.save_draft(
            db.session.get(Report, rid), ops.DraftInput(ReportScope.PLAN, CUT_OFF, plan_id(demo)), db.session.get(User, 1)
        )

    # Later work (finished after the cut-off), on a later day: the issued report and a recount agree.
    clock.freeze(datetime(2025, 9, 1, 8, 0))
    _complete(demo, _open_leaf(demo), date(2025, 8, 20))
    page = client.get(f"/reports/{rid}").get_data(as_text=True)
    assert 'data-testid="unchanged"' in page and "đã thay đổi sau khi ban hành" not in page
    assert fetch(client, f"/reports/{rid}/download/pdf") == pdf  # the stored file itself
    with demo.app_context():
        again = q.build_snapshot(q.ReportSpec.of(db.session.get(Report, rid)))
    assert q.figures(again) == q.figures(snapshot)

    # A completion back-dated before the cut-off changes the recount: the page says so, with the difference.
    _complete(demo, _open_leaf(demo), date(2023, 12, 1))
    page = client.get(f"/reports/{rid}").get_data(as_text=True)
    assert "Số liệu đã thay đổi sau khi ban hành" in page
    assert "totals.completed</code>: 41 → 42" in page
    # The issued report itself still reads as issued: drawn from its snapshot, not from today's count.
    assert "đã thực hiện 41/47 phần việc" in page and "đã thực hiện 42/47 phần việc" not in page
    assert fetch(client, f"/reports/{rid}/download/pdf") == pdf
    assert json.loads(_report(demo, rid).snapshot) == snapshot


def test_a_used_number_and_a_bad_number_are_refused(demo, client):
    token = sign_in(client, "vanphong")
    first = draft_id(create_draft(client, token, plan_id(demo)))
    second = draft_id(create_draft(client, token, plan_id(demo, "25/KH-SNV"), as_of="01/06/2025"))
    _issue(client, token, first, "7")
    page = client.get(f"/reports/{second}", follow_redirects=True)
    response = _issue(client, token, second, "07")
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Số 7/BC-SNV năm 2025 đã được dùng" in shown
    _issue(client, token, second, "bảy")
    assert "không hợp lệ: chỉ gồm chữ số" in client.get(f"/reports/{second}").get_data(as_text=True)
    report = _report(demo, second)
    assert report.state is ReportState.DRAFT and report.snapshot is None and report.files == "{}"
    assert page.status_code == 200


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"as_of": "01/01/2026"}, "ở sau ngày hôm nay"),
        (
            {"as_of": "15/12/2023", "period_kind": "quarter", "period_index": "3", "period_year": "2023"},
            "không nằm trong kỳ Quý III/2023",
        ),
        ({"as_of": "15/12/2023", "period_kind": "quarter", "period_index": "5", "period_year": "2023"}, "Quý 5 không tồn tại"),
        ({"as_of": "31/02/2024"}, "không tồn tại"),
        ({"as_of": ""}, "Vui lòng nhập ngày chốt số liệu"),
        ({"plan_id": "999999"}, "Lựa chọn không hợp lệ"),
        ({"scope": "year", "plan_id": "", "year": ""}, "Vui lòng nhập năm báo cáo"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_stored(demo, client, fields, message):
    token = sign_in(client, "vanphong")
    before = _reports(demo)
    response = create_draft(client, token, plan_id(demo), **fields)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _reports(demo) == before


def test_an_unknown_plan_is_refused_by_the_operation_too(demo):
    with demo.app_context():
        office = db.session.scalar(select(User).where(User.username == "vanphong"))
        with pytest.raises(ValidationFailed) as exc:
            ops.save_draft(None, ops.DraftInput(ReportScope.PLAN, CUT_OFF, 999999), office)
        assert "không tìm thấy kế hoạch" in exc.value.errors["plan_id"]


def test_an_empty_office_setting_stops_the_issue_and_stores_nothing(demo, client):
    with demo.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        ops.save_office_settings({**q.office_settings(), "name": "", "signer_name": ""}, admin)
        db.session.commit()
    token = sign_in(client, "vanphong")
    rid = draft_id(create_draft(client, token, plan_id(demo)))
    assert "Trước khi ban hành cần bổ sung" in client.get(f"/reports/{rid}").get_data(as_text=True)
    _issue(client, token, rid)
    page = client.get(f"/reports/{rid}").get_data(as_text=True)
    assert "Chưa khai báo “Tên cơ quan ban hành báo cáo”" in page and "Chưa khai báo “Họ và tên người ký”" in page
    report = _report(demo, rid)
    assert report.state is ReportState.DRAFT and report.serial is None and report.snapshot is None and report.files == "{}"
    # A per-report override fills the gap.
    response = client.post(
        f"/reports/{rid}",
        data={"csrf_token": token, "scope": "plan", "plan_id": str(plan_id(demo)), "as_of": "15/12/2023",
              "period_scheme": "calendar", "office_signer_name": "Nguyễn Văn Ký"},
    )  # fmt: skip
    assert response.status_code == 302
    _issue(client, token, rid)
    assert "Chưa khai báo “Tên cơ quan ban hành báo cáo”" in client.get(f"/reports/{rid}").get_data(as_text=True)


def test_who_may_do_what(demo, client, app):
    office = app.test_client()
    token = sign_in(office, "vanphong")
    rid = draft_id(create_draft(office, token, plan_id(demo)))
    unit_head = app.test_client()
    head_token = sign_in(unit_head, "truongphong")
    assert unit_head.get("/reports").status_code == 403
    assert unit_head.get(f"/reports/{rid}").status_code == 403
    assert unit_head.get(f"/reports/{rid}/download/pdf").status_code == 403
    assert unit_head.get("/reports/late-list.pdf").status_code == 403
    assert create_draft(unit_head, head_token, plan_id(demo)).status_code == 403
    assert _issue(unit_head, head_token, rid).status_code == 403
    leader = app.test_client()
    leader_token = sign_in(leader, "giamdoc")
    assert leader.get(f"/reports/{rid}").status_code == 200
    assert create_draft(leader, leader_token, plan_id(demo)).status_code == 403
    assert _issue(leader, leader_token, rid, "3").status_code == 302
    assert _report(demo, rid).state is ReportState.ISSUED
    # Issued: whoever may read the plan may download it.
    assert fetch(unit_head, f"/reports/{rid}/download/pdf").startswith(b"%PDF")
    assert unit_head.get(f"/reports/{rid}/download/exe").status_code == 404
    admin = app.test_client()
    sign_in(admin, "admin")
    assert admin.get("/reports/settings").status_code == 200
    assert office.get("/reports/settings").status_code == 403


def test_office_settings_page(demo, client):
    token = sign_in(client, "admin")
    with demo.app_context():
        current = q.office_settings()
    data = {
        "csrf_token": token,
        **{k: v for k, v in current.items() if k != "deputy"},
        "signer_title": "Phó Giám đốc",
        "deputy": "y",
        "code": "SNV",
    }
    assert client.post("/reports/settings", data=data).status_code == 302
    with demo.app_context():
        assert q.office_settings()["deputy"] == "1" and q.office_settings()["signer_title"] == "Phó Giám đốc"
    bad = client.post("/reports/settings", data={**data, "code": "S N/V"})
    assert "Chữ viết tắt chỉ gồm" in bad.get_data(as_text=True)
    with demo.app_context():
        assert q.office_settings()["code"] == "SNV"


def test_a_period_report_answers_both_questions(demo, client):
    """Quý IV/2023 at 15/12/2023: the headline counts every task of the plan, the period table only those
    whose deadline as written falls in the quarter; both equal the roll-up."""
    token = sign_in(client, "vanphong")
    rid = draft_id(create_draft(client, token, plan_id(demo), period_kind="quarter", period_index="4", period_year="2023"))
    pdf = flat(" ".join(pdf_text(client.get(f"/reports/{rid}/download/pdf").data)))
    q4 = period(PeriodKind.QUARTER, 2023, 4)
    with demo.app_context():
        due = summarize(TaskFilter(plan_id=plan_id(demo), leaves_only=True, due_from=q4.start, due_to=q4.end), CUT_OFF)
    assert "đã thực hiện 41/47 phần việc" in pdf
    assert "Nhiệm vụ đến hạn trong kỳ Quý IV/2023 (từ 01/10/2023 đến 31/12/2023), tính đến ngày 15/12/2023" in pdf
    assert f"Trong kỳ có {due.total} phần việc đến hạn" in pdf
    assert f"đã hoàn thành {due.completed}/{due.total}" in pdf
    assert due.total > 0 and due.total < 47
    # The same quarter in the DOCX, the XLSX and on the dashboard.
    import io

    from docx import Document
    from openpyxl import load_workbook

    from tracker.rules.rollup import format_percent

    word = " ".join(p.text for p in Document(io.BytesIO(client.get(f"/reports/{rid}/download/docx").data)).paragraphs)
    assert f"đã hoàn thành {due.completed}/{due.total}, đạt tỷ lệ {format_percent(due.rate_all)}%" in word
    sheet = load_workbook(io.BytesIO(client.get(f"/reports/{rid}/download/xlsx").data))["Trong kỳ"]
    values = {r[0].value: r[1].value for r in sheet.iter_rows() if len(r) > 1}
    assert values["Tổng số phần việc"] == due.total and values["Hoàn thành đúng hạn"] == due[Box.DONE_ON_TIME]
    board = client.get(f"/dashboard?plan={plan_id(demo)}&period=quarter&index=4&year=2023&as_of=15/12/2023").get_data(
        as_text=True
    )
    assert f">{due.completed}</a>/<a" in board and f">{due.total}</a> nhiệm vụ, đạt {format_percent(due.rate_all)}%" in board


def test_tasks_from_higher_bodies_are_counted_apart(demo, client, factory):
    unit = factory.unit("Phòng Nhiệm vụ tỉnh giao")
    plan = factory.plan("115/KH-UBND", year=2024, issuer="Ủy ban nhân dân tỉnh Bắc Giang", title="Kế hoạch của tỉnh")
    done = factory.task(plan, unit, deadline="Quý I/2024")
    factory.task(plan, unit, deadline="Quý II/2024")
    factory.task(plan, unit, deadline="Quý III/2024")
    _complete(demo, done, date(2024, 3, 20))
    token = sign_in(client, "vanphong")
    rid = draft_id(create_draft(client, token, None, scope="higher", year="2024", as_of="30/09/2024"))
    with demo.app_context():
        counts = summarize(TaskFilter(plan_id=plan, leaves_only=True), date(2024, 9, 30))
        snapshot = q.build_snapshot(q.ReportSpec.of(db.session.get(Report, rid)))
    assert (counts.total, counts[Box.DONE_ON_TIME], counts[Box.OPEN_OVERDUE]) == (3, 1, 1)
    assert [p["number"] for p in snapshot["plans"]] == ["115/KH-UBND"]
    assert (snapshot["higher"]["total"], snapshot["higher"]["done_on_time"], snapshot["higher"]["done_late"]) == (3, 1, 0)
    text = flat(" ".join(pdf_text(client.get(f"/reports/{rid}/download/pdf").data)))
    assert "Tổng số nhiệm vụ được giao Nhiệm vụ 3 Kế hoạch số 115/KH-UBND" in text
    assert "Số nhiệm vụ đã hoàn thành đúng hạn Nhiệm vụ 1" in text
    # The year's report counts the Sở's own plan of 2024 and the province's, and the appendix row the province's only.
    year = draft_id(create_draft(client, token, None, scope="year", year="2024", as_of="30/09/2024"))
    with demo.app_context():
        snap = q.build_snapshot(q.ReportSpec.of(db.session.get(Report, year)))
    assert {p["number"] for p in snap["plans"]} == {"25/KH-SNV", "115/KH-UBND"}
    assert snap["higher"]["total"] == 3
    assert snap["totals"]["total"] == sum(p["total"] for p in snap["plans"])


def test_the_issuer_page_marks_higher_bodies(demo, client):
    from tracker.plans.models import Issuer

    token = sign_in(client, "admin")
    with demo.app_context():
        issuer = db.session.scalar(select(Issuer).where(Issuer.code == "SNV"))
        assert not issuer.higher_level
        iid = issuer.id
    response = client.post(
        f"/admin/issuers/{iid}",
        data={"csrf_token": token, "name": "Sở Nội vụ tỉnh Bắc Giang", "code": "SNV", "active": "y", "higher_level": "y"},
    )
    assert response.status_code == 302
    with demo.app_context():
        assert db.session.get(Issuer, iid).higher_level
    assert "Cấp trên" in client.get("/admin/issuers").get_data(as_text=True)
    client.post(
        f"/admin/issuers/{iid}", data={"csrf_token": token, "name": "Sở Nội vụ tỉnh Bắc Giang", "code": "SNV", "active": "y"}
    )
    with demo.app_context():
        assert not db.session.get(Issuer, iid).higher_level


def test_the_monthly_late_list_as_a_document(demo, client):
    import io

    from openpyxl import load_workbook

    from tracker.accounts.models import Unit

    token = sign_in(client, "vanphong")
    assert token
    assert "late-list.pdf" in client.get("/board").get_data(as_text=True)
    at = date(2024, 12, 31)
    with demo.app_context():
        by_unit = {
            db.session.get(Unit, uid).name: c[Box.OPEN_OVERDUE]
            for uid, c in q.summarize_by(Task.lead_unit_id, TaskFilter(leaves_only=True), at).items()
            if c[Box.OPEN_OVERDUE]
        }
    assert by_unit
    wb = load_workbook(io.BytesIO(client.get("/reports/late-list.xlsx?as_of=31/12/2024").data))
    rows = {r[1].value: r[2].value for r in wb["Đơn vị"].iter_rows() if isinstance(r[0].value, int)}
    assert rows == by_unit
    text = flat(" ".join(pdf_text(client.get("/reports/late-list.pdf?as_of=31/12/2024").data)))
    assert "THÔNG BÁO" in text and "Danh sách đơn vị, cá nhân chậm tiến độ thực hiện nhiệm vụ tháng 12/2024" in text
    assert "tính đến ngày 31 tháng 12 năm 2024" in text
    assert client.get("/reports/late-list.docx?as_of=31/12/2024").status_code == 200
    future = client.get("/reports/late-list.pdf?as_of=01/01/2030")
    assert future.status_code == 302
    assert "không được sau ngày hôm nay" in client.get("/board").get_data(as_text=True)
