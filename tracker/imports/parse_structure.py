"""From blocks (paragraphs with their numbers, tables) to a parsed plan: header, tasks, reporting duties,
indicator candidates, and what was skipped. One set of rules for Word, PDF and pasted text; Excel and
every appendix table go through ``read_table``.

How offices write a plan (seed 004 is one): a header block (issuing body, "Số: 25/KH-SNV", "Bắc Giang,
ngày 20 tháng 02 năm 2024"), the title ("KẾ HOẠCH Thực hiện …"), "Thực hiện Kế hoạch số 199/KH-UBND …"
(the parent), then sections I., II., III. The tasks are the numbered items of the content section
(NỘI DUNG / NHIỆM VỤ …), nested by their numbers: 1. > 1.1 > a) > - > +. Under an item, lines such as
"+ Đơn vị chủ trì: …" give its fields; a block of such lines after several items applies to all of them;
"(Đơn vị thực hiện: …)" at the end of an item gives that item's. "Tổ chức thực hiện" holds the reporting
duties ("Định kỳ (trước ngày 15 của tháng cuối quý), báo cáo …"); "Mục tiêu cụ thể" and "Phụ lục chỉ
tiêu" the indicator candidates. When an appendix table lists the tasks (STT | Nội dung nhiệm vụ | Đơn vị
chủ trì …), its rows are the tasks and the body's bullet points are not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from tracker.imports.parse_model import Block, Indicator, Para, ParsedDocument, ParsedTask, ReadError, Skipped, Table
from tracker.imports.parse_units import find_group
from tracker.rules.deadlines import DeadlineError, DeadlineKind, parse_deadline
from tracker.rules.documents import DocumentType, normalise_number
from tracker.rules.folding import fold

# ---------------------------------------------------------------- labels and ranks

ROMAN = re.compile(r"^(?=[IVXL]+\b)(?:L?X{0,3})(?:IX|IV|V?I{0,3})$")
_LABEL = re.compile(
    r"^(?P<label>(?:phần\s+)?[IVXL]+[.)/:]|\d{1,2}(?:\.\d{1,2}){0,3}[.)]?(?=\s)|[a-zđ][.)](?=\s)|[-+•*–—▪●◦✓])\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)


def split_label(text: str) -> tuple[str, str]:
    m = _LABEL.match(text)
    if not m:
        return "", text
    label = m.group("label")
    core = label.rstrip(".):/").strip()
    if re.fullmatch(r"(?:phần\s+)?[IVXLivxl]+", core, re.I) and not ROMAN.match(core.split()[-1].upper()):
        return "", text
    if re.fullmatch(r"[ivxl]+", core) and len(core) > 1:  # "ii." lower-case roman is a letter item rarely; keep
        pass
    if not m.group("rest").strip():
        return "", text
    return label, m.group("rest")


def rank(label: str) -> int:
    """Nesting depth of a number: roman sections, then 1., 1.1, 1.1.1, then a), -, +; plain text last."""
    core = label.strip().rstrip(".):/").strip()
    if not core:
        return 30
    core = re.sub(r"^phần\s+", "", core, flags=re.I)
    if re.fullmatch(r"[IVXL]+", core) and ROMAN.match(core):
        return 0
    if re.fullmatch(r"\d+(?:\.\d+)*", core):
        parts = core.split(".")
        while len(parts) > 1 and parts[-1] == "0":  # "1.0": offices write the group heading of 1.1, 1.2
            parts.pop()
        return len(parts)
    if re.fullmatch(r"[a-zđA-ZĐ]", core):
        return 20
    if core in {"+"}:
        return 22
    if core in {"-", "–", "—", "•", "*", "▪", "●", "◦", "✓"}:
        return 21
    return 30


def ordinal_of(label: str) -> str:
    core = label.strip().rstrip(".):/").strip()
    core = re.sub(r"^phần\s+", "", core, flags=re.I)
    if re.fullmatch(r"\d+(?:\.\d+)*|[IVXL]+|[a-zđA-ZĐ]", core):
        return re.sub(r"\.0$", "", core)
    return ""


# ---------------------------------------------------------------- fields under an item

_FIELD_NAME = (
    r"(?:(?:đơn vị|cơ quan|bộ phận|phòng)\s*(?:chủ trì|thực hiện|phối hợp|theo dõi|tham mưu)[^:]{0,45}"
    r"|chủ trì(?: thực hiện| tham mưu)?|phối hợp(?: thực hiện)?"
    r"|thời gian(?: thực hiện| hoàn thành)?[^:]{0,20}|thời hạn(?: hoàn thành| thực hiện)?[^:]{0,15}|tiến độ(?: thực hiện)?"
    r"|sản phẩm(?: đầu ra| dự kiến)?|kết quả (?:đầu ra|dự kiến)|người thực hiện|cán bộ (?:thực hiện|phụ trách))"
)
_FIELD_LINE = re.compile(rf"^(?P<name>{_FIELD_NAME})\s*:\s*(?P<value>.*)$", re.IGNORECASE | re.DOTALL)
_FIELD_ANY = re.compile(
    rf"(?:^\s*(?:[a-zđ]\)|[-+])?\s*|(?<=[;.])\s*|\s+(?:[a-zđ]\)|[-+])\s*)(?P<name>{_FIELD_NAME})\s*:\s*", re.IGNORECASE
)
_BRACKET_FIELDS = re.compile(rf"\(\s*(?P<body>{_FIELD_NAME}\s*:[^()]*)\)\s*[.;]?\s*$", re.IGNORECASE)


def field_role(name: str) -> str:
    key = fold(name)
    if "phoi hop" in key and "chu tri" not in key:
        return "coop"
    if "theo doi" in key:
        return "monitor"
    if "chu tri" in key or "thuc hien" in key and ("don vi" in key or "co quan" in key or "bo phan" in key):
        return "lead"
    if key.startswith(("thoi gian", "thoi han", "tien do")):
        return "deadline"
    if key.startswith(("san pham", "ket qua")):
        return "product"
    if key.startswith(("nguoi", "can bo")):
        return "person"
    if "tham muu" in key:
        return "lead"
    return ""


def read_fields(text: str) -> dict[str, str]:
    """Every "Tên trường: giá trị" in a line ("a) Đơn vị chủ trì: X; b) Thời gian: Y" gives two)."""
    clean = re.sub(r"[*_]+", "", text)
    marks = list(_FIELD_ANY.finditer(clean))
    fields: dict[str, str] = {}
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(clean)
        value = clean[m.end() : end].strip(" ;,.\t")
        role = field_role(m.group("name"))
        if role and value and role not in fields:
            fields[role] = re.sub(r"\s+", " ", value)
    return fields


def is_field_line(text: str) -> bool:
    clean = re.sub(r"[*_]+", "", text).strip()
    m = _FIELD_LINE.match(clean)
    return m is not None and bool(field_role(m.group("name")))


# ---------------------------------------------------------------- header

_NUMBER_LINE = re.compile(r"^\s*Số\s*(?:ký hiệu)?\s*:\s*(?P<number>[^\s]*)", re.IGNORECASE)
_ISSUED = re.compile(r"ngày\s*(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?\s*năm\s*(?P<y>\d{4})", re.IGNORECASE)
_DOC_WORDS = [
    (re.compile(r"^kế hoạch\b", re.I), DocumentType.PLAN),
    (re.compile(r"^chỉ thị\b", re.I), DocumentType.DIRECTIVE),
    (re.compile(r"^thông báo\b", re.I), DocumentType.CONCLUSION),
    (re.compile(r"^quyết định\b", re.I), DocumentType.DECISION),
    (re.compile(r"^công văn\b", re.I), DocumentType.OFFICIAL_LETTER),
]
_CODE_TYPES = {"KH": DocumentType.PLAN, "CT": DocumentType.DIRECTIVE, "TB": DocumentType.CONCLUSION, "QĐ": DocumentType.DECISION}
_NATIONAL = ("cong hoa xa hoi chu nghia viet nam", "doc lap tu do hanh phuc")
_PARENT_REF = re.compile(
    r"(?:Kế hoạch|Chỉ thị|Quyết định|Thông báo(?: kết luận)?|Công văn|Nghị quyết|Chương trình)\s+(?:số\s+)?"
    r"(?P<number>\d{1,6}(?:/\d{4})?/[A-ZĐ][A-Za-zĐđ0-9&.]*(?:-[A-ZĐ][A-Za-zĐđ0-9&]*)*)",
)


_NEEDS_CLEAN = re.compile(r"[<*_#\t\u00a0]|  ")


def _clean(text: str) -> str:
    if not text:
        return ""
    if not _NEEDS_CLEAN.search(text):
        return text.strip()
    text = re.sub(r"</?[a-zA-Z][^>]*>", "", text)
    text = re.sub(r"[*_]{1,3}(?=\S)|(?<=\S)[*_]{1,3}", "", text)
    text = re.sub(r"^\s*#+\s*", "", text)
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


def _shorten(text: str, limit: int = 300) -> tuple[str, str]:
    """A title fit for a list, and the full text as description when it had to be cut."""
    text = text.strip().rstrip(";")
    if len(text) <= limit:
        return text.rstrip("."), ""
    first = re.split(r"(?<=[.;:])\s+", text, maxsplit=1)[0]
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0] + "…"
    return first.rstrip(".;:"), text


# ---------------------------------------------------------------- the parser


@dataclass
class _Item:
    task: ParsedTask
    rank: int
    has_fields: bool = False
    children: list[_Item] = field(default_factory=list)


class _Builder:
    def __init__(self) -> None:
        self.doc = ParsedDocument()
        self.n = 0

    def key(self) -> str:
        self.n += 1
        return f"t{self.n}"


_SECTION_KINDS = [
    ("content", ("noi dung", "nhiem vu", "giai phap", "cac nhiem vu", "nhiem vu trong tam", "nhiem vu giai phap")),
    ("goals", ("muc tieu", "muc dich", "chi tieu")),
    ("organisation", ("to chuc thuc hien", "trach nhiem", "phan cong")),
]


def _section_kind(heading: str) -> str:
    key = fold(heading)
    for kind, starts in _SECTION_KINDS:
        if any(key.startswith(s) for s in starts):
            return kind
    if "nhiem vu" in key or "noi dung" in key:
        return "content"
    return "other"


def parse_blocks(blocks: Iterable[Block], *, source_kind: str = "text") -> ParsedDocument:  # noqa: C901  TEMPORARY (39): to split
    b = _Builder()
    doc = b.doc
    blocks = list(blocks)
    body_start = _read_header(blocks, doc)

    section = "other"
    items: list[_Item] = []  # every content item, in order
    stack: list[_Item] = []
    awaiting: list[_Item] = []
    field_block: dict[str, str] = {}
    block_source = ""
    duty_context = ""
    in_goal_targets = False
    in_appendix = False
    appendix_tabled = False
    appendix_title: list[str] = []
    task_tables: list[tuple[str, Table]] = []
    saw_sections = False

    def flush_fields() -> None:
        nonlocal field_block
        if not field_block:
            return
        if items:
            last = items[-1]
            targets = [i for i in awaiting if i.task.parent == last.task.parent and not i.has_fields]
            if not targets:
                targets = [last]
            for item in targets:
                _apply_fields(item, field_block)
        else:
            doc.skipped.append(
                Skipped(block_source, "; ".join(field_block.values()), "Dòng thông tin không gắn với nhiệm vụ nào")
            )
        field_block = {}
        awaiting.clear()

    for block in blocks[body_start:]:
        if isinstance(block, Table):
            flush_fields()
            title = " ".join(appendix_title).strip() or ("Phụ lục" if in_appendix else "")
            task_tables.append((title, block))
            appendix_title = []
            appendix_tabled = in_appendix
            continue
        text = _clean(block.text)
        if not text:
            continue
        key = fold(text)
        if key.startswith(("noi nhan", "tren day la")) or re.fullmatch(r"(?:kt )?(?:giam doc|chu tich|truong ban|tm .*)", key):
            flush_fields()
            section = "end"
            continue
        if re.match(r"^phu luc\b", key) and len(key) < 60:
            flush_fields()
            in_appendix = True
            appendix_tabled = False
            section = "appendix"
            appendix_title = [text]
            continue
        if section == "appendix":
            if appendix_tabled and re.match(r"^\d{1,3}\s", text):
                # A table row the page break cut off its table (PDF): shown, never silently lost.
                doc.skipped.append(Skipped(block.source, text, "Dòng bảng bị ngắt sang trang, không đọc được; hãy kiểm tra"))
                continue
            appendix_title.append(text)
            continue
        if section == "end":
            continue
        label = block.label
        rest = text
        if not label:
            label, rest = split_label(text)
        r = rank(label)
        if r == 0:
            flush_fields()
            section = _section_kind(rest)
            saw_sections = True
            stack.clear()
            in_goal_targets = False
            continue
        if section == "goals":
            if r < 20 and "muc tieu cu the" in fold(rest) or "chi tieu" in fold(rest) and r < 20:
                in_goal_targets = True
                continue
            if r < 20 and ("muc tieu chung" in fold(rest) or "muc dich" in fold(rest)):
                in_goal_targets = False
                continue
            if in_goal_targets and re.search(r"\d\s*%|\bđạt\b", rest):
                doc.indicators.append(Indicator(text=_clean(rest).rstrip("."), source=block.source, target=_target(rest)))
            continue
        if section == "organisation":
            if r < 20:
                duty_context = rest
            for duty in _duties(rest, duty_context):
                duty.key = b.key()
                duty.source = block.source
                doc.tasks.append(duty)
            continue
        if section not in ("content",) and saw_sections:
            continue
        if not saw_sections and r == 30 and not stack and not is_field_line(rest):
            # Without sections, only numbered or bulleted items are tasks; loose prose is not.
            continue
        # Content lines.
        if is_field_line(rest):
            if not field_block:
                block_source = block.source
            for role, value in read_fields(rest).items():
                field_block.setdefault(role, value)
            continue
        flush_fields()
        if r == 30 and rest.startswith("(") and rest.rstrip(".").endswith(")"):
            doc.skipped.append(Skipped(block.source, rest, "Ghi chú trong ngoặc, không phải nhiệm vụ"))
            continue
        if r == 30 and items and rest[:1].islower() and not label:
            # A paragraph broken in the middle of a sentence (a page break, a pasted PDF line).
            last = items[-1].task
            joined = (last.description or last.title) + " " + rest
            last.title, last.description = _shorten(joined)
            _inline_fields(items[-1])
            continue
        while stack and stack[-1].rank >= r:
            stack.pop()
        parent = stack[-1] if stack else None
        title, description = _shorten(rest)
        task = ParsedTask(
            key=b.key(),
            ordinal=ordinal_of(label),
            title=title,
            description=description,
            source=block.source,
            parent=parent.task.key if parent else None,
        )
        item = _Item(task, r)
        _inline_fields(item)
        if parent:
            parent.children.append(item)
        items.append(item)
        stack.append(item)
        if not item.has_fields:
            awaiting.append(item)
    flush_fields()

    content_tasks = _finish_items(items)
    duties = [t for t in doc.tasks if t.duty]
    table_tasks: list[ParsedTask] = []
    replaces_body = False
    for title, table in task_tables:
        result = read_table(table, title=title, keys=b.key)
        if result.kind == "indicators":
            doc.indicators.extend(result.indicators)
        elif result.kind in ("tasks", "projects"):
            table_tasks.extend(result.tasks)
            replaces_body = replaces_body or result.kind == "tasks"
        doc.skipped.extend(result.skipped)
    if replaces_body and content_tasks:
        doc.warnings.append(
            f"Nhiệm vụ lấy theo bảng phụ lục; {len(content_tasks)} gạch đầu dòng ở phần nội dung không được lấy làm nhiệm vụ."
        )
        content_tasks = []
    directive = doc.doc_type in (DocumentType.DIRECTIVE.value, DocumentType.CONCLUSION.value, DocumentType.OFFICIAL_LETTER.value)
    if directive or (not content_tasks and not table_tasks):
        assigned = _directive_tasks(blocks[body_start:], b)
        if assigned or not content_tasks:
            content_tasks = assigned
    doc.tasks = content_tasks + table_tasks + duties
    return doc


def _apply_fields(item: _Item, fields: dict[str, str]) -> None:
    t = item.task
    item.has_fields = True
    if "lead" in fields and not t.lead_text:
        t.lead_text = fields["lead"]
    if "coop" in fields and not t.coop_text:
        t.coop_text = fields["coop"]
    if "deadline" in fields and not t.deadline_text:
        t.deadline_text = fields["deadline"]
    if "product" in fields and not t.product:
        t.product = fields["product"]
    if "person" in fields and not t.person:
        t.person = fields["person"]


def _inline_fields(item: _Item) -> None:
    t = item.task
    text = t.description or t.title
    m = _BRACKET_FIELDS.search(text)
    if not m:
        return
    _apply_fields(item, read_fields(m.group("body")))
    stripped = text[: m.start()].rstrip(" .;,")
    t.title, t.description = _shorten(stripped)


def _finish_items(items: list[_Item]) -> list[ParsedTask]:
    """A heading whose fields were given for its items takes them when they agree; a heading with a
    single item is one task (the item as its description)."""
    by_key = {i.task.key: i for i in items}
    for item in reversed(items):
        if len(item.children) == 1 and not item.children[0].children:
            only = item.children[0]
            t, c = item.task, only.task
            if not item.has_fields:
                t.description = c.description or c.title
                for name in ("lead_text", "coop_text", "deadline_text", "product", "person"):
                    if not getattr(t, name):
                        setattr(t, name, getattr(c, name))
                item.children = []
                del by_key[c.key]
                item.has_fields = only.has_fields
        if item.children:
            for name in ("lead_text", "coop_text", "deadline_text", "product"):
                if getattr(item.task, name):
                    continue
                values = {getattr(c.task, name) for c in item.children}
                if len(values) == 1:
                    setattr(item.task, name, values.pop())
    return [i.task for i in items if i.task.key in by_key]


_TARGET = re.compile(
    r"(?:(?:đạt|đạt tỷ lệ|đạt tối thiểu)\s+)?(?:trên|tối thiểu|ít nhất|không dưới|từ)?\s*\d+(?:[.,]\d+)?\s*%", re.I
)


def _target(text: str) -> str:
    matches = list(_TARGET.finditer(text))
    if not matches:
        return ""
    # "Tỷ lệ … đạt trên 70%": the last figure is the target; "100% các hệ thống …": the only one.
    return matches[-1].group(0).strip()


_PERIODIC_PHRASE = re.compile(
    r"(?:định kỳ\s*)?\(?\s*((?:định kỳ\s+)?(?:trước|chậm nhất|vào)\s+ngày\s+\d{1,2}\s+(?:của\s+)?tháng\s+cuối\s+(?:của\s+)?(?:mỗi\s+)?(?:quý|6 tháng|năm)"
    r"|(?:định kỳ\s+)?(?:hằng|hàng|mỗi)\s+(?:tháng|quý|năm)(?:\s*,?\s*(?:trước|chậm nhất|vào)\s+ngày\s+\d{1,2}(?:\s+(?:của\s+)?tháng\s+cuối\s+quý)?)?)\s*\)?",
    re.IGNORECASE,
)
_GIAO = re.compile(
    r"\bgiao\s+(?P<unit>.+?)\s+(?=chủ trì|đôn đốc|thực hiện|phối hợp|tổ chức|tham mưu|xây dựng|triển khai|"
    r"rà soát|theo dõi|báo cáo|hướng dẫn|kiểm tra|nghiên cứu|hoàn thành|tiếp tục|cập nhật|ban hành|là\b|,)",
    re.I,
)


def _duties(text: str, context: str) -> list[ParsedTask]:
    """Reporting duties in a sentence of "Tổ chức thực hiện": a periodic phrase and "báo cáo"."""
    found: list[ParsedTask] = []
    if "bao cao" not in fold(text):
        return found
    for clause in re.split(r";\s*|(?<=\.)\s+(?=[A-ZĐ])", text):
        m = _PERIODIC_PHRASE.search(clause)
        if not m or "bao cao" not in fold(clause):
            continue
        phrase = m.group(1).strip()
        try:
            rule = parse_deadline(phrase)
        except DeadlineError:
            continue
        if rule.kind is not DeadlineKind.PERIODIC:
            continue
        if re.search(r"định kỳ", m.group(0), re.I) and not phrase.lower().startswith("định kỳ"):
            phrase = "Định kỳ " + phrase
        title = (clause[: m.start()] + " " + clause[m.end() :]).strip()
        title = re.sub(r"^\s*[,.;:]\s*", "", title)
        title = re.sub(r"\s+([,.;])", r"\1", re.sub(r"\s+", " ", title)).strip(" ,.;")
        giao = _GIAO.search(text)
        lead = giao.group("unit").strip(" ,") if giao else find_group(context)
        if giao:
            title = re.sub(r"^.*?\bgiao\s+" + re.escape(giao.group("unit")) + r"\s*", "", title, flags=re.I) or title
        title = title[:1].upper() + title[1:]
        found.append(
            ParsedTask(key="", ordinal="", title=_shorten(title)[0], source="", lead_text=lead, deadline_text=phrase, duty=True)
        )
    return found


_DIRECTIVE_CLAUSE = re.compile(r"(?:^|[;.]\s+|\s+-\s+)(?=giao\s)", re.IGNORECASE)
_DIRECTIVE = re.compile(
    r"^giao\s+(?P<lead>.+?)\s+(?P<rest>(?:chủ trì|thực hiện|khẩn trương|tổ chức|tham mưu|xây dựng|triển khai|rà soát|nghiên cứu|hoàn thiện|"
    r"cập nhật|báo cáo|hướng dẫn|theo dõi|đôn đốc|kiểm tra|phối hợp)\b.*)$",
    re.IGNORECASE | re.DOTALL,
)
_DIRECTIVE_COOP = re.compile(
    r"^\s*,?\s*(?:thực hiện\s*)?,?\s*phối hợp (?:với|cùng)\s+(?P<coop>.+?)(?=\s+(?:để\s+|tổ chức|xây dựng|triển khai|rà soát|"
    r"tham mưu|nghiên cứu|hoàn thiện|cập nhật|hướng dẫn|thực hiện|báo cáo|kiểm tra|tổng hợp|đề xuất|ban hành)|,\s)",
    re.IGNORECASE,
)
_DIRECTIVE_DEADLINE = re.compile(
    r"[,;]?\s*(?:và\s+)?(?:hoàn thành|xong|báo cáo kết quả|thời hạn|thời gian hoàn thành)?\s*:?\s*"
    r"(?P<phrase>(?:trước|trong|chậm nhất|vào)\s+(?:ngày\s+)?(?:\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|quý\s+[IV\d]+\s*(?:/|năm)\s*\d{4}|"
    r"tháng\s+\d{1,2}\s*(?:/|năm)\s*\d{4}|năm\s+\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}))\s*[.;]?\s*$",
    re.IGNORECASE,
)


def _directive_tasks(blocks: list[Block], b: _Builder) -> list[ParsedTask]:
    """A Chỉ thị or Thông báo kết luận: "Giao Sở Nội vụ chủ trì, phối hợp với … hoàn thành trước ngày
    15/12/2025". One bullet may hold two assignments with different units and dates."""
    tasks: list[ParsedTask] = []
    for block in blocks:
        if not isinstance(block, Para):
            continue
        _, text = split_label(_clean(block.text))
        if "giao" not in text.lower():
            continue
        starts = [m.end() for m in _DIRECTIVE_CLAUSE.finditer(text)]
        for i, start in enumerate(starts):
            end = len(text) if i + 1 == len(starts) else starts[i + 1]
            clause = text[start:end].strip(" ;.")
            m = _DIRECTIVE.match(clause)
            if not m:
                continue
            lead = m.group("lead").strip(" ,")
            rest = re.sub(r"^chủ trì\b\s*", "", m.group("rest"), flags=re.I)
            coop = ""
            cm = _DIRECTIVE_COOP.match(rest)
            if cm:
                coop = cm.group("coop").strip(" ,")
                rest = rest[cm.end() :]
            deadline = ""
            dm = _DIRECTIVE_DEADLINE.search(rest)
            if dm:
                deadline = dm.group("phrase").strip()
                rest = rest[: dm.start()]
            title = re.sub(r"^\s*(?:chủ trì|thực hiện)?\s*[,:]?\s*", "", rest).strip(" ,;.")
            title = title[:1].upper() + title[1:] if title else clause
            short, description = _shorten(title)
            tasks.append(
                ParsedTask(
                    key=b.key(),
                    ordinal=str(len(tasks) + 1),
                    title=short,
                    description=description,
                    source=block.source,
                    lead_text=lead,
                    coop_text=coop,
                    deadline_text=deadline,
                )
            )
    return tasks


