"""The DOCX (python-docx): the same content and layout as the PDF, with real Word tables, the page
number as a PAGE field in the header from page 2, and named styles ("BC Nội dung", "BC Đề mục", …)
the office can change before signing. Times New Roman, as the office's Word has it (the PDF embeds
Liberation Serif, which has its metrics)."""

from __future__ import annotations

import re
from io import BytesIO
from xml.sax.saxutils import escape

from docx import Document as Word
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt

from tracker.reports.document import Document, Rate, Table
from tracker.reports.pdf_renderer import cell_text

FONT = "Times New Roman"
STYLE_NAMES = {
    "body": "BC Nội dung",
    "bullet": "BC Gạch đầu dòng",
    "heading": "BC Đề mục",
    "subheading": "BC Đề mục nhỏ",
    "note": "BC Ghi chú",
    "cell": "BC Bảng",
}


def _font(style_or_run, size: float, bold: bool = False, italic: bool = False) -> None:
    font = style_or_run.font
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _styles(word) -> None:
    normal = word.styles["Normal"]
    _font(normal, 14)
    normal.paragraph_format.space_before = Pt(6)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.15
    for key, (size, bold, italic, indent, align) in {
        "body": (14, False, False, True, WD_ALIGN_PARAGRAPH.JUSTIFY),
        "bullet": (14, False, False, True, WD_ALIGN_PARAGRAPH.JUSTIFY),
        "heading": (14, True, False, True, WD_ALIGN_PARAGRAPH.JUSTIFY),
        "subheading": (14, True, False, True, WD_ALIGN_PARAGRAPH.JUSTIFY),
        "note": (14, False, True, True, WD_ALIGN_PARAGRAPH.JUSTIFY),
        "cell": (11, False, False, False, WD_ALIGN_PARAGRAPH.LEFT),
    }.items():
        style = word.styles.add_style(STYLE_NAMES[key], WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        _font(style, size, bold, italic)
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.first_line_indent = Cm(1.27) if indent else Cm(0)
        fmt.space_before = Pt(6) if key != "cell" else Pt(1)
        fmt.line_spacing = 1.15 if key != "cell" else 1.0


def _margins(section, landscape: bool = False) -> None:
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(20)
    section.bottom_margin = Mm(20)
    section.left_margin = Mm(30)
    section.right_margin = Mm(15)
    section.header_distance = Mm(10)


def _page_field(paragraph) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    _font(run, 13)


def _header_numbers(section) -> None:
    """Page numbers from page 2: a distinct (empty) first-page header and the PAGE field in the other."""
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(p)


def _para(
    container,
    text: str,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    before: float = 0,
    style=None,
):
    p = container.add_paragraph(style=style)
    p.alignment = align
    p.paragraph_format.first_line_indent = Cm(0)
    p.paragraph_format.space_before = Pt(before)
    p.paragraph_format.line_spacing = 1.0
    run = p.add_run(_safe(text))
    _font(run, size, bold, italic)
    return p


def _rule(container, width_cm: float, column_cm: float) -> None:
    """A short rule: an empty paragraph with a bottom border, indented to the rule's width."""
    p = container.add_paragraph()
    side = max((column_cm - width_cm) / 2, 0)
    p.paragraph_format.left_indent = Cm(side)
    p.paragraph_format.right_indent = Cm(side)
    p.paragraph_format.first_line_indent = Cm(0)
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.line_spacing = Pt(2)
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    border.append(bottom)
    ppr.append(border)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _cell(cell, text: str, size: float, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER):
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.first_line_indent = Cm(0)
    p.paragraph_format.space_before = Pt(0)
    run = p.add_run(text)
    _font(run, size, bold, italic)
    return p


_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _safe(text: str) -> str:
    """XML 1.0 has no place for control characters (a title pasted from elsewhere may carry one)."""
    return _XML_UNSAFE.sub("", text)


def _run_xml(text: str, bold: bool = False) -> str:
    text = _safe(text)
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _table(word, t: Table, width_cm: float) -> None:
    """A real Word table ("Table Grid", the header row repeated on each page), written as XML in one
    piece: python-docx's cell objects cost a second per few hundred rows, a year report has thousands."""
    title = word.add_paragraph(style=STYLE_NAMES["cell"])
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(t.title), 13, bold=True)
    style_id = word.styles[STYLE_NAMES["cell"]].style_id
    scale = width_cm / sum(t.widths)
    twips = [int(w * scale * 567) for w in t.widths]

    def cell(text: str, width: int, bold: bool, center: bool) -> str:
        jc = '<w:jc w:val="center"/>' if center else ""
        return (
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="{style_id}"/>{jc}</w:pPr>'
            f"{_run_xml(text, bold) if text else ''}</w:p></w:tc>"
        )

    rows = [
        "<w:tr><w:trPr><w:tblHeader/></w:trPr>"
        + "".join(cell(c, twips[i], True, True) for i, c in enumerate(t.columns))
        + "</w:tr>"
    ]
    for r, row in enumerate(t.rows):
        bold = r in t.bold_rows
        rows.append(
            "<w:tr>"
            + "".join(
                cell(cell_text(v), twips[i], bold, isinstance(v, int | Rate) or hasattr(v, "strftime")) for i, v in enumerate(row)
            )
            + "</w:tr>"
        )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
    xml = (
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/>'
        f'<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl>'
    )
    anchor = word.add_paragraph()
    anchor._p.addprevious(parse_xml(xml))
    anchor._p.getparent().remove(anchor._p)
    if t.note:
        _para(word, t.note, 12, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=2)


