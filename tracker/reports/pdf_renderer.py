"""The PDF (ReportLab) in the layout of Nghị định 30/2020/NĐ-CP, Phụ lục I.

A4; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm; Liberation Serif (Times New Roman
metrics, every Vietnamese glyph), shipped in ``fonts/`` and embedded (subset) in every file; body 14 pt,
justified, first line indented 1,27 cm, 6 pt between paragraphs, line spacing 1,15. Page numbers from
page 2, centred in the top margin. Appendices start on a new page, landscape when the document asks.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable

from tracker.reports.document import Cell, Document, Rate, Table

FONT_DIR = Path(__file__).with_name("fonts")
FONT = "LiberationSerif"
MARGINS = {"top": 20 * mm, "bottom": 20 * mm, "left": 30 * mm, "right": 15 * mm}
BODY_SIZE = 14
CELL_PADDING = 4


def register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for suffix, name in (
        ("Regular", FONT),
        ("Bold", f"{FONT}-Bold"),
        ("Italic", f"{FONT}-Italic"),
        ("BoldItalic", f"{FONT}-BoldItalic"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"LiberationSerif-{suffix}.ttf")))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=f"{FONT}-Bold", italic=f"{FONT}-Italic", boldItalic=f"{FONT}-BoldItalic"
    )


def _style(name: str, size: float = BODY_SIZE, font: str = FONT, align=TA_JUSTIFY, indent: float = 0, **kw) -> ParagraphStyle:
    return ParagraphStyle(
        name, fontName=font, fontSize=size, leading=size * 1.15 + 1, alignment=align, firstLineIndent=indent, **kw
    )


def styles() -> dict[str, ParagraphStyle]:
    return {
        "body": _style("body", indent=1.27 * cm, spaceBefore=6),
        "bullet": _style("bullet", indent=1.27 * cm, spaceBefore=6),
        "heading": _style("heading", font=f"{FONT}-Bold", indent=1.27 * cm, spaceBefore=6),
        "subheading": _style("subheading", font=f"{FONT}-Bold", indent=1.27 * cm, spaceBefore=6),
        "note": _style("note", font=f"{FONT}-Italic", indent=1.27 * cm, spaceBefore=6),
        "table_title": _style("table_title", size=13, font=f"{FONT}-Bold", align=TA_CENTER, spaceBefore=8, spaceAfter=4),
        "table_note": _style("table_note", size=12, font=f"{FONT}-Italic", align=TA_LEFT, spaceBefore=2),
        "cell": _style("cell", size=11, align=TA_LEFT),
        "cell_num": _style("cell_num", size=11, align=TA_CENTER),
        "cell_head": _style("cell_head", size=11, font=f"{FONT}-Bold", align=TA_CENTER),
        "cell_bold": _style("cell_bold", size=11, font=f"{FONT}-Bold", align=TA_LEFT),
        "gov": _style("gov", size=12.5, align=TA_CENTER),
        "org": _style("org", size=12.5, font=f"{FONT}-Bold", align=TA_CENTER),
        "number": _style("number", size=13, align=TA_CENTER, spaceBefore=4),
        "nation": _style("nation", size=12.5, font=f"{FONT}-Bold", align=TA_CENTER),
        "motto": _style("motto", size=13.5, font=f"{FONT}-Bold", align=TA_CENTER),
        "place": _style("place", size=13.5, font=f"{FONT}-Italic", align=TA_CENTER, spaceBefore=4),
        "kind": _style("kind", size=14, font=f"{FONT}-Bold", align=TA_CENTER, spaceBefore=18),
        "subject": _style("subject", size=14, font=f"{FONT}-Bold", align=TA_CENTER),
        "recipients_head": _style("recipients_head", size=12, font=f"{FONT}-BoldItalic", align=TA_LEFT),
        "recipients": _style("recipients", size=11, align=TA_LEFT),
        "sign": _style("sign", size=14, font=f"{FONT}-Bold", align=TA_CENTER),
        "appendix": _style("appendix", size=14, font=f"{FONT}-Bold", align=TA_CENTER),
        "appendix_ref": _style("appendix_ref", size=14, font=f"{FONT}-Italic", align=TA_CENTER, spaceAfter=8),
        "draft": _style("draft", size=11, font=f"{FONT}-Italic", align=TA_CENTER),
    }


class Rule(Flowable):
    """A horizontal line of a given width, centred in its cell (the rules under the office name, the
    motto and the subject)."""

    def __init__(self, width: float, space: float = 2):
        super().__init__()
        self.rule_width = width
        self.space = space

    def wrap(self, available_width, available_height):
        self.avail = available_width
        return available_width, self.space + 1

    def draw(self):
        x = (self.avail - self.rule_width) / 2
        self.canv.setLineWidth(0.7)
        self.canv.line(x, self.space, x + self.rule_width, self.space)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Rate):
        return str(value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _numeric(value: Cell) -> bool:
    return isinstance(value, int | Rate) or hasattr(value, "strftime")


def _table(t: Table, width: float, st: dict) -> list:
    """Text cells are Paragraphs (they wrap); numbers, dates and rates plain strings drawn in the
    table's own font, centred: a year report has thousands of them, and a Paragraph each is slow."""
    scale = width / sum(t.widths)
    widths = [w * scale for w in t.widths]
    head = [_p(c, st["cell_head"]) for c in t.columns]
    body = []
    for i, row in enumerate(t.rows):
        font = f"{FONT}-Bold" if i in t.bold_rows else FONT
        cells: list = []
        for c, v in enumerate(row):
            text = cell_text(v)
            # A text that fits its column on one line needs no Paragraph (thousands of them are slow).
            fits = _numeric(v) or not text or pdfmetrics.stringWidth(text, font, 11) <= widths[c] - 2 * CELL_PADDING
            cells.append(text if fits else _p(text, st["cell_bold" if i in t.bold_rows else "cell"]))
        body.append(cells)
    numeric_columns = [c for c in range(len(t.columns)) if all(_numeric(r[c]) or r[c] in (None, "") for r in t.rows)]
    # LongTable: split over pages without re-measuring every remaining row at each page break.
    table = LongTable([head, *body], colWidths=widths, repeatRows=1)
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # the cells' own default is Helvetica
        ("FONTSIZE", (0, 0), (-1, -1), 11),
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        *[("ALIGN", (c, 1), (c, -1), "CENTER") for c in numeric_columns],
        *[("FONTNAME", (0, r + 1), (-1, r + 1), f"{FONT}-Bold") for r in sorted(t.bold_rows)],
    ]
    for r, row in enumerate(t.rows, start=1):  # a number in a text column (STT "1" among "I", "II")
        for c, value in enumerate(row):
            if c not in numeric_columns and _numeric(value):
                commands.append(("ALIGN", (c, r), (c, r), "CENTER"))
    table.setStyle(TableStyle(commands))
    out: list = [CondPageBreak(3 * cm), _p(t.title, st["table_title"]), table]
    if t.note:
        out.append(_p(t.note, st["table_note"]))
    return out