def _read_header(blocks: list[Block], doc: ParsedDocument) -> int:
    """Fill the header fields; return the index of the first block of the body."""
    upper_lines: list[str] = []
    title_next = False
    body_start = 0
    for index, block in enumerate(blocks[:80]):
        if isinstance(block, Table):
            _header_table(block, doc, upper_lines)
            continue
        text = _clean(block.text)
        if not text:
            continue
        if title_next:
            doc.title = f"{doc.title} {text}" if doc.title else text
            title_next = False
            body_start = index + 1
            continue
        step = _header_block(block, text, doc, upper_lines)
        if step == "end":
            break
        if step != "skip":
            body_start = index + 1
            title_next = step == "title_next"
    _finish_header(doc, upper_lines)
    return body_start


def _header_table(table: Table, doc: ParsedDocument, upper_lines: list[str]) -> None:
    # Word headers are often a two-column table: issuer | national motto, number | place and date.
    for row in table.rows:
        for cell in row:
            for line in cell.split("\n"):
                _header_line(_clean(line), doc, upper_lines)


def _header_block(block: Para, text: str, doc: ParsedDocument, upper_lines: list[str]) -> str:
    """What one paragraph of the header is: "header" (part of it), "title_next" (the document's kind,
    its title in the next paragraph), "skip" (not the header, not yet the body) or "end" (the body)."""
    key = fold(text)
    if key.startswith(("thuc hien", "can cu")) and (doc.title or doc.number):
        if key.startswith("thuc hien"):
            _parent_reference(text, doc)
        return "header"
    label = block.label or split_label(text)[0]
    if rank(label) == 0 or (label and (doc.title or doc.number)):
        return "end"
    for pattern, doc_type in _DOC_WORDS:
        kind = pattern.match(text)
        if kind and len(text) < 400 and (text[: kind.end()].isupper() or doc.number or block.heading):
            doc.doc_type = doc.doc_type or doc_type.value
            remainder = text[kind.end() :].strip(" :")
            if not remainder:
                return "title_next"
            doc.title = remainder
            return "header"
    if _header_line(text, doc, upper_lines):
        return "header"
    return "end" if doc.title else "skip"


