"""Seed 003's statistics form entered as an office-defined list of rows, partly counted from the tasks
of 01/KH.CCHC-STTTT, partly typed: at 15/12/2023 it reads 47 and 41 on its page and in the report in
all three formats; typing through the page, copying to next year, and who may do it."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date

import pdfplumber
from docx import Document as Docx
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import login
from tests.reports.conftest import CUT_OFF, create_draft, draft_id, fetch, plan_id, sign_in
from tracker.accounts.models import User
from tracker.extensions import db
from tracker.indicators import queries as q
from tracker.indicators.demo import load_form_003
from tracker.indicators.models import StatForm, StatRow, StatValue


def _load_form(app) -> int:
    with app.app_context():
        office = db.session.scalar(select(User).where(User.username == "vanphong"))
        form = load_form_003(office)
        db.session.commit()
        return form.id


def _value(rows, label: str):
    return next(r["value"] for r in rows if r["label"] == label)


def test_seed_003_form_reads_47_and_41_at_the_cut_off(app, demo):
    form_id = _load_form(app)
    with app.app_context():
        rows = q.form_rows(db.session.get(StatForm, form_id), CUT_OFF, None)
        assert _value(rows, "Số nhiệm vụ đề ra trong kế hoạch") == 47
        assert _value(rows, "Số nhiệm vụ đã hoàn thành") == 41
        assert _value(rows, "Tỷ lệ hoàn thành Kế hoạch CCHC năm (Lũy kế đến thời điểm báo cáo)") == "87,23%"
        assert _value(rows, "Số văn bản chỉ đạo CCHC đã ban hành") == "12"
        assert _value(rows, "Số lượng phiếu khảo sát") == "29"
        # Typed on 14/12/2023: not yet there on 13/12; live rows counted at each date.
        earlier = q.form_rows(db.session.get(StatForm, form_id), date(2023, 12, 13), None)
        assert _value(earlier, "Số lượng phiếu khảo sát") == ""
        today = q.form_rows(db.session.get(StatForm, form_id), date(2025, 6, 2), None)
        assert _value(today, "Số nhiệm vụ đã hoàn thành") == 43


def test_the_report_carries_the_form_in_three_formats(app, demo, client):
    form_id = _load_form(app)
    token = sign_in(client, "vanphong")
    html = client.get(f"/stat-forms/{form_id}?as_of=15/12/2023").get_data(as_text=True)
    assert re.search(r'data-testid="value-\d+">47</td>', html) and re.search(r'data-testid="value-\d+">41</td>', html)
    rid = draft_id(create_draft(client, token, plan_id(app)))
    with pdfplumber.open(io.BytesIO(fetch(client, f"/reports/{rid}/download/pdf"))) as pdf:
        pages = [unicodedata.normalize("NFC", p.extract_text() or "") for p in pdf.pages]
    form_page = re.sub(r"\s+", " ", next(p for p in pages if "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH" in p))
    assert "PHỤ LỤC II" in form_page  # the built-in appendix is now Phụ lục I, no indicators on this plan
    assert "Số nhiệm vụ đề ra trong kế hoạch Nhiệm vụ 47" in form_page
    assert "Số nhiệm vụ đã hoàn thành Nhiệm vụ 41" in form_page
    word = Docx(io.BytesIO(fetch(client, f"/reports/{rid}/download/docx")))
    table = word.tables[-1]
    cells = {r.cells[1].text: r.cells[3].text for r in table.rows}
    assert cells["Số nhiệm vụ đề ra trong kế hoạch"] == "47" and cells["Số nhiệm vụ đã hoàn thành"] == "41"
    assert cells["Số lượng phiếu khảo sát"] == "29"
    book = load_workbook(io.BytesIO(fetch(client, f"/reports/{rid}/download/xlsx")))
    sheet = book["Biểu thống kê"]
    values = {row[1]: row[3] for row in sheet.iter_rows(values_only=True) if row and len(row) > 3}
    assert values["Số nhiệm vụ đề ra trong kế hoạch"] == 47 and values["Số nhiệm vụ đã hoàn thành"] == 41


def test_a_report_without_indicators_or_forms_has_one_appendix(app, demo, client):
    token = sign_in(client, "vanphong")
    rid = draft_id(create_draft(client, token, plan_id(app)))
    word = Docx(io.BytesIO(fetch(client, f"/reports/{rid}/download/docx")))
    texts = [p.text for p in word.paragraphs]
    assert "PHỤ LỤC" in texts and not any(t.startswith("PHỤ LỤC I") for t in texts)


def test_typing_a_value_and_copying_the_form_through_the_pages(app, demo, client):
    form_id = _load_form(app)
    token = sign_in(client, "vanphong")
    with app.app_context():
        row_id = db.session.scalar(
            select(StatRow.id).where(StatRow.form_id == form_id, StatRow.label == "Số lượng phiếu khảo sát")
        )
        live_id = db.session.scalar(
            select(StatRow.id).where(StatRow.form_id == form_id, StatRow.label == "Số nhiệm vụ đã hoàn thành")
        )
    r = client.post(f"/stat-rows/{row_id}/value", data={"csrf_token": token, "period_code": "Y-2023", "value": "31"})
    assert r.status_code == 302
    with app.app_context():
        rows = q.form_rows(db.session.get(StatForm, form_id), date(2025, 6, 2), None)
        assert _value(rows, "Số lượng phiếu khảo sát") == "31"  # the correction, entered today
        assert _value(q.form_rows(db.session.get(StatForm, form_id), CUT_OFF, None), "Số lượng phiếu khảo sát") == "29"
    before = _count(app, StatValue)
    bad = client.post(f"/stat-rows/{live_id}/value", data={"csrf_token": token, "period_code": "Y-2023", "value": "50"})
    assert bad.status_code == 302 and "lấy số liệu tự động" in client.get(bad.headers["Location"]).get_data(as_text=True)
    bad = client.post(f"/stat-rows/{row_id}/value", data={"csrf_token": token, "period_code": "Q7-2023", "value": "50"})
    assert "không hợp lệ" in client.get(bad.headers["Location"]).get_data(as_text=True)
    assert _count(app, StatValue) == before
    r = client.post(f"/stat-forms/{form_id}/copy", data={"csrf_token": token, "year": "2024"})
    assert r.status_code == 302
    with app.app_context():
        copy = db.session.scalar(select(StatForm).where(StatForm.year == 2024))
        assert copy.copied_from_id == form_id and len(copy.rows) == len(db.session.get(StatForm, form_id).rows)
        assert q.form_rows(copy, date(2025, 6, 2), None)[4]["value"] == ""  # typed values are not copied
    again = client.post(f"/stat-forms/{form_id}/copy", data={"csrf_token": token, "year": "2024"})
    assert "đã có biểu" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert _count(app, StatForm) == 2


def test_who_may_edit_forms(app, demo):
    form_id = _load_form(app)
    head = app.test_client()
    token = login(head, "truongphong", "demo-2026-tracker")
    with app.app_context():
        row_id = db.session.scalar(
            select(StatRow.id).where(StatRow.form_id == form_id, StatRow.label == "Số lượng phiếu khảo sát")
        )
    assert (
        head.post(f"/stat-rows/{row_id}/value", data={"csrf_token": token, "period_code": "Y-2023", "value": "1"}).status_code
        == 403
    )
    assert head.post(f"/stat-forms/{form_id}/copy", data={"csrf_token": token, "year": "2030"}).status_code == 403
    assert head.post(f"/stat-forms/{form_id}/rows", data={"csrf_token": token, "label": "x"}).status_code == 403
    assert head.get(f"/stat-forms/{form_id}").status_code == 200


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))
