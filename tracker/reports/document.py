"""The content of a document, whatever its format: built once from a snapshot (pure: no Flask, no
database), then drawn by each renderer (PDF, DOCX, XLSX, the HTML preview). So the four carry the
same words and figures; only the drawing differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from tracker.rules.reports import (
    Block,
    document_number,
    nd30_date,
    number_line,
    parse_narrative,
    place_date_line,
    recipient_lines,
    signature_lines,
)
from tracker.rules.rollup import format_percent
from tracker.rules.status import Box

# A report's own wording of the boxes (the rows of its table), in the order it prints them.
BOX_LABELS = (
    (Box.DONE_ON_TIME, "Hoàn thành đúng hạn"),
    (Box.DONE_LATE, "Hoàn thành quá hạn"),
    (Box.OPEN_IN_TIME, "Đang thực hiện trong hạn"),
    (Box.OPEN_OVERDUE, "Đang thực hiện quá hạn"),
    (Box.NO_DEADLINE_DONE, "Không có thời hạn cụ thể - đã hoàn thành"),
    (Box.NO_DEADLINE_OPEN, "Không có thời hạn cụ thể - đang thực hiện"),
)


@dataclass(frozen=True)
class Rate:
    """A rate as the offices print it: cut (not rounded) to two decimals, decimal comma."""

    completed: int
    total: int

    @property
    def fraction(self) -> Fraction | None:
        return Fraction(self.completed, self.total) if self.total else None

    def __str__(self) -> str:
        text = format_percent(self.fraction)
        return f"{text}%" if self.total else text


Cell = str | int | date | Rate | None


@dataclass
class Para:
    text: str
    style: str = "body"  # body | heading | subheading | bullet | note
    kind = "para"


@dataclass
class Table:
    title: str
    sheet: str
    columns: list[str]
    rows: list[list[Cell]]
    widths: list[float]  # relative
    note: str = ""
    bold_rows: set[int] = field(default_factory=set)
    # Row index -> the colour of the box the row counts (rules.status.Box), for the spreadsheet's fill.
    colours: dict[int, str] = field(default_factory=dict)
    kind = "table"

    def numeric(self, value: Cell) -> bool:
        return isinstance(value, int | Rate | date)


@dataclass
class Appendix:
    title_lines: list[str]
    reference: str
    blocks: list[Para | Table]
    landscape: bool = False


@dataclass
class Document:
    governing_body: str
    office_name: str
    number_line: str
    number: str
    place_date: str
    kind_title: str
    subject: str
    body: list[Para | Table]
    recipients: list[str]
    signature: list[str]
    signer_name: str
    appendices: list[Appendix]
    draft: bool = False
    # What the figures are counted at and over, for the spreadsheet's rows above each table.
    scope_lines: list[str] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        found = [b for b in self.body if isinstance(b, Table)]
        for a in self.appendices:
            found += [b for b in a.blocks if isinstance(b, Table)]
        return found


def vn_date(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def dmy(iso: str | None) -> str:
    d = vn_date(iso)
    return d.strftime("%d/%m/%Y") if d else ""


def _count(n: int) -> str:
    """Counts in a sentence keep two digits below ten, as the reports write them ("07 nhiệm vụ")."""
    return f"{n:02d}" if 0 <= n < 10 else f"{n:,}".replace(",", ".")


def _narrative(text: str) -> list[Para]:
    blocks: list[Block] = parse_narrative(text)
    if not blocks:
        return [Para("(Chưa có nội dung.)", "note")]
    return [Para(b.line, "bullet" if b.marker else "body") for b in blocks]


def _office_name_phrase(office: dict) -> str:
    """ "SỞ NỘI VỤ" typed in capitals reads "Sở Nội vụ" in a sentence."""
    name = office.get("name", "").strip()
    if name.isupper():
        words = name.lower().split()
        return " ".join([words[0].capitalize(), *[w.capitalize() if i == 0 else w for i, w in enumerate(words[1:])]])
    return name


def _reference(doc_number: str, issued_on: date | None, office: dict) -> str:
    day = f" ngày {issued_on:%d/%m/%Y}" if issued_on else " ngày …"
    return f"(Kèm theo Báo cáo số {doc_number}{day} của {_office_name_phrase(office)})"


def _box_table(title: str, sheet: str, c: dict) -> Table:
    rows: list[list[Cell]] = [["Tổng số phần việc", c["total"]]]
    rows += [[label, c[key]] for key, label in BOX_LABELS]
    rows += [
        ["Trong đó: chờ văn phòng xác nhận hoàn thành", c["awaiting_confirmation"]],
        ["Trong đó: được gia hạn", c["extended"]],
        ["Tỷ lệ hoàn thành trên tổng số phần việc", Rate(c["completed"], c["total"])],
        ["Tỷ lệ hoàn thành trên số phần việc đã đến hạn", Rate(c["completed_dated"], c["come_due"])],
    ]
    colours = {i: box.hex for i, (box, _) in enumerate(BOX_LABELS, start=1)}
    return Table(title, sheet, ["Chỉ tiêu", "Số liệu"], rows, [5, 1.4], bold_rows={0}, colours=colours)


def _both_rates(c: dict) -> str:
    return (
        f"Trong đó: hoàn thành đúng hạn {_count(c['done_on_time'])}, hoàn thành quá hạn {_count(c['done_late'])}, "
        f"đang thực hiện trong hạn {_count(c['open_in_time'])}, đang thực hiện quá hạn {_count(c['open_overdue'])}"
        + (f", không có thời hạn cụ thể {_count(c['no_deadline'])}" if c["no_deadline"] else "")
        + f". Tỷ lệ hoàn thành trên tổng số phần việc: {Rate(c['completed'], c['total'])}; "
        f"tỷ lệ hoàn thành trên số phần việc đã đến hạn (hoàn thành / hoàn thành và quá hạn chưa hoàn thành): "
        f"{Rate(c['completed_dated'], c['come_due'])}."
    )


def headline_sentence(plan: dict, office: dict) -> str:
    """Seed 003's sentence, saying which rate it shows."""
    return (
        f"Tính đến thời điểm báo cáo, {_office_name_phrase(office)} đã thực hiện {plan['completed']}/{plan['total']} phần việc "
        f"({_count(plan['tasks'])} nhiệm vụ) theo {plan['display']} ngày {dmy(plan['issued_on'])} của {plan['issuer']} "
        f"về {plan['title'][0].lower() + plan['title'][1:] if plan['title'] else ''}, đạt tỷ lệ "
        f"{Rate(plan['completed'], plan['total'])} (tỷ lệ hoàn thành trên tổng số phần việc)."
    )