def _parent_reference(text: str, doc: ParsedDocument) -> None:
    """ "Thực hiện Kế hoạch số 48/KH-UBND ...": the documents this one carries out."""
    doc.parent_text = (doc.parent_text + " " + text).strip()
    for m in _PARENT_REF.finditer(text):
        number = normalise_number(m.group("number"))
        if number not in doc.parent_numbers:
            doc.parent_numbers.append(number)


def _finish_header(doc: ParsedDocument, upper_lines: list[str]) -> None:
    """The issuer from the lines above the number, its code and the kind from the number, the title tidied."""
    if upper_lines and not doc.issuer_text:
        doc.issuer_text = _issuer_from(upper_lines)
    number = re.search(r"/([A-ZĐ]+)(?:[.][^-]*)?-(?P<issuer>[A-Za-zĐđ0-9&]+)", doc.number) if doc.number else None
    if number:
        doc.issuer_code = number.group("issuer")
        doc.doc_type = doc.doc_type or (_CODE_TYPES.get(number.group(1)) or DocumentType.PLAN).value
    if doc.title:
        if doc.title.isupper():
            doc.title = _sentence_case(doc.title)
        doc.title = doc.title[:1].upper() + doc.title[1:]
        if doc.doc_type == DocumentType.PLAN.value and not fold(doc.title).startswith("ke hoach"):
            doc.title = "Kế hoạch " + doc.title[:1].lower() + doc.title[1:]


