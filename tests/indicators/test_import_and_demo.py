"""The import's indicator candidates become indicators on confirmation (seed 004's Phụ lục 1: twelve,
their targets parsed, the lead units matched where one unit is named); the demo carries them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from tests.imports.builders import seed_004_docx
from tests.imports.conftest import office_user, unit_named
from tests.imports.test_operations import LIMIT, _confirm_groups, _row
from tests.rules.test_indicators import SEED_004_TARGETS
from tracker import clock
from tracker.demo import load_demo
from tracker.extensions import db
from tracker.imports import operations as imports
from tracker.imports.operations import DraftEdit, TaskEdit
from tracker.indicators import queries as q
from tracker.indicators.models import Indicator, IndicatorResult, ResultState
from tracker.plans.models import Plan
from tracker.rules.indicators import Verdict


def test_confirming_seed_004_creates_its_twelve_indicators(app, department):
    with app.app_context():
        office = office_user()
        draft = imports.create_draft(actor=office, filename="KH 25.docx", data=seed_004_docx(), max_bytes=LIMIT)
        db.session.commit()
        vp, ccvc, cchc = (unit_named(n).id for n in ("Văn phòng Sở", "Phòng Công chức, viên chức", "Phòng Cải cách hành chính"))
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
        imports.edit_draft(draft, DraftEdit(header={}, tasks=fixes, groups=_confirm_groups(draft)), office)
        plan = imports.confirm_draft(draft, office, date(2024, 10, 1))
        db.session.commit()
        inds = list(db.session.scalars(select(Indicator).where(Indicator.plan_id == plan.id).order_by(Indicator.position)))
        assert len(inds) == 12
        assert [[p.target for p in i.parts] for i in inds] == [SEED_004_TARGETS[n] for n in range(1, 13)]
        assert [i.flagged for i in inds].count(True) == 1 and inds[11].flagged
        assert [u.id for u in inds[3].lead_units] == [ccvc]  # "Phòng Công chức, viên chức."
        assert inds[0].lead_units == [] and inds[0].lead_text == "Các phòng thuộc Sở"  # a group: văn phòng assigns
        assert all(i.monitoring_unit_id == vp for i in inds if i.ordinal != "3")
        assert inds[0].group_title == "Phát triển chính quyền số"


def test_the_demo_plan_carries_seed_004_indicators_with_quarterly_results(app, db_session):
    clock.freeze(datetime(2025, 6, 2, 8, 30))
    with app.app_context():
        load_demo()
        db.session.commit()
        plan = db.session.scalar(select(Plan).where(Plan.number == "25/KH-SNV"))
        statuses = q.statuses([plan.id], date(2024, 9, 30))
        assert len(statuses) == 12 and [len(s.indicator.parts) for s in statuses][6] == 3
        assert [s.current.code for s in statuses] == ["Q3-2024"] * 12
        assert statuses[0].current.result_text == "96,97%" and statuses[0].current.result.state is ResultState.PENDING
        assert statuses[4].current.verdict is Verdict.NOT_MET and statuses[1].current.verdict is Verdict.MET
        states = db.session.scalars(select(IndicatorResult.state)).all()
        # Q1–Q3 confirmed but no. 1's Q3 (returned, entered again: waiting); Q4 waiting.
        assert states.count(ResultState.CONFIRMED) == 35 and states.count(ResultState.RETURNED) == 1
        assert states.count(ResultState.PENDING) == 13
        assert q.missing_results(date(2025, 6, 2), [plan.id]) == []
        # As of 30/09/2024 no. 1's Q3 had been returned (on 13/09) and entered again (14/09).
        first = statuses[0].indicator.id
        on_13 = next(s for s in q.statuses([plan.id], date(2024, 9, 13)) if s.indicator.id == first)
        assert on_13.current.result is None
        # The board lists what waits for văn phòng.
        assert len(q.pending_results([plan.id])) == 13