def _listed_note(shown: int, total: int) -> str:
    return f"Danh sách có {total} phần việc; in {shown} phần việc đầu tiên, xem đầy đủ trên hệ thống." if total > shown else ""


def _task_list_section(
    n: int, heading: str, name: str, sheet: str, columns: list[str], rows: list[list], widths: list[float], total: int
) -> list:
    """A numbered section listing tasks (overdue, extended, undated): its table with a running STT and a
    note when the list was cut, or a sentence saying there are none."""
    body: list = [Para(f"{n}. {heading}", "subheading")]
    if not rows:
        body.append(Para(f"Không có {name[0].lower() + name[1:]}."))
        return body
    numbered = [[i, *row] for i, row in enumerate(rows, start=1)]
    body.append(Table(f"Bảng {n}. {name}", sheet, columns, numbered, widths, note=_listed_note(len(rows), total)))
    return body


def report_document(
    snapshot: dict, office: dict, subject: str, sections: dict[str, str], serial: str, issued_on: date | None, today: date
) -> Document:
    """The Báo cáo: header and motto, title and subject, the figures of the snapshot, the narrative
    sections typed by văn phòng, Nơi nhận and signature, and the statistics appendix (seed 003)."""
    code = office.get("code", "")
    doc_no = document_number(serial, code)
    c = snapshot["totals"]
    body: list[Para | Table] = []
    as_of = dmy(snapshot["as_of"])
    body.append(
        Para(
            f"{_office_name_phrase(office)} báo cáo kết quả thực hiện {snapshot['scope_label']}, "
            f"số liệu tính đến ngày {as_of} (ngày chốt số liệu), cụ thể như sau:"
        )
    )
    body.append(Para("I. KẾT QUẢ THỰC HIỆN", "heading"))
    body.append(Para(f"1. {snapshot['question']}", "subheading"))
    for plan in snapshot["plans"]:
        body.append(Para(headline_sentence(plan, office)))
    if len(snapshot["plans"]) != 1:
        body.append(
            Para(
                f"Tổng hợp {len(snapshot['plans'])} kế hoạch, văn bản: đã thực hiện {c['completed']}/{c['total']} phần việc, "
                f"đạt tỷ lệ {Rate(c['completed'], c['total'])} (tỷ lệ hoàn thành trên tổng số phần việc)."
            )
        )
    body.append(Para(_both_rates(c)))
    body.append(_box_table(f"Bảng 1. {snapshot['question']}", "Tiến độ", c))
    n = 2
    if snapshot.get("period"):
        pc = snapshot["in_period"]
        body.append(Para(f"{n}. {snapshot['period']['question']}", "subheading"))
        body.append(
            Para(
                f"Trong kỳ có {pc['total']} phần việc đến hạn (theo thời hạn ghi trong văn bản, kể cả thời hạn đã được gia hạn); "
                f"đã hoàn thành {pc['completed']}/{pc['total']}, đạt tỷ lệ {Rate(pc['completed'], pc['total'])}."
            )
        )
        body.append(Para(_both_rates(pc)))
        body.append(_box_table(f"Bảng {n}. {snapshot['period']['question']}", "Trong kỳ", pc))
        n += 1
    unit_question = snapshot["period"]["question"] if snapshot.get("period") else snapshot["question"]
    body.append(Para(f"{n}. Kết quả theo đơn vị chủ trì", "subheading"))
    unit_rows: list[list[Cell]] = [
        [
            i,
            u["key"],
            u["total"],
            u["done_on_time"],
            u["done_late"],
            u["open_in_time"],
            u["open_overdue"],
            u["no_deadline"],
            Rate(u["completed"], u["total"]),
        ]
        for i, u in enumerate(snapshot["units"], start=1)
    ]
    body.append(
        Table(
            f"Bảng {n}. Kết quả theo đơn vị chủ trì ({unit_question[0].lower() + unit_question[1:]})",
            "Theo đơn vị",
            [
                "STT",
                "Đơn vị chủ trì",
                "Tổng số",
                "HT đúng hạn",
                "HT quá hạn",
                "Đang TH trong hạn",
                "Đang TH quá hạn",
                "Không có thời hạn",
                "Tỷ lệ HT",
            ],
            unit_rows,
            [0.8, 3.4, 1, 1, 1, 1, 1, 1, 1.2],
        )
    )
    n += 1
    body += _task_list_section(
        n,
        f"Nhiệm vụ quá hạn chưa hoàn thành (tính đến ngày {as_of})",
        "Nhiệm vụ quá hạn chưa hoàn thành",
        "Quá hạn",
        ["STT", "Nhiệm vụ", "Kế hoạch", "Đơn vị chủ trì", "Thời hạn", "Số ngày làm việc quá hạn"],
        [[t["title"], t["plan"], t["unit"], vn_date(t["effective_due"]), t["days_late"]] for t in snapshot["overdue"]],
        [0.8, 4, 1.6, 2, 1.2, 1.1],
        snapshot["overdue_total"],
    )
    n += 1
    body += _task_list_section(
        n,
        "Nhiệm vụ được gia hạn",
        "Nhiệm vụ được gia hạn",
        "Gia hạn",
        ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn ban đầu", "Thời hạn sau gia hạn"],
        [[t["title"], t["unit"], vn_date(t["due"]), vn_date(t["extended_due"])] for t in snapshot["extensions"]],
        [0.8, 4.6, 2.2, 1.4, 1.4],
        snapshot["extensions_total"],
    )
    n += 1
    body += _task_list_section(
        n,
        "Nhiệm vụ không có thời hạn cụ thể (thường xuyên, theo kỳ), thống kê riêng",
        "Nhiệm vụ không có thời hạn cụ thể",
        "Không thời hạn",
        ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời gian thực hiện", "Tình hình"],
        [
            [
                t["title"],
                t["unit"],
                t["deadline_text"] or "Không ghi",
                "Đã hoàn thành" if t["box"] == "no_deadline_done" else "Đang thực hiện",
            ]
            for t in snapshot["undated"]
        ],
        [0.8, 4.6, 2.2, 1.6, 1.4],
        snapshot["undated_total"],
    )
    n += 1
    body.append(Para(f"{n}. Kết quả đạt được", "subheading"))
    body += _narrative(sections.get("achievements", ""))
    body.append(Para("II. TỒN TẠI, HẠN CHẾ", "heading"))
    body += _narrative(sections.get("shortcomings", ""))
    body.append(Para("III. ĐỀ XUẤT, KIẾN NGHỊ", "heading"))
    body += _narrative(sections.get("proposals", ""))
    body.append(Para("IV. NHIỆM VỤ KỲ TỚI", "heading"))
    body += _narrative(sections.get("next_tasks", ""))
    body.append(Para("Chi tiết số liệu theo Phụ lục kèm theo."))
    body.append(Para(f"Trên đây là báo cáo kết quả thực hiện {snapshot['scope_label']} của {_office_name_phrase(office)}./."))
    appendix = Appendix(
        [
            "PHỤ LỤC",
            "THỐNG KÊ SỐ LIỆU BÁO CÁO",
            f"(Số liệu tính đến ngày {as_of})",
        ],
        _reference(doc_no, issued_on, office),
        [_appendix_table(snapshot)],
    )
    appendices = [appendix, *_indicator_appendices(snapshot, _reference(doc_no, issued_on, office), as_of)]
    if len(appendices) > 1:
        appendix.title_lines[0] = "PHỤ LỤC I"
    return Document(
        governing_body=office.get("governing_body", "").upper(),
        office_name=office.get("name", "").upper(),
        number_line=number_line(serial, code),
        number=doc_no,
        place_date=place_date_line(office.get("place", ""), issued_on or today),
        kind_title="BÁO CÁO",
        subject=subject,
        body=body,
        recipients=recipient_lines((office.get("recipients") or "").split("\n"), office.get("archive") or "VT"),
        signature=signature_lines(
            office.get("signer_title", ""), bool(office.get("deputy")), office.get("head_title") or "GIÁM ĐỐC"
        ),
        signer_name=office.get("signer_name", ""),
        appendices=appendices,
        draft=issued_on is None,
        scope_lines=_scope_lines(snapshot),
    )