def render_docx(doc: Document) -> bytes:
    word = Word()
    _styles(word)
    section = word.sections[0]
    _margins(section)
    _header_numbers(section)
    text_cm = 21 - 3 - 1.5
    _heading_block(word, doc, text_cm)
    if doc.draft:
        _para(word, "(Dự thảo - chưa ban hành)", 11, italic=True)
    _para(word, doc.kind_title, 14, bold=True, before=18)
    _para(word, doc.subject, 14, bold=True)
    _rule(word, 4, text_cm)
    _blocks(word, doc.body, text_cm)
    _closing_block(word, doc)
    for appendix in doc.appendices:
        sec = word.add_section(WD_SECTION.NEW_PAGE)
        _margins(sec, appendix.landscape)
        sec.different_first_page_header_footer = False  # its first page is page n > 1: numbered
        for line in appendix.title_lines:
            _para(word, line, 14, bold=True)
        _para(word, appendix.reference, 14, italic=True)
        _blocks(word, appendix.blocks, (29.7 if appendix.landscape else 21) - 3 - 1.5)
    word.core_properties.title = f"{doc.kind_title} {doc.number}"
    word.core_properties.subject = doc.subject
    word.core_properties.author = doc.office_name
    out = BytesIO()
    word.save(out)
    return out.getvalue()


def _heading_block(word, doc: Document, text_cm: float) -> None:
    """The two columns above the title: the body and office with the number, the motto with place and date."""
    head = word.add_table(rows=1, cols=2)
    _no_borders(head)
    left_cm, right_cm = text_cm * 0.42, text_cm * 0.58
    left, right = head.rows[0].cells
    left.width, right.width = Cm(left_cm), Cm(right_cm)
    left.paragraphs[0].text = ""
    _cell(left, doc.governing_body, 12.5)
    _para(left, doc.office_name, 12.5, bold=True)
    _rule(left, left_cm / 4, left_cm)
    _para(left, doc.number_line, 13, before=4)
    _cell(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12.5, bold=True)
    _para(right, "Độc lập - Tự do - Hạnh phúc", 13.5, bold=True)
    _rule(right, 6.1, right_cm)
    _para(right, doc.place_date, 13.5, italic=True, before=4)


def _blocks(word, blocks: list, width_cm: float) -> None:
    for block in blocks:
        if isinstance(block, Table):
            _table(word, block, width_cm)
        else:
            word.add_paragraph(_safe(block.text), style=STYLE_NAMES[block.style])


def _closing_block(word, doc: Document) -> None:
    """Nơi nhận on the left, the signature on the right."""
    closing = word.add_table(rows=1, cols=2)
    _no_borders(closing)
    left, right = closing.rows[0].cells
    _cell(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in doc.recipients:
        _para(left, line, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell(right, doc.signature[0], 14, bold=True)
    for line in doc.signature[1:]:
        _para(right, line, 14, bold=True)
    for _ in range(4):
        _para(right, "", 14)
    _para(right, doc.signer_name, 14, bold=True)
