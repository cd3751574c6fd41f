"""Drafts, the preview's edits and the one transaction that creates the plan, on the real database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.imports.builders import seed_004, seed_004_docx
from tests.imports.conftest import office_user, unit_named
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.imports import operations as ops
from tracker.imports.models import DraftStatus, ImportDraft
from tracker.imports.operations import DraftEdit, TaskEdit
from tracker.plans.models import Plan
from tracker.rules.deadlines import DeadlineKind
from tracker.tasks.models import Task

LIMIT = 1024 * 1024


def _counts():
    return (
        db.session.scalar(select(func.count()).select_from(Plan)),
        db.session.scalar(select(func.count()).select_from(Task)),
    )


def _confirm_groups(draft, *, only=None):
    """Confirm every group phrase as the units it was read as (what the user does in the preview)."""
    state = draft.data
    groups = {
        k: (True, g["unit_ids"] or ([unit_named("Văn phòng Sở").id] if g["kind"] == "related" else []))
        for k, g in state["groups"].items()
    }
    return groups


def _row(draft, start):
    rows = [t for t in draft.data["tasks"] if t["title"].startswith(start)]
    assert len(rows) == 1, start
    return rows[0]


def test_seed_004_docx_to_a_tracked_plan(app, department):
    with app.app_context():
        office = office_user()
        before = _counts()
        source = seed_004_docx()
        draft = ops.create_draft(actor=office, filename="KH 25.docx", data=source, max_bytes=LIMIT)
        db.session.commit()
        assert _counts() == before  # a draft touches no plan and no task
        state = draft.data
        assert state["header"]["issuer_id"] is not None and state["header"]["number"] == "25/KH-SNV"
        vp, ccvc, cchc = (unit_named(n).id for n in ("Văn phòng Sở", "Phòng Công chức, viên chức", "Phòng Cải cách hành chính"))
        first = _row(draft, "Nâng cao tinh thần trách nhiệm")
        assert first["lead_unit_id"] == vp and first["coop_groups"] == ["cac phong don vi thuoc so"]
        two_leads = _row(draft, "Thường xuyên rà soát, cử công chức")
        assert two_leads["lead_units"] == [vp, ccvc] and two_leads["lead_unit_id"] is None
        assert _row(draft, "Tiếp tục duy trì, nâng cấp Hệ thống chấm điểm")["lead_unit_id"] == cchc
        assert _row(draft, "Tiếp tục duy trì, nâng cấp Phần mềm theo dõi")["unresolved_lead"] == ["Phòng Cải cách chính hành"]
        # Not confirmable yet: the groups, the parents whose items disagree, the typo'd unit.
        with pytest.raises(ValidationFailed) as refused:
            ops.confirm_draft(draft, office, date(2024, 10, 1))
        db.session.rollback()
        assert any("cần xác nhận nhóm" in m for m in refused.value.errors.values())
        assert any("Phòng Cải cách chính hành" in m for m in refused.value.errors.values())
        assert _counts() == before
        draft = db.session.get(ImportDraft, draft.id)
        fixes = [
            TaskEdit(key=_row(draft, "Đẩy mạnh phát triển nguồn nhân lực")["key"], lead_unit_id=vp),
            TaskEdit(key=_row(draft, "Dữ liệu số")["key"], lead_unit_id=ccvc),
            TaskEdit(key=_row(draft, "Tiếp tục duy trì, nâng cấp Phần mềm theo dõi")["key"], lead_unit_id=cchc),
            TaskEdit(
                key=_row(draft, "Tiếp tục duy trì, Hệ thống phần mềm quản lý dữ liệu khen")["key"],
                lead_unit_id=unit_named("Ban Thi đua - Khen thưởng").id,
            ),
            TaskEdit(key=_row(draft, "Phụ lục 2")["key"], lead_unit_id=cchc),
        ]
        ops.edit_draft(draft, DraftEdit(header={}, tasks=fixes, groups=_confirm_groups(draft)), office)
        assert ops.problems(draft.data) == {}
        plan = ops.confirm_draft(draft, office, date(2024, 10, 1))
        db.session.commit()
        assert (plan.number, plan.issued_on, plan.issuer.name) == ("25/KH-SNV", date(2024, 2, 20), "Sở Nội vụ tỉnh Bắc Giang")
        assert "199/KH-UBND" in plan.parent_reference
        tasks = list(db.session.scalars(select(Task).where(Task.plan_id == plan.id)))
        by_title = {t.title: t for t in tasks}
        t = next(t for t in tasks if t.title.startswith("Nâng cao tinh thần trách nhiệm"))
        assert t.lead_unit_id == vp and len(t.cooperating_units) == 7 and t.deadline_kind is DeadlineKind.ONGOING
        assert t.parent.title.startswith("Công tác tuyên truyền")
        # "Các phòng, đơn vị thuộc Sở" as the lead: one phần việc per unit once confirmed.
        the_che = next(t for t in tasks if t.title == "Thể chế số")
        per_unit = [c for c in the_che.children[0].children]
        assert len(per_unit) == 8 and {c.lead_unit.name for c in per_unit} >= {"Văn phòng Sở", "Thanh tra Sở"}
        assert all(c.due_date == date(2024, 12, 31) for c in per_unit)
        # Two lead units written: one phần việc each.
        cu = next(t for t in tasks if t.title.startswith("Thường xuyên rà soát, cử công chức") and t.children)
        assert sorted(c.lead_unit_id for c in cu.children) == sorted([vp, ccvc])
        assert all(c.deadline_kind is DeadlineKind.UNDETERMINED for c in cu.children)
        # The quarterly reporting duty: a periodic task with its four occurrences (under each unit).
        duty = next(t for t in tasks if t.title.startswith("Báo cáo kết quả thực hiện Kế hoạch này") and t.parent_id is None)
        unit_duties = duty.children
        assert len(unit_duties) == 8 and all(d.deadline_kind is DeadlineKind.PERIODIC for d in unit_duties)
        assert sorted(o.due_date for o in unit_duties[0].children) == [
            date(2024, 3, 15),
            date(2024, 6, 15),
            date(2024, 9, 15),
            date(2024, 12, 15),
        ]
        vp_duty = next(t for t in tasks if t.title.startswith("Tổng hợp báo cáo kết quả") and t.parent_id is None)
        assert vp_duty.lead_unit_id == vp and vp_duty.periodic_day == 20 and len(vp_duty.children) == 4
        # Section 6's items give no deadline: kept as "chưa xác định", never guessed.
        six = next(t for t in tasks if t.title.startswith("Tiếp tục duy trì, nâng cấp Hệ thống quản lý hồ sơ"))
        assert (six.deadline_kind, six.deadline_text, six.lead_unit_id) == (
            DeadlineKind.UNDETERMINED,
            "Chưa xác định thời hạn",
            ccvc,
        )
        assert "Dữ liệu số" in by_title
        # The source is kept with the plan.
        draft = db.session.get(ImportDraft, draft.id)
        assert draft.status is DraftStatus.CONFIRMED and draft.plan_id == plan.id and draft.content == source


def test_seed_004_pasted_needs_the_number_and_day_it_leaves_blank(app, department):
    with app.app_context():
        office = office_user()
        draft = ops.create_draft(actor=office, text=seed_004(), max_bytes=LIMIT)
        db.session.commit()
        header = draft.data["header"]
        assert header["number"] == "" and header["issued_on"] is None
        assert header["issuer_id"] is not None  # from the code its number is signed with ("/KH-SNV")
        key = _row(draft, "Đẩy mạnh phát triển nguồn nhân lực")["key"]
        with pytest.raises(ValidationFailed) as refused:
            ops.confirm_draft(draft, office, date(2024, 10, 1))
        db.session.rollback()
        assert "header-number" in refused.value.errors and "header-issued_on" in refused.value.errors
        # A heading over tasks of different units takes the monitoring unit, Văn phòng by default (shown).
        assert header["monitoring_unit_id"] == unit_named("Văn phòng Sở").id
        assert f"{key}-lead" not in refused.value.errors
        assert _counts() == (0, 0)


def test_importing_the_same_number_twice_warns_then_refuses(app, department):
    with app.app_context():
        office = office_user()
        text = "Số: 07/KH-SNV\nBắc Giang, ngày 05 tháng 3 năm 2024\nKẾ HOẠCH\nVề kiểm tra công vụ\nII. NỘI DUNG\n1. Kiểm tra công vụ (Đơn vị thực hiện: Thanh tra Sở)\n"
        first = ops.create_draft(actor=office, text=text, max_bytes=LIMIT)
        db.session.commit()
        assert first.data["warnings"] == []
        ops.confirm_draft(first, office, date(2024, 10, 1))
        db.session.commit()
        second = ops.create_draft(actor=office, text=text, max_bytes=LIMIT)
        db.session.commit()
        assert second.data["warnings"][0].startswith("Đã có văn bản số 07/KH-SNV")
        with pytest.raises(ValidationFailed) as refused:
            ops.confirm_draft(second, office, date(2024, 10, 1))
        db.session.rollback()
        assert "Đã có văn bản số 07/KH-SNV" in refused.value.errors["header-number"]
        assert _counts()[0] == 1


def test_preview_edits_rename_reparent_merge_drop(app, department):
    with app.app_context():
        office = office_user()
        text = "Số: 08/KH-SNV\nBắc Giang, ngày 05 tháng 3 năm 2024\nKẾ HOẠCH\nVề thử\nII. NỘI DUNG\n1. Việc một\n- Ý a\n- Ý b\n2. Việc hai\n3. Việc ba\n+ Đơn vị chủ trì: Văn phòng Sở\n+ Thời gian thực hiện: Quý III/2024\n"
        draft = ops.create_draft(actor=office, text=text, max_bytes=LIMIT)
        db.session.commit()
        keys = {t["title"]: t["key"] for t in draft.data["tasks"]}
        with pytest.raises(ValidationFailed):  # a row under its own sub-row
            ops.edit_draft(draft, DraftEdit({}, [TaskEdit(key=keys["Việc một"], parent=keys["Ý a"])], {}), office)
        db.session.rollback()
        draft = db.session.get(ImportDraft, draft.id)
        vp = unit_named("Văn phòng Sở").id
        edit = DraftEdit(
            {},
            [
                TaskEdit(key=keys["Việc một"], title="Việc thứ nhất", lead_unit_id=vp, deadline_text="Quý II/2024"),
                TaskEdit(key=keys["Ý a"], lead_unit_id=vp, deadline_text="Từ 01/7/2024 đến 30/9/2024"),
                TaskEdit(key=keys["Việc ba"], parent=keys["Việc một"]),
                TaskEdit(key=keys["Việc hai"], drop=True),
            ],
            {},
            merge=keys["Ý b"],
        )
        ops.edit_draft(draft, edit, office)
        rows = {t["key"]: t for t in draft.data["tasks"]}
        assert keys["Việc hai"] not in rows and keys["Ý b"] not in rows
        assert rows[keys["Việc một"]]["title"] == "Việc thứ nhất" and rows[keys["Việc ba"]]["parent"] == keys["Việc một"]
        assert rows[keys["Ý a"]]["description"].endswith("Ý b")
        assert rows[keys["Ý a"]]["deadline"]["date"] == "2024-09-30" and rows[keys["Ý a"]]["deadline"]["flag"] == "range"
        plan = ops.confirm_draft(draft, office, date(2024, 10, 1))
        db.session.commit()
        tasks = {t.title: t for t in db.session.scalars(select(Task).where(Task.plan_id == plan.id))}
        assert set(tasks) == {"Việc thứ nhất", "Ý a", "Việc ba"}
        assert tasks["Việc ba"].parent.title == "Việc thứ nhất" and tasks["Việc ba"].due_date == date(2024, 9, 30)
        assert tasks["Ý a"].start_date == date(2024, 7, 1) and tasks["Ý a"].deadline_text == "Từ 01/7/2024 đến 30/9/2024"
        with pytest.raises(ValidationFailed):
            ops.confirm_draft(db.session.get(ImportDraft, draft.id), office)  # a confirmed draft is spent


def test_an_alias_resolves_a_unit_on_refresh(app, department):
    with app.app_context():
        office = office_user()
        text = "Số: 09/KH-SNV\nBắc Giang, ngày 05 tháng 3 năm 2024\nKẾ HOẠCH\nVề thử\nII. NỘI DUNG\n1. Việc một (Đơn vị thực hiện: Bộ phận văn thư)\n"
        draft = ops.create_draft(actor=office, text=text, max_bytes=LIMIT)
        db.session.commit()
        assert draft.data["tasks"][0]["unresolved_lead"] == ["Bộ phận văn thư"]
        ops.save_alias(unit_id=unit_named("Văn phòng Sở").id, alias="bộ phận  Văn thư", actor=office)
        db.session.commit()
        with pytest.raises(ValidationFailed):
            ops.save_alias(unit_id=unit_named("Thanh tra Sở").id, alias="Bo phan van thu", actor=office)  # the same folded key
        db.session.rollback()
        draft = db.session.get(ImportDraft, draft.id)
        ops.refresh_units(draft, office)
        assert draft.data["tasks"][0]["lead_unit_id"] == unit_named("Văn phòng Sở").id


def test_a_failing_task_leaves_nothing_behind(app, department):
    with app.app_context():
        office = office_user()
        text = "Số: 10/KH-SNV\nBắc Giang, ngày 05 tháng 3 năm 2024\nKẾ HOẠCH\nVề thử\nII. NỘI DUNG\n1. Việc một (Đơn vị thực hiện: Thanh tra Sở)\n2. Việc hai\n+ Đơn vị chủ trì: Thanh tra Sở\n+ Thời hạn: 31/02/2024\n"
        draft = ops.create_draft(actor=office, text=text, max_bytes=LIMIT)
        db.session.commit()
        with pytest.raises(ValidationFailed) as refused:
            ops.confirm_draft(draft, office, date(2024, 10, 1))
        db.session.rollback()
        assert "31/02/2024 không tồn tại" in " ".join(refused.value.errors.values())
        assert _counts() == (0, 0)


def test_dropping_a_row_drops_its_sub_rows(app, department):
    with app.app_context():
        office = office_user()
        text = "II. NỘI DUNG\n1. Việc A\n- Ý a1\n+ Chi tiết\n- Ý a2\n2. Việc B\n"
        draft = ops.create_draft(actor=office, text=text, max_bytes=LIMIT)
        keys = {t["title"]: t["key"] for t in draft.data["tasks"]}
        ops.edit_draft(draft, DraftEdit({}, [TaskEdit(key=keys["Việc A"], drop=True)], {}), office)
        assert [t["title"] for t in draft.data["tasks"]] == ["Việc B"]