def _scope_lines(snapshot: dict) -> list[str]:
    lines = [f"Số liệu tính đến ngày: {dmy(snapshot['as_of'])}", f"Phạm vi: {snapshot['scope_label']}"]
    if snapshot.get("period"):
        lines.append(f"Kỳ báo cáo: {snapshot['period']['label']}")
    return lines


def _appendix_table(snapshot: dict) -> Table:
    """STT | Chỉ tiêu thống kê | Đơn vị tính | Số liệu | Ghi chú, in the shape of seed 003's appendix."""
    rows: list[list[Cell]] = [["I", "Tình hình thực hiện kế hoạch", "", "", ""]]
    bold = {0}
    for i, plan in enumerate(snapshot["plans"], start=1):
        note = f"{plan['display']} ngày {dmy(plan['issued_on'])} của {plan['issuer']}"
        rows.append(
            [i, "Tỷ lệ hoàn thành kế hoạch (lũy kế đến thời điểm báo cáo)", "%", Rate(plan["completed"], plan["total"]), note]
        )
        rows.append(
            [
                "",
                "Số nhiệm vụ đề ra trong kế hoạch",
                "Nhiệm vụ",
                plan["total"],
                f"{_count(plan['tasks'])} nhiệm vụ, {plan['total']} phần việc",
            ]
        )
        rows.append(["", "Số nhiệm vụ đã hoàn thành", "Nhiệm vụ", plan["completed"], ""])
    h = snapshot["higher"]
    rows.append(["II", f"Thực hiện nhiệm vụ cấp trên giao năm {h['year']}", "", "", ""])
    bold.add(len(rows) - 1)
    docs = "; ".join(h["documents"]) or "Không có văn bản của cơ quan cấp trên trong năm"
    rows.append(["", "Tổng số nhiệm vụ được giao", "Nhiệm vụ", h["total"], docs])
    rows.append(["", "Số nhiệm vụ đã hoàn thành đúng hạn", "Nhiệm vụ", h["done_on_time"], ""])
    rows.append(["", "Số nhiệm vụ đã hoàn thành nhưng quá hạn", "Nhiệm vụ", h["done_late"], ""])
    rows.append(["", "Số nhiệm vụ quá hạn chưa hoàn thành", "Nhiệm vụ", h["open_overdue"], ""])
    return Table(
        "Thống kê số liệu",
        "Phụ lục",
        ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"],
        rows,
        [0.8, 4, 1.2, 1, 3],
        bold_rows=bold,
    )


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _indicator_table(rows: list[dict]) -> Table:
    """Seed 000's Phụ lục II: STT | Chỉ tiêu | Cơ quan theo dõi, đôn đốc | Kết quả, with the target, the
    period the result is for, and the verdict; a row per group heading when the plan groups them."""
    several = len({r["plan"] for r in rows}) > 1
    body: list[list[Cell]] = []
    bold: set[int] = set()
    group = None
    for r in rows:
        heading = f"{r['plan']}: {r['group']}" if several else r["group"]
        if heading and heading != group:
            bold.add(len(body))
            body.append(["", heading, "", "", "", ""])
        group = heading
        result = f"{r['result']} ({r['period']})" if r["result"] else "Chưa có kết quả"
        body.append([r["ordinal"], r["title"], r["monitor"], r["target"], result, r["verdict"]])
    return Table(
        "Kết quả thực hiện các chỉ tiêu",
        "Chỉ tiêu",
        ["STT", "Chỉ tiêu", "Cơ quan theo dõi, đôn đốc", "Chỉ tiêu đặt ra", "Kết quả", "Đánh giá"],
        body,
        [0.7, 4.2, 1.6, 1.3, 1.7, 1.1],
        bold_rows=bold,
    )