def _header_line(text: str, doc: ParsedDocument, upper_lines: list[str]) -> bool:
    if not text:
        return False
    key = fold(text)
    if any(key.startswith(n) for n in _NATIONAL):
        return True
    m = _NUMBER_LINE.match(text)
    if m:
        raw = m.group("number").strip()
        doc.number = normalise_number(raw) if re.match(r"^\d", raw) else ""
        code = re.search(r"-([A-Za-zĐđ0-9&]+)$", raw)
        if code:
            doc.issuer_code = code.group(1)
        if not doc.number:
            doc.warnings.append(f"Văn bản chưa ghi số (“{text}”): hãy nhập số ký hiệu.")
        return True
    m = _ISSUED.search(text)
    if m and len(text) < 120 and not doc.issued_text:
        doc.issued_text = text
        if m.group("d") and m.group("m"):
            try:
                doc.issued_on = date(int(m.group("y")), int(m.group("m")), int(m.group("d"))).isoformat()
            except ValueError:
                doc.warnings.append(f"Ngày ban hành “{text}” không hợp lệ.")
        else:
            doc.warnings.append(f"Ngày ban hành chưa đủ (“{text}”): hãy nhập ngày.")
        return True
    letters = re.sub(r"[^A-Za-zÀ-ỹĐđ]", "", text)
    if letters and letters.isupper() and len(text) < 80 and not _LABEL.match(text):
        upper_lines.append(text)
        return True
    return False


