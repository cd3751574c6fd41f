"""The three files of the demo's 01/KH.CCHC-STTTT at 15/12/2023, downloaded as văn phòng does, read
back and compared with the roll-up: figures, diacritics, fonts, page size, margins, page numbers."""

from __future__ import annotations

import io
import subprocess
import unicodedata
from datetime import date

import pytest

from tests.reports.conftest import CUT_OFF, create_draft, draft_id, flat, pdf_text, plan_id, sign_in
from tracker.extensions import db
from tracker.rules.status import Box
from tracker.tasks.models import Task
from tracker.tasks.queries import TaskFilter, summarize, summarize_by

MM = 72 / 25.4
SECTION = "Hoàn thành 100% văn bản chỉ đạo về cải cách hành chính; Ứng dụng công nghệ thông tin được đẩy mạnh.\n- Đường truyền ổn định;\n+ Hệ thống một cửa điện tử"


@pytest.fixture
def downloads(demo, client):
    token = sign_in(client, "vanphong")
    rid = draft_id(create_draft(client, token, plan_id(demo), achievements=SECTION))
    files = {}
    for fmt in ("pdf", "docx", "xlsx"):
        response = client.get(f"/reports/{rid}/download/{fmt}")
        assert response.status_code == 200, fmt
        files[fmt] = response.data
    return files


def _rollup(app):
    with app.app_context():
        flt = TaskFilter(plan_id=plan_id(app), leaves_only=True)
        return summarize(flt, CUT_OFF), summarize_by(Task.lead_unit_id, flt, CUT_OFF)


def test_pdf_text_carries_the_rollup_figures_and_the_vietnamese_text(downloads, demo):
    counts, _ = _rollup(demo)
    assert (counts.completed, counts.total) == (41, 47)
    pages = pdf_text(downloads["pdf"])
    text = flat(" ".join(pages))
    assert "đã thực hiện 41/47 phần việc (07 nhiệm vụ) theo Kế hoạch số 01/KH.CCHC-STTTT ngày 17/01/2023" in text
    assert "đạt tỷ lệ 87,23% (tỷ lệ hoàn thành trên tổng số phần việc)" in text
    assert f"hoàn thành đúng hạn {counts[Box.DONE_ON_TIME]}, hoàn thành quá hạn 0{counts[Box.DONE_LATE]}" in text
    assert "tỷ lệ hoàn thành trên số phần việc đã đến hạn" in text and "93,18%" in text
    for words in ("UBND TỈNH BẮC GIANG", "SỞ NỘI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                  "BÁO CÁO", "Nơi nhận:", "- Lưu: VT, VP.", "GIÁM ĐỐC", "Vũ Mạnh Hùng", "Đường truyền ổn định",
                  "Ứng dụng công nghệ thông tin", "Số:", "/BC-SNV", "Tiến độ thực hiện kế hoạch tính đến ngày 15/12/2023"):  # fmt: skip
        assert unicodedata.normalize("NFC", words) in text, words
    appendix = flat(pages[-1])
    assert appendix.startswith("PHỤ LỤC") or "PHỤ LỤC" in appendix.split("(Kèm theo")[0]
    assert "(Kèm theo Báo cáo số …/BC-SNV ngày … của Sở Nội vụ)" in appendix
    assert "Số nhiệm vụ đề ra trong kế hoạch Nhiệm vụ 47" in appendix
    assert "Số nhiệm vụ đã hoàn thành Nhiệm vụ 41" in appendix


def test_pdf_fonts_are_all_embedded_and_none_substituted(downloads):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(downloads["pdf"]))
    seen = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            name = str(font["/BaseFont"])
            seen.add(name.split("+", 1)[-1])
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, f"{name} is not embedded"
            assert "+" in name  # a subset of the embedded TrueType file
    assert seen == {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic"}


def _positions(page) -> list[tuple[float, float, str]]:
    out = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            out.append((x, y, text.strip()))

    page.extract_text(visitor_text=visit)
    return out


def test_pdf_page_size_margins_and_page_numbers(downloads):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(downloads["pdf"]))
    assert len(reader.pages) >= 3
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 portrait
        spots = _positions(page)
        assert spots
        body = [(x, y, t) for x, y, t in spots if y < height - 20 * MM]
        head = [(x, y, t) for x, y, t in spots if y >= height - 20 * MM]
        assert min(x for x, _, _ in body) >= 30 * MM - 0.5  # left margin 30 mm
        assert min(y for _, y, _ in body) >= 20 * MM - 3  # bottom margin 20 mm (baseline)
        if number == 1:
            assert head == []  # no number on the first page
        else:
            assert [t for _, _, t in head] == [str(number)]
            x, y, _ = head[0]
            assert abs(x + 3 - width / 2) < 10  # centred
    # The right margin (15 mm): justified lines end at the frame's edge, never beyond.
    right = max(x for x, _, t in _positions(reader.pages[0]) if len(t) < 3)
    assert right <= width - 15 * MM


def test_pdf_first_page_renders_as_an_image_that_is_not_blank(downloads, tmp_path):
    from PIL import Image

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(downloads["pdf"])
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    dark = sum(image.histogram()[:128])
    assert image.size[0] < image.size[1]  # portrait
    assert dark > 0.01 * image.size[0] * image.size[1]  # text is drawn, not an empty page