def _form_table(form: dict) -> Table:
    """A statistics form (biểu thống kê, seed 003's appendix): STT | Chỉ tiêu thống kê | Đơn vị tính |
    Số liệu | Ghi chú, its headings in bold."""
    rows: list[list[Cell]] = []
    bold: set[int] = set()
    for r in form["rows"]:
        if r["heading"]:
            bold.add(len(rows))
        rows.append([r["ordinal"], r["label"], r["unit"], r["value"], r["note"]])
    return Table(
        form["title"],
        "Biểu thống kê",
        ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"],
        rows,
        [0.8, 4, 1.2, 1, 3],
        bold_rows=bold,
    )


def _indicator_appendices(snapshot: dict, reference: str, as_of: str) -> list[Appendix]:
    """Phụ lục II with the indicators, then one appendix per statistics form; none when the snapshot
    has neither (the report then reads as it always did)."""
    out: list[Appendix] = []
    if snapshot.get("indicators"):
        out.append(
            Appendix(
                ["PHỤ LỤC II", "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", f"(Số liệu tính đến ngày {as_of})"],
                reference,
                [_indicator_table(snapshot["indicators"])],
                landscape=True,
            )
        )
    for form in snapshot.get("forms") or []:
        number = ROMAN[min(len(out) + 1, len(ROMAN) - 1)]
        out.append(
            Appendix(
                [f"PHỤ LỤC {number}", form["title"].upper(), f"NĂM {form['year']}", f"(Số liệu tính đến ngày {as_of})"],
                reference,
                [_form_table(form)],
            )
        )
    return out