def _issuer_from(lines: list[str]) -> str:
    """ "UBND TỈNH BẮC GIANG / SỞ NỘI VỤ" → "Sở Nội vụ tỉnh Bắc Giang"; one line → that line."""
    names = [ln for ln in lines if not any(fold(ln).startswith(n) for n in _NATIONAL)]
    names = [ln for ln in names if not _DOC_WORDS[0][0].match(ln)]
    if not names:
        return ""
    own = _sentence_case(names[-1])
    if len(names) > 1:
        place = re.search(r"\b(TỈNH|THÀNH PHỐ)\s+(.+)$", names[0], re.I)
        if place and not re.search(r"\b(tỉnh|thành phố)\b", own, re.I):
            own += f" {place.group(1).lower()} {place.group(2).title()}"
    return own


_KEEP_UPPER = {"UBND", "HĐND", "TT&TT", "TTTT", "VP", "BCĐ", "CNTT"}


def _sentence_case(text: str) -> str:
    words = text.split()
    out = []
    for i, w in enumerate(words):
        if w in _KEEP_UPPER:
            out.append(w)
        elif i == 0 or (i > 0 and fold(words[i - 1]) in {"so", "bo", "ban", "tinh", "uy", "cuc"} and i == 1):
            out.append(w.capitalize())
        else:
            out.append(w.lower())
    result = " ".join(out)
    result = re.sub(r"\b(tỉnh|thành phố|huyện)\s+(.+)$", lambda m: m.group(1) + " " + m.group(2).title(), result)
    # "Sở nội vụ" → "Sở Nội vụ": the name after the body's kind starts with a capital.
    return re.sub(
        r"^(Sở|Bộ|Ban|Cục|Văn phòng|Ủy ban nhân dân|Thanh tra)\s+(\w)", lambda m: m.group(1) + " " + m.group(2).upper(), result
    )


