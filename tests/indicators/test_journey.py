"""A year of quarterly results for seed 004's twelve indicators through the pages: the lead unit's head
enters each quarter, văn phòng confirms (and once returns, and the unit corrects); the plan page, the
director's dashboard and the year's Báo cáo in PDF, DOCX and XLSX show each target, result and verdict."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date

import pdfplumber
from docx import Document as Docx
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.indicators.conftest import at, enter, latest_result, signed_in
from tests.reports.conftest import create_draft, draft_id, fetch
from tracker.accounts.models import User
from tracker.extensions import db
from tracker.indicators import queries as q
from tracker.indicators.demo import RESULTS
from tracker.indicators.models import IndicatorEvent, IndicatorResult, ResultState
from tracker.reports.operations import save_office_settings
from tracker.rules.indicators import Verdict

ENTER_DAYS = [date(2024, 3, 12), date(2024, 6, 12), date(2024, 9, 12), date(2024, 12, 12)]
# The demo's year (Q4 repeats Q3's figures: seed 000's, where it has them).
YEAR = RESULTS
EXPECTED_Q4 = [
    Verdict.MET,  # 96,97% > 70%
    Verdict.MET,  # 77,01% > 60%
    Verdict.MET,  # 100% = 100%
    Verdict.MET,  # 65,23% > 60%
    Verdict.NOT_MET,  # 47,19% against > 70%
    Verdict.MET,  # 74,5% ≥ 70%
    Verdict.NOT_MET,  # 80,45% against = 100%
    Verdict.MET,
    Verdict.MET,  # 100% > 95%
    Verdict.MET,
    Verdict.NOT_MET,  # ~20% against > 30%
    Verdict.UNDECIDED,  # "Ban hành quy định …": no target could be read
]


def _year_of_results(app, cds) -> None:
    head, head_token = signed_in(app, cds.head)
    ccvc, ccvc_token = signed_in(app, cds.head_ccvc)
    office, office_token = signed_in(app, cds.office)
    for quarter, day in enumerate(ENTER_DAYS, start=1):
        at(day)
        for i, ind_id in enumerate(cds.indicator_ids):
            client, token = (ccvc, ccvc_token) if i in (3, 4) else (head, head_token)
            assert client.get(f"/indicators/{ind_id}").status_code == 200
            values = [v.strip() for v in YEAR[i][quarter - 1].split(";")]
            response = enter(client, token, ind_id, f"Q{quarter}-2024", *values)
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
        at(date(day.year, day.month, day.day + 2))
        for i, ind_id in enumerate(cds.indicator_ids):
            rid = latest_result(app, ind_id)
            if quarter == 2 and i == 4:
                r = office.post(
                    f"/indicator-results/{rid}/return", data={"csrf_token": office_token, "reason": "Thiếu số liệu kiểm chứng."}
                )
                assert r.status_code == 302
                at(date(2024, 6, 17))
                assert enter(ccvc, ccvc_token, ind_id, "Q2-2024", "45,5%", note="Bổ sung số liệu").status_code == 302
                rid = latest_result(app, ind_id)
                at(date(day.year, day.month, day.day + 2))
            r = office.post(f"/indicator-results/{rid}/confirm", data={"csrf_token": office_token})
            assert r.status_code == 302


def test_a_year_of_quarterly_results_through_the_pages(app, cds):
    _year_of_results(app, cds)
    at(date(2025, 1, 5))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IndicatorResult)) == 12 * 4 + 1
        states = db.session.scalars(select(IndicatorResult.state)).all()
        assert states.count(ResultState.CONFIRMED) == 48 and states.count(ResultState.RETURNED) == 1
        statuses = q.statuses([cds.plan_id], date(2024, 12, 31))
        assert [len(s.periods) for s in statuses] == [4] * 12
        assert [s.current.code for s in statuses] == ["Q4-2024"] * 12
        assert [s.current.verdict for s in statuses] == EXPECTED_Q4
        # Q1 of indicator 5: 40% against "trên 70%"; indicator 1 in Q1: 72,5% > 70%.
        assert statuses[4].periods[0].verdict is Verdict.NOT_MET and statuses[0].periods[0].verdict is Verdict.MET
        actions = db.session.scalars(
            select(IndicatorEvent.action).where(IndicatorEvent.indicator_id == cds.indicator_ids[4])
        ).all()
        assert sorted(actions) == sorted(["created", "returned"] + ["entered"] * 5 + ["confirmed"] * 4)


def test_the_returned_result_as_of_past_dates(app, cds):
    _year_of_results(app, cds)
    with app.app_context():

        def q2_of_5(on):
            s = next(s for s in q.statuses([cds.plan_id], on) if s.indicator.id == cds.indicator_ids[4])
            return next(p for p in s.periods if p.code == "Q2-2024")

        assert q2_of_5(date(2024, 6, 13)).result_text == "45%"  # entered 12/06, not yet returned
        assert q2_of_5(date(2024, 6, 14)).result is None  # returned on 14/06: counts as none
        assert q2_of_5(date(2024, 6, 17)).result_text == "45,5%"  # corrected on 17/06
        assert q2_of_5(date(2024, 6, 11)).result is None


def test_plan_page_dashboard_and_the_years_report_in_three_formats(app, cds):
    _year_of_results(app, cds)
    at(date(2025, 1, 5))
    director, _ = signed_in(app, cds.director)
    html = director.get(f"/plans/{cds.plan_id}?as_of=31/12/2024").get_data(as_text=True)
    assert 'data-testid="plan-indicators"' in html and html.count('data-verdict="met"') == 8
    assert html.count('data-verdict="not_met"') == 3 and "&gt; 70%" in html
    at(date(2024, 12, 20))
    board = director.get("/dashboard").get_data(as_text=True)
    assert re.search(r'data-testid="indicators-met">8</strong>/12', board)
    assert re.search(r'data-testid="indicators-not-met">3</strong>', board)
    assert f"/indicators/{cds.indicator_ids[4]}" in board

    at(date(2025, 1, 5))
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == cds.office))
        save_office_settings(
            {
                "governing_body": "UBND TỈNH BẮC GIANG",
                "name": "SỞ NỘI VỤ",
                "code": "SNV",
                "place": "Bắc Giang",
                "signer_name": "Vũ Mạnh Hùng",
            },
            admin,
        )
        db.session.commit()
    office, token = signed_in(app, cds.office)
    rid = draft_id(create_draft(office, token, cds.plan_id, as_of="31/12/2024"))
    pdf = fetch(office, f"/reports/{rid}/download/pdf")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = unicodedata.normalize("NFC", "\n".join(page.extract_text() or "" for page in doc.pages))
    flat = re.sub(r"\s+", " ", text)
    assert "PHỤ LỤC II" in flat and "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU" in flat
    assert "96,97% (Quý IV/2024)" in flat and "> 70%" in flat and "Không đạt" in flat and "Chưa xác định" in flat

    word = Docx(io.BytesIO(fetch(office, f"/reports/{rid}/download/docx")))
    table = next(t for t in word.tables if t.rows[0].cells[1].text == "Chỉ tiêu" and len(t.columns) == 6)
    rows = [[c.text for c in r.cells] for r in table.rows[1:] if r.cells[0].text]
    assert len(rows) == 12
    assert rows[0][3] == "> 70%" and rows[0][4] == "96,97% (Quý IV/2024)" and rows[0][5] == "Đạt"
    assert rows[6][3] == "= 100%; = 100%; > 50%" and rows[6][5] == "Không đạt"
    assert [r[5] for r in rows] == [v.label for v in EXPECTED_Q4]

    book = load_workbook(io.BytesIO(fetch(office, f"/reports/{rid}/download/xlsx")))
    sheet = book["Chỉ tiêu"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    data = [r for r in values if r and isinstance(r[0], str) and r[0].isdigit()]
    assert [r[5] for r in data] == [v.label for v in EXPECTED_Q4]
    assert data[10][4] == "~20% (Quý IV/2024)" and data[10][2] == "Văn phòng Sở"


def test_bad_results_are_refused_with_a_message_and_nothing_is_saved(app, cds):
    at(date(2024, 3, 12))
    head, token = signed_in(app, cds.head)
    multi = cds.indicator_ids[6]
    cases = [
        ((multi, "Q1-2024", "80%", "xyz", "50%"), "Không đọc được số “xyz”"),
        ((multi, "Q1-2024", "80%"), "cần nhập 3 kết quả"),
        ((multi, "Q3-2024", "80%", "80%", "80%"), "chưa bắt đầu"),
        ((multi, "Q9-2024", "80%", "80%", "80%"), "không hợp lệ"),
        ((multi, "Q1-2024", "", "80%", "80%"), "Vui lòng nhập kết quả"),
    ]
    for args, message in cases:
        response = enter(head, token, *args)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IndicatorResult)) == 0


def test_who_may_enter_and_confirm(app, cds):
    at(date(2024, 3, 12))
    other, other_token = signed_in(app, cds.staff_other)
    assert enter(other, other_token, cds.indicator_ids[0], "Q1-2024", "80%").status_code == 403
    ccvc, ccvc_token = signed_in(app, cds.head_ccvc)
    assert enter(ccvc, ccvc_token, cds.indicator_ids[0], "Q1-2024", "80%").status_code == 403  # CCHC's indicator
    head, head_token = signed_in(app, cds.head)
    assert enter(head, head_token, cds.indicator_ids[0], "Q1-2024", "80%").status_code == 302
    rid = latest_result(app, cds.indicator_ids[0])
    assert head.post(f"/indicator-results/{rid}/confirm", data={"csrf_token": head_token}).status_code == 403
    director, d_token = signed_in(app, cds.director)
    assert director.post(f"/indicator-results/{rid}/confirm", data={"csrf_token": d_token}).status_code == 403
    office, o_token = signed_in(app, cds.office)
    r = office.post(f"/indicator-results/{rid}/return", data={"csrf_token": o_token, "reason": ""})
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(IndicatorResult, rid).state is ResultState.PENDING  # no reason, not returned
    assert office.post(f"/indicator-results/{rid}/confirm", data={"csrf_token": o_token}).status_code == 302
    assert office.post(f"/indicator-results/{rid}/confirm", data={"csrf_token": o_token}).status_code == 302
    with app.app_context():
        assert db.session.get(IndicatorResult, rid).state is ResultState.CONFIRMED
        assert (
            db.session.scalar(select(func.count()).select_from(IndicatorEvent).where(IndicatorEvent.action == "confirmed")) == 1
        )


def test_evidence_is_kept_and_shown_only_to_those_who_may_see_it(app, cds):
    at(date(2024, 3, 12))
    head, token = signed_in(app, cds.head)
    data = {
        "csrf_token": token,
        "period_code": "Q1-2024",
        "values": ["75%"],
        "evidence": (io.BytesIO(b"%PDF-1.4 kiem chung"), "bao-cao-q1.pdf"),
    }
    assert (
        head.post(f"/indicators/{cds.indicator_ids[0]}/results", data=data, content_type="multipart/form-data").status_code == 302
    )
    rid = latest_result(app, cds.indicator_ids[0])
    assert fetch(head, f"/indicator-results/{rid}/evidence") == b"%PDF-1.4 kiem chung"
    other, _ = signed_in(app, cds.staff_other)
    assert other.get(f"/indicator-results/{rid}/evidence").status_code == 403
    office, _ = signed_in(app, cds.office)
    assert fetch(office, f"/indicator-results/{rid}/evidence") == b"%PDF-1.4 kiem chung"
    bad = dict(data, evidence=(io.BytesIO(b"MZ"), "virus.exe"), csrf_token=token)
    response = head.post(f"/indicators/{cds.indicator_ids[0]}/results", data=bad, content_type="multipart/form-data")
    assert response.status_code == 422 and "không được phép" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IndicatorResult)) == 1