def test_docx_paragraphs_tables_styles_and_page_numbers(downloads, demo):
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    counts, by_unit = _rollup(demo)
    doc = Document(io.BytesIO(downloads["docx"]))
    paragraphs = [p.text for p in doc.paragraphs]
    text = " ".join(paragraphs)
    assert "đã thực hiện 41/47 phần việc (07 nhiệm vụ)" in text and "đạt tỷ lệ 87,23%" in text
    body = next(p for p in doc.paragraphs if "41/47" in p.text)
    assert body.style.name == "BC Nội dung"
    assert body.style.font.name == "Times New Roman" and body.style.font.size == Pt(14)
    assert body.style.paragraph_format.first_line_indent == Cm(1.27)
    assert "Ứng dụng công nghệ thông tin" in text and "- Đường truyền ổn định;" in paragraphs
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert (
        round(section.top_margin.mm),
        round(section.bottom_margin.mm),
        round(section.left_margin.mm),
        round(section.right_margin.mm),
    ) == (20, 20, 30, 15)
    assert section.different_first_page_header_footer
    assert "PAGE" in "".join(t.text for t in section.header._element.iter(qn("w:instrText")))
    tables = {t.rows[0].cells[0].text + "|" + t.rows[0].cells[-1].text: t for t in doc.tables}
    boxes = next(t for t in doc.tables if t.rows[0].cells[0].text == "Chỉ tiêu")
    values = {row.cells[0].text: row.cells[1].text for row in boxes.rows[1:]}
    assert values["Tổng số phần việc"] == "47"
    assert values["Hoàn thành đúng hạn"] == str(counts[Box.DONE_ON_TIME])
    assert values["Đang thực hiện quá hạn"] == str(counts[Box.OPEN_OVERDUE])
    assert values["Tỷ lệ hoàn thành trên tổng số phần việc"] == "87,23%"
    units = next(t for t in doc.tables if t.rows[0].cells[1].text == "Đơn vị chủ trì")
    assert len(units.rows) - 1 == len(by_unit)
    assert sum(int(r.cells[2].text) for r in units.rows[1:]) == 47
    assert tables  # header block, figures, units, overdue, appendix, closing
    appendix = doc.tables[-1]
    assert [c.text for c in appendix.rows[0].cells] == ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"]
    assert doc.sections[-1].start_type is not None and len(doc.sections) == 2  # the appendix on its own page


def test_xlsx_sheets_numbers_dates_and_formats(downloads, demo):
    from openpyxl import load_workbook

    counts, by_unit = _rollup(demo)
    wb = load_workbook(io.BytesIO(downloads["xlsx"]))
    assert {"Tiến độ", "Theo đơn vị", "Quá hạn", "Phụ lục"} <= set(wb.sheetnames)
    ws = wb["Tiến độ"]
    rows = {r[0].value: r[1] for r in ws.iter_rows() if len(r) > 1 and r[1].value is not None}
    assert rows["Tổng số phần việc"].value == 47 and rows["Tổng số phần việc"].number_format == "#,##0"
    assert rows["Hoàn thành đúng hạn"].value == counts[Box.DONE_ON_TIME]
    rate = rows["Tỷ lệ hoàn thành trên tổng số phần việc"]
    assert rate.value == pytest.approx(0.8723) and rate.number_format == "0.00%"  # 87,2340…% cut, not rounded
    due = rows["Tỷ lệ hoàn thành trên số phần việc đã đến hạn"]
    assert due.value == pytest.approx(0.9318)
    overdue = wb["Quá hạn"]
    dated = [r[4] for r in overdue.iter_rows() if isinstance(r[0].value, int)]
    assert len(dated) == counts[Box.OPEN_OVERDUE]
    assert all(isinstance(c.value, date) or hasattr(c.value, "date") for c in dated)
    assert all(c.number_format == "dd/mm/yyyy" for c in dated)
    units = [r for r in wb["Theo đơn vị"].iter_rows() if isinstance(r[0].value, int)]
    assert sorted(r[1].value for r in units) == sorted(_unit_names(demo, by_unit))


def _unit_names(app, by_unit) -> list[str]:
    from tracker.accounts.models import Unit

    with app.app_context():
        return [db.session.get(Unit, uid).name for uid in by_unit]


def test_the_four_formats_and_the_dashboard_agree(downloads, demo, client):
    """41/47 and 87,23% in the PDF, the DOCX, the XLSX and on the dashboard."""
    from docx import Document
    from openpyxl import load_workbook

    assert "41/47" in flat(" ".join(pdf_text(downloads["pdf"]))) and "87,23%" in " ".join(pdf_text(downloads["pdf"]))
    assert "41/47" in " ".join(p.text for p in Document(io.BytesIO(downloads["docx"])).paragraphs)
    ws = load_workbook(io.BytesIO(downloads["xlsx"]))["Tiến độ"]
    values = {r[0].value: r[1].value for r in ws.iter_rows() if len(r) > 1}
    assert (values["Tổng số phần việc"], values["Hoàn thành đúng hạn"] + values["Hoàn thành quá hạn"]) == (47, 41)
    page = client.get(f"/dashboard?plan={plan_id(demo)}&as_of=15/12/2023").get_data(as_text=True)
    assert "87,23%" in page and ">41</a>/<a" in page and ">47</a>" in page