# ---------------------------------------------------------------- tables


@dataclass
class TableResult:
    kind: str  # "tasks" | "projects" | "indicators" | "unknown"
    tasks: list[ParsedTask] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)
    header_rows: int = 0


def _is_lead(key: str) -> bool:
    return (
        "chu tri" in key
        or key in {"don vi", "co quan", "don vi thuc hien", "co quan thuc hien"}
        or (("don vi" in key or "co quan" in key) and "thuc hien" in key)
    )


# (role, test on the folded header), tried in order: the first that holds names the column.
_COLUMN_ROLES: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("stt", lambda key: key in {"stt", "tt", "so tt", "so thu tu", "t t", "s t t", "so"}),
    ("lead_coop", lambda key: "chu tri" in key and "phoi hop" in key),
    ("coop", lambda key: "phoi hop" in key),
    ("monitor", lambda key: "theo doi" in key or "don doc" in key or "giam sat" in key),
    ("person", lambda key: key.startswith(("nguoi", "can bo", "ca nhan", "chuyen vien", "ho va ten", "ho ten"))),
    ("completed", lambda key: "ngay hoan thanh" in key or "thuc te" in key),
    ("status", lambda key: key.startswith(("trang thai", "tinh trang", "muc do hoan thanh", "ket qua thuc hien", "tien do"))),
    ("lead", _is_lead),
    ("deadline", lambda key: key.startswith(("thoi gian", "thoi han", "lo trinh", "han hoan thanh", "moc thoi gian"))),
    ("product", lambda key: key.startswith(("san pham", "ket qua dau ra", "ket qua du kien", "hinh thuc van ban"))),
    ("note", lambda key: key.startswith("ghi chu")),
    (
        "content",
        lambda key: any(
            w in key for w in ("noi dung", "nhiem vu", "ten du an", "cong viec", "hang muc", "chi tieu", "du an", "ten ")
        ),
    ),
)