def late_list_document(snapshot: dict, office: dict, today: date) -> Document:
    """The monthly list of late units and people (seed 001), drawn by the same renderers."""
    as_of = vn_date(snapshot["as_of"])
    assert as_of is not None
    month = f"{as_of.month:02d}/{as_of.year}"
    body: list[Para | Table] = [
        Para(
            f"{_office_name_phrase(office)} thông báo danh sách đơn vị, cá nhân chậm tiến độ thực hiện nhiệm vụ "
            f"tháng {month}, tính đến {nd30_date(as_of)}, như sau:"
        ),
        Para("1. Đơn vị có nhiệm vụ quá hạn chưa hoàn thành", "subheading"),
    ]
    if snapshot["units"]:
        body.append(
            Table(
                "Đơn vị chậm tiến độ",
                "Đơn vị",
                ["STT", "Đơn vị chủ trì", "Số nhiệm vụ quá hạn", "Tổng số nhiệm vụ", "Hạn sớm nhất"],
                [[i, u["key"], u["overdue"], u["total"], vn_date(u["oldest"])] for i, u in enumerate(snapshot["units"], start=1)],
                [0.8, 4, 1.4, 1.4, 1.4],
            )
        )
    else:
        body.append(Para("Không có đơn vị nào có nhiệm vụ quá hạn."))
    body.append(Para("2. Cá nhân được giao nhiệm vụ quá hạn chưa hoàn thành", "subheading"))
    if snapshot["people"]:
        body.append(
            Table(
                "Cá nhân chậm tiến độ",
                "Cá nhân",
                ["STT", "Họ và tên", "Đơn vị", "Số nhiệm vụ quá hạn", "Hạn sớm nhất"],
                [
                    [i, p["name"], p["unit"], p["overdue"], vn_date(p["oldest"])]
                    for i, p in enumerate(snapshot["people"], start=1)
                ],
                [0.8, 2.6, 3, 1.4, 1.4],
            )
        )
    else:
        body.append(Para("Không có cá nhân nào được giao nhiệm vụ quá hạn."))
    body.append(Para("3. Danh sách nhiệm vụ quá hạn", "subheading"))
    if snapshot["overdue"]:
        body.append(
            Table(
                "Nhiệm vụ quá hạn",
                "Nhiệm vụ quá hạn",
                ["STT", "Nhiệm vụ", "Kế hoạch", "Đơn vị chủ trì", "Thời hạn", "Số ngày làm việc quá hạn"],
                [
                    [i, t["title"], t["plan"], t["unit"], vn_date(t["effective_due"]), t["days_late"]]
                    for i, t in enumerate(snapshot["overdue"], start=1)
                ],
                [0.8, 4, 1.6, 2, 1.2, 1.1],
                note=_listed_note(len(snapshot["overdue"]), snapshot["overdue_total"]),
            )
        )
    else:
        body.append(Para("Không có nhiệm vụ quá hạn."))
    body.append(Para("Đề nghị các đơn vị, cá nhân có tên trong danh sách khẩn trương hoàn thành nhiệm vụ được giao./."))
    code = office.get("code", "")
    return Document(
        governing_body=office.get("governing_body", "").upper(),
        office_name=office.get("name", "").upper(),
        number_line=number_line("", code, "TB"),
        number=document_number("", code, "TB"),
        place_date=place_date_line(office.get("place", ""), today),
        kind_title="THÔNG BÁO",
        subject=f"Danh sách đơn vị, cá nhân chậm tiến độ thực hiện nhiệm vụ tháng {month}",
        body=body,
        recipients=recipient_lines((office.get("recipients") or "").split("\n"), office.get("archive") or "VT"),
        signature=signature_lines(
            office.get("signer_title", ""), bool(office.get("deputy")), office.get("head_title") or "GIÁM ĐỐC"
        ),
        signer_name=office.get("signer_name", ""),
        appendices=[],
        draft=True,
        scope_lines=[f"Số liệu tính đến ngày: {as_of:%d/%m/%Y}"],
    )