def _header(doc: Document, width: float, st: dict) -> RLTable:
    left_w, right_w = width * 0.42, width * 0.58
    org_w = pdfmetrics.stringWidth(doc.office_name.split("\n")[-1], f"{FONT}-Bold", 12.5)
    motto = "Độc lập - Tự do - Hạnh phúc"
    motto_w = pdfmetrics.stringWidth(motto, f"{FONT}-Bold", 13.5)
    left = [
        _p(doc.governing_body, st["gov"]),
        _p(doc.office_name, st["org"]),
        Rule(min(max(org_w / 3, 2.5 * cm), org_w, left_w)),
        _p(doc.number_line, st["number"]),
    ]
    right = [
        _p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", st["nation"]),
        _p(motto, st["motto"]),
        Rule(motto_w),
        _p(doc.place_date, st["place"]),
    ]
    table = RLTable([[left, right]], colWidths=[left_w, right_w])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _closing(doc: Document, width: float, st: dict) -> RLTable:
    left = [_p("Nơi nhận:", st["recipients_head"]), *[_p(line, st["recipients"]) for line in doc.recipients]]
    right = [*[_p(line, st["sign"]) for line in doc.signature], Spacer(1, 28 * mm), _p(doc.signer_name, st["sign"])]
    table = RLTable([[left, right]], colWidths=[width * 0.5, width * 0.5])
    table.setStyle(
        TableStyle(
            [("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]
        )
    )
    return table


def _page_number(canvas, doc_template) -> None:
    page = canvas.getPageNumber()
    if page < 2:
        return
    width, height = canvas._pagesize
    canvas.saveState()
    canvas.setFont(FONT, 13)
    canvas.drawCentredString(width / 2, height - MARGINS["top"] / 2 - 4, str(page))
    canvas.restoreState()


def render_pdf(doc: Document) -> bytes:
    register_fonts()
    st = styles()
    buffer = BytesIO()
    portrait_w, portrait_h = A4
    land_w, land_h = landscape(A4)

    def frame(w: float, h: float, name: str) -> Frame:
        return Frame(
            MARGINS["left"],
            MARGINS["bottom"],
            w - MARGINS["left"] - MARGINS["right"],
            h - MARGINS["top"] - MARGINS["bottom"],
            id=name,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )

    template = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{doc.kind_title} {doc.number}: {doc.subject}",
        author=doc.office_name,
        subject=doc.subject,
        creator="Theo dõi nhiệm vụ",
        leftMargin=MARGINS["left"],
        rightMargin=MARGINS["right"],
        topMargin=MARGINS["top"],
        bottomMargin=MARGINS["bottom"],
        pageCompression=1,
        # The canvas's own starting font (Helvetica by default) would be listed unembedded.
        initialFontName=FONT,
        initialFontSize=BODY_SIZE,
    )
    template.addPageTemplates(
        [
            PageTemplate(id="portrait", frames=[frame(portrait_w, portrait_h, "p")], pagesize=A4, onPage=_page_number),
            PageTemplate(id="landscape", frames=[frame(land_w, land_h, "l")], pagesize=landscape(A4), onPage=_page_number),
        ]
    )
    width = portrait_w - MARGINS["left"] - MARGINS["right"]
    story: list = [_header(doc, width, st)]
    if doc.draft:
        story.append(_p("(Dự thảo - chưa ban hành)", st["draft"]))
    subject_w = min(width * 0.5, max(pdfmetrics.stringWidth(doc.subject, f"{FONT}-Bold", 14) / 3, width * 0.25))
    story += [_p(doc.kind_title, st["kind"]), _p(doc.subject, st["subject"]), Rule(subject_w, 4), Spacer(1, 6)]
    for block in doc.body:
        story += _table(block, width, st) if isinstance(block, Table) else [_p(block.text, st[block.style])]
    story += [Spacer(1, 12), KeepTogether([_closing(doc, width, st)])]
    for appendix in doc.appendices:
        story += [NextPageTemplate("landscape" if appendix.landscape else "portrait"), PageBreak()]
        aw = (land_w if appendix.landscape else portrait_w) - MARGINS["left"] - MARGINS["right"]
        story += [_p(line, st["appendix"]) for line in appendix.title_lines]
        story.append(_p(appendix.reference, st["appendix_ref"]))
        for block in appendix.blocks:
            story += _table(block, aw, st) if isinstance(block, Table) else [_p(block.text, st[block.style])]
    template.build(story)
    return buffer.getvalue()