def column_role(header: str, taken: set[str]) -> str:
    key = fold(header)
    if not key:
        return ""
    role = next((role for role, holds in _COLUMN_ROLES if holds(key)), "")
    # A second content-like column (after "Nội dung", a "Nhiệm vụ cụ thể") is the description.
    return "description" if role == "content" and "content" in taken else role


def _stt(value: str) -> str:
    v = value.strip().strip(".")
    if re.fullmatch(r"\d+\.0", v):
        return v[:-2]
    return v


def _header_of(rows: list[list[str]]) -> tuple[int, int, dict[str, int]] | None:
    """(first header row, number of header rows, role → column) of the first row that names a content
    column and at least one other known column; a second header row under merged group cells
    ("Đơn vị" over "Chủ trì" | "Phối hợp") is read with the first."""
    for h in range(min(len(rows), 25)):
        row = rows[h]
        taken: set[str] = set()
        roles: dict[str, int] = {}
        for c, cell in enumerate(row):
            role = column_role(cell, taken)
            if role and role not in roles:
                roles[role] = c
                taken.add(role)
        if "content" not in roles or len(roles) < 2:
            continue
        height = 1
        if h + 1 < len(rows):
            below = rows[h + 1]
            below_roles = [column_role(cell, set()) for cell in below]
            stt_cell = below[roles["stt"]] if "stt" in roles and roles["stt"] < len(below) else ""
            if any(below_roles) and not re.fullmatch(r"[\dIVX]+\.?", _stt(stt_cell) or "x"):
                height = 2
                combined = [
                    (row[c] if c < len(row) else "") + " " + (below[c] if c < len(below) and below[c] != row[c] else "")
                    for c in range(max(len(row), len(below)))
                ]
                taken, roles = set(), {}
                for c, cell in enumerate(combined):
                    # The lower row's word is the more precise ("Đơn vị" + "Phối hợp").
                    lower = below[c] if c < len(below) else ""
                    role = column_role(lower, taken) if lower and lower != row[c if c < len(row) else 0] else ""
                    role = role or column_role(cell, taken)
                    if role and role not in roles:
                        roles[role] = c
                        taken.add(role)
        return h, height, roles
    return None


def read_table(table: Table, *, title: str = "", keys=None, default_kind: str | None = None) -> TableResult:  # noqa: C901  TEMPORARY (25): to split
    counter = iter(range(1, 10**9))
    keys = keys or (lambda: f"r{next(counter)}")
    rows = [[_clean(c) for c in row] for row in table.rows]
    header = _header_of(rows)
    if header is None:
        return TableResult("unknown")
    h, height, roles = header
    content_header = fold(rows[h][roles["content"]])
    if default_kind:
        kind = default_kind
    elif "chi tieu" in content_header:
        kind = "indicators"
    elif "du an" in content_header or "hang muc" in content_header:
        kind = "projects"
    elif any(r in roles for r in ("lead", "lead_coop", "coop", "deadline", "person")):
        kind = "tasks"
    else:
        return TableResult("unknown", columns=roles)
    result = TableResult(kind, columns=roles, header_rows=height)
    header_keys = {fold(c) for c in rows[h]}

    merged: set[tuple[int, int]] = getattr(table, "merged_below", set())
    at = [0]

    def cell(row: list[str], role: str) -> str:
        c = roles.get(role)
        if c is None or c >= len(row):
            return ""
        if role in ("stt", "content", "description", "note", "product") and (at[0], c) in merged:
            return ""  # a merged cell's value belongs to its first row only
        return row[c].strip()

    stack: list[tuple[int, ParsedTask | Indicator]] = []
    parent_for_projects: ParsedTask | None = None
    if kind == "projects" and title:
        t, d = _shorten(title)
        parent_for_projects = ParsedTask(key=keys(), ordinal="", title=t, description=d, source=table.source)
        result.tasks.append(parent_for_projects)
    last: ParsedTask | Indicator | None = None
    group = ""
    for index in range(h + height, len(rows)):
        row = rows[index]
        at[0] = index
        source = table.row_source(index)
        if not any(c.strip() for c in row):
            continue
        if {fold(c) for c in row if c} <= header_keys:
            continue  # the header repeated on a new page
        if all(re.fullmatch(r"\(?\d+\)?", c.strip()) for c in row if c.strip()) and len([c for c in row if c.strip()]) > 2:
            continue  # the (1) (2) (3) column-number row under the header
        stt = _stt(cell(row, "stt"))
        content = cell(row, "content")
        if not stt and not content and last is not None:
            # The rest of the previous row's other cells, broken over a page.
            _continue_row(last, {role: cell(row, role) for role in roles})
            continue
        if not content:
            if stt:
                result.skipped.append(Skipped(source, " | ".join(c for c in row if c), "Dòng không có nội dung nhiệm vụ"))
            continue
        if not stt and last is not None and content[:1].islower():
            # The rest of the previous row's text, broken over a page.
            if isinstance(last, Indicator):
                last.text = f"{last.text} {content}".strip().rstrip(".")
                last.target = _target(last.text)
            else:
                last.title, last.description = _shorten(f"{last.description or last.title} {content}")
            continue
        r = rank(stt) if stt else 25
        if re.fullmatch(r"[a-zđ]", stt, re.I) and not ROMAN.match(stt.upper()):
            r = 20
        if kind == "indicators":
            if r == 0:
                group = content
                continue
            indicator = Indicator(
                text=content.rstrip("."),
                source=source,
                target=_target(content),
                lead_text=cell(row, "lead") or cell(row, "lead_coop"),
                monitor_text=cell(row, "monitor"),
                group=group,
            )
            result.indicators.append(indicator)
            last = indicator
            continue
        while stack and stack[-1][0] >= r:
            stack.pop()
        parent = stack[-1][1] if stack else parent_for_projects
        lead = cell(row, "lead")
        coop = cell(row, "coop")
        if not lead and cell(row, "lead_coop"):
            from tracker.imports.parse_units import split_units

            names = split_units(cell(row, "lead_coop"))
            lead, coop = (names[0] if names else ""), "; ".join(names[1:])
        title_text, description = _shorten(content)
        extra = cell(row, "description")
        if extra and extra != content:
            description = (description or content) + "\n" + extra if description else extra
        task = ParsedTask(
            key=keys(),
            ordinal=ordinal_of(stt) if stt and stt not in "-+•" else "",
            title=title_text,
            description=description,
            source=source,
            parent=parent.key if isinstance(parent, ParsedTask) else None,
            lead_text=lead,
            coop_text=coop,
            deadline_text=cell(row, "deadline"),
            product=cell(row, "product"),
            note=cell(row, "note"),
            person=cell(row, "person"),
            status_text=cell(row, "status"),
            completed_text=cell(row, "completed"),
        )
        result.tasks.append(task)
        stack.append((r, task))
        last = task
    _fill_group_fields(result.tasks)
    return result


_CONTINUED = {
    "lead": "lead_text",
    "lead_coop": "lead_text",
    "coop": "coop_text",
    "deadline": "deadline_text",
    "product": "product",
    "note": "note",
    "monitor": "monitor_text",
}


def _continue_row(last: ParsedTask | Indicator, cells: dict[str, str]) -> None:
    for role, value in cells.items():
        name = _CONTINUED.get(role)
        if value and name and hasattr(last, name):
            setattr(last, name, f"{getattr(last, name)} {value}".strip())


def _fill_group_fields(tasks: list[ParsedTask]) -> None:
    """A group row (I, II …) without its own units takes its rows' when they agree."""
    children: dict[str, list[ParsedTask]] = {}
    for t in tasks:
        if t.parent:
            children.setdefault(t.parent, []).append(t)
    for t in reversed(tasks):
        kids = children.get(t.key)
        if not kids:
            continue
        for name in ("lead_text", "coop_text", "deadline_text"):
            if not getattr(t, name):
                values = {getattr(k, name) for k in kids}
                if len(values) == 1:
                    setattr(t, name, values.pop())


def _workbook_header(tables: list[tuple[str, Table]], doc: ParsedDocument) -> None:
    """The header fields from the rows above the first table's header row (title, number, date)."""
    for _, table in tables:
        header = _header_of([[_clean(c) for c in row] for row in table.rows])
        if header is None:
            continue
        above: list[Block] = [
            Para(text=value, source=table.row_source(r) + f", cột {c + 1}")
            for r in range(header[0])
            for c, value in enumerate(dict.fromkeys(table.rows[r]))
            if value and value.strip()
        ]
        _read_header(above, doc)
        return


def table_document(tables: list[tuple[str, Table]]) -> ParsedDocument:
    """A workbook: the title and number rows above the header, then its tables of tasks."""
    doc = ParsedDocument()
    _workbook_header(tables, doc)
    found = False
    n = 0

    def key() -> str:
        nonlocal n
        n += 1
        return f"t{n}"

    for title, table in tables:
        result = read_table(table, title=title, keys=key)
        if result.kind == "indicators":
            doc.indicators.extend(result.indicators)
            found = True
        elif result.kind in ("tasks", "projects"):
            doc.tasks.extend(result.tasks)
            doc.skipped.extend(result.skipped)
            found = True
    if not found:
        raise ReadError(
            "Không tìm thấy bảng nhiệm vụ: bảng không có các cột cần thiết "
            "(STT, Nội dung nhiệm vụ, Đơn vị chủ trì, Đơn vị phối hợp, Thời gian thực hiện…)."
        )
    return doc
