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
from tracker.imports.parse_units import find_group, split_units
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


_DIRECTIVE_TYPES = (DocumentType.DIRECTIVE.value, DocumentType.CONCLUSION.value, DocumentType.OFFICIAL_LETTER.value)
_SIGNATURE = re.compile(r"(?:kt )?(?:giam doc|chu tich|truong ban|tm .*)")


def _is_signature(key: str) -> bool:
    """The body has ended: "Nơi nhận", "Trên đây là …" or the signer's title."""
    return key.startswith(("noi nhan", "tren day la")) or _SIGNATURE.fullmatch(key) is not None


class _BodyReader:
    """Reads the body block by block: which section it is in, the open items, the field lines waiting
    for their items, and the appendix tables put aside for ``read_table``."""

    def __init__(self, b: _Builder) -> None:
        self.b = b
        self.doc = b.doc
        self.section = "other"
        self.items: list[_Item] = []  # every content item, in order
        self.stack: list[_Item] = []
        self.awaiting: list[_Item] = []
        self.field_block: dict[str, str] = {}
        self.block_source = ""
        self.duty_context = ""
        self.in_goal_targets = False
        self.in_appendix = False
        self.appendix_tabled = False
        self.appendix_title: list[str] = []
        self.task_tables: list[tuple[str, Table]] = []
        self.saw_sections = False

    # -------------------------------------------------------- fields gathered over several lines

    def flush_fields(self) -> None:
        if not self.field_block:
            return
        if self.items:
            self._apply_field_block()
        else:
            self.doc.skipped.append(
                Skipped(self.block_source, "; ".join(self.field_block.values()), "Dòng thông tin không gắn với nhiệm vụ nào")
            )
        self.field_block = {}
        self.awaiting.clear()

    def _apply_field_block(self) -> None:
        """The block goes to the items above it that had no fields of their own, siblings of the last."""
        last = self.items[-1]
        targets = [i for i in self.awaiting if i.task.parent == last.task.parent and not i.has_fields]
        for item in targets or [last]:
            _apply_fields(item, self.field_block)

    def _collect_fields(self, block: Block, rest: str) -> None:
        if not self.field_block:
            self.block_source = block.source
        for role, value in read_fields(rest).items():
            self.field_block.setdefault(role, value)

    # -------------------------------------------------------- one block

    def read(self, block: Block) -> None:
        if isinstance(block, Table):
            self._table(block)
            return
        text = _clean(block.text)
        if text:
            self._paragraph(block, text)

    def _table(self, table: Table) -> None:
        self.flush_fields()
        title = " ".join(self.appendix_title).strip() or ("Phụ lục" if self.in_appendix else "")
        self.task_tables.append((title, table))
        self.appendix_title = []
        self.appendix_tabled = self.in_appendix

    def _paragraph(self, block: Para, text: str) -> None:
        key = fold(text)
        if _is_signature(key):
            self.flush_fields()
            self.section = "end"
            return
        if re.match(r"^phu luc\b", key) and len(key) < 60:
            self._start_appendix(text)
            return
        if self.section == "appendix":
            self._appendix_line(block, text)
            return
        if self.section == "end":
            return
        label = block.label
        rest = text
        if not label:
            label, rest = split_label(text)
        self._numbered(block, label, rest, rank(label))

    def _start_appendix(self, text: str) -> None:
        self.flush_fields()
        self.in_appendix = True
        self.appendix_tabled = False
        self.section = "appendix"
        self.appendix_title = [text]

    def _appendix_line(self, block: Para, text: str) -> None:
        if self.appendix_tabled and re.match(r"^\d{1,3}\s", text):
            # A table row the page break cut off its table (PDF): shown, never silently lost.
            self.doc.skipped.append(Skipped(block.source, text, "Dòng bảng bị ngắt sang trang, không đọc được; hãy kiểm tra"))
            return
        self.appendix_title.append(text)

    def _numbered(self, block: Para, label: str, rest: str, r: int) -> None:
        if r == 0:
            self._start_section(rest)
            return
        handler = {"goals": self._goal_line, "organisation": self._duty_line}.get(self.section)
        if handler is not None:
            handler(block, rest, r)
            return
        if self.section != "content" and self.saw_sections:
            return
        if not self.saw_sections and r == 30 and not self.stack and not is_field_line(rest):
            # Without sections, only numbered or bulleted items are tasks; loose prose is not.
            return
        self._content_line(block, label, rest, r)

    def _start_section(self, heading: str) -> None:
        self.flush_fields()
        self.section = _section_kind(heading)
        self.saw_sections = True
        self.stack.clear()
        self.in_goal_targets = False

    # -------------------------------------------------------- the sections

    def _goal_line(self, block: Para, rest: str, r: int) -> None:
        folded = fold(rest)
        if r < 20 and "muc tieu cu the" in folded or "chi tieu" in folded and r < 20:
            self.in_goal_targets = True
            return
        if r < 20 and ("muc tieu chung" in folded or "muc dich" in folded):
            self.in_goal_targets = False
            return
        if self.in_goal_targets and re.search(r"\d\s*%|\bđạt\b", rest):
            self.doc.indicators.append(Indicator(text=_clean(rest).rstrip("."), source=block.source, target=_target(rest)))

    def _duty_line(self, block: Para, rest: str, r: int) -> None:
        if r < 20:
            self.duty_context = rest
        for duty in _duties(rest, self.duty_context):
            duty.key = self.b.key()
            duty.source = block.source
            self.doc.tasks.append(duty)

    def _content_line(self, block: Para, label: str, rest: str, r: int) -> None:
        if is_field_line(rest):
            self._collect_fields(block, rest)
            return
        self.flush_fields()
        if r == 30 and rest.startswith("(") and rest.rstrip(".").endswith(")"):
            self.doc.skipped.append(Skipped(block.source, rest, "Ghi chú trong ngoặc, không phải nhiệm vụ"))
            return
        if r == 30 and self.items and rest[:1].islower() and not label:
            self._join_last(rest)
            return
        self._add_item(block, label, rest, r)

    def _join_last(self, rest: str) -> None:
        """A paragraph broken in the middle of a sentence (a page break, a pasted PDF line)."""
        last = self.items[-1].task
        joined = (last.description or last.title) + " " + rest
        last.title, last.description = _shorten(joined)
        _inline_fields(self.items[-1])

    def _add_item(self, block: Para, label: str, rest: str, r: int) -> None:
        while self.stack and self.stack[-1].rank >= r:
            self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        title, description = _shorten(rest)
        task = ParsedTask(
            key=self.b.key(),
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
        self.items.append(item)
        self.stack.append(item)
        if not item.has_fields:
            self.awaiting.append(item)

    # -------------------------------------------------------- after the last block

    def finish(self, body: list[Block]) -> None:
        """The tasks: the content items (or an appendix table's rows instead), the directive's
        "Giao …" sentences when that is all there is, then the reporting duties."""
        self.flush_fields()
        doc = self.doc
        content_tasks = _finish_items(self.items)
        duties = [t for t in doc.tasks if t.duty]
        table_tasks, replaces_body = self._read_tables()
        if replaces_body and content_tasks:
            doc.warnings.append(
                f"Nhiệm vụ lấy theo bảng phụ lục; {len(content_tasks)} gạch đầu dòng ở phần nội dung không được lấy làm nhiệm vụ."
            )
            content_tasks = []
        directive = doc.doc_type in _DIRECTIVE_TYPES
        if directive or (not content_tasks and not table_tasks):
            assigned = _directive_tasks(body, self.b)
            if assigned or not content_tasks:
                content_tasks = assigned
        doc.tasks = content_tasks + table_tasks + duties

    def _read_tables(self) -> tuple[list[ParsedTask], bool]:
        """The tables' tasks, and whether a table of tasks (not projects) replaces the body's items."""
        table_tasks: list[ParsedTask] = []
        replaces_body = False
        for title, table in self.task_tables:
            result = read_table(table, title=title, keys=self.b.key)
            if result.kind == "indicators":
                self.doc.indicators.extend(result.indicators)
            elif result.kind in ("tasks", "projects"):
                table_tasks.extend(result.tasks)
                replaces_body = replaces_body or result.kind == "tasks"
            self.doc.skipped.extend(result.skipped)
        return table_tasks, replaces_body


def parse_blocks(blocks: Iterable[Block], *, source_kind: str = "text") -> ParsedDocument:
    b = _Builder()
    blocks = list(blocks)
    body_start = _read_header(blocks, b.doc)
    reader = _BodyReader(b)
    for block in blocks[body_start:]:
        reader.read(block)
    reader.finish(blocks[body_start:])
    return b.doc


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


def _table_kind(content_header: str, roles: dict[str, int], default_kind: str | None) -> str | None:
    """What the rows are, from the content column's header and the other columns; None: not a table we read."""
    if default_kind:
        return default_kind
    if "chi tieu" in content_header:
        return "indicators"
    if "du an" in content_header or "hang muc" in content_header:
        return "projects"
    if any(r in roles for r in ("lead", "lead_coop", "coop", "deadline", "person")):
        return "tasks"
    return None


def _is_filler(row: list[str], header_keys: set[str]) -> bool:
    """An empty row, the header repeated on a new page, or the (1) (2) (3) column-number row under the header."""
    if not any(c.strip() for c in row):
        return True
    if {fold(c) for c in row if c} <= header_keys:
        return True
    return all(re.fullmatch(r"\(?\d+\)?", c.strip()) for c in row if c.strip()) and len([c for c in row if c.strip()]) > 2


def _row_rank(stt: str) -> int:
    r = rank(stt) if stt else 25
    if re.fullmatch(r"[a-zđ]", stt, re.I) and not ROMAN.match(stt.upper()):
        r = 20
    return r


# Cells whose value a merged cell gives to its first row only.
_FIRST_ROW_ONLY = ("stt", "content", "description", "note", "product")


class _TableReader:
    """Reads a table's rows below its header: the open rows by rank, the last row (for a row broken over
    a page) and, in a table of indicators, the current group."""

    def __init__(self, table: Table, rows: list[list[str]], roles: dict[str, int], result: TableResult, keys) -> None:
        self.table = table
        self.rows = rows
        self.roles = roles
        self.result = result
        self.keys = keys
        self.merged: set[tuple[int, int]] = getattr(table, "merged_below", set())
        self.at = 0
        self.stack: list[tuple[int, ParsedTask | Indicator]] = []
        self.parent_for_projects: ParsedTask | None = None
        self.last: ParsedTask | Indicator | None = None
        self.group = ""

    def cell(self, row: list[str], role: str) -> str:
        c = self.roles.get(role)
        if c is None or c >= len(row):
            return ""
        if role in _FIRST_ROW_ONLY and (self.at, c) in self.merged:
            return ""  # a merged cell's value belongs to its first row only
        return row[c].strip()

    def project_parent(self, title: str) -> None:
        """A table of projects under a title: the title is one task, the projects its children."""
        if self.result.kind == "projects" and title:
            t, d = _shorten(title)
            self.parent_for_projects = ParsedTask(key=self.keys(), ordinal="", title=t, description=d, source=self.table.source)
            self.result.tasks.append(self.parent_for_projects)

    def read_row(self, index: int, header_keys: set[str]) -> None:
        row = self.rows[index]
        self.at = index
        source = self.table.row_source(index)
        if _is_filler(row, header_keys):
            return
        stt = _stt(self.cell(row, "stt"))
        content = self.cell(row, "content")
        if not stt and not content and self.last is not None:
            # The rest of the previous row's other cells, broken over a page.
            _continue_row(self.last, {role: self.cell(row, role) for role in self.roles})
            return
        if not content:
            if stt:
                self.result.skipped.append(Skipped(source, " | ".join(c for c in row if c), "Dòng không có nội dung nhiệm vụ"))
            return
        if not stt and self.last is not None and content[:1].islower():
            self._continue_text(self.last, content)
            return
        r = _row_rank(stt)
        if self.result.kind == "indicators":
            self._indicator_row(row, source, content, r)
        else:
            self._task_row(row, source, stt, content, r)

    @staticmethod
    def _continue_text(last: ParsedTask | Indicator, content: str) -> None:
        """The rest of the previous row's text, broken over a page."""
        if isinstance(last, Indicator):
            last.text = f"{last.text} {content}".strip().rstrip(".")
            last.target = _target(last.text)
        else:
            last.title, last.description = _shorten(f"{last.description or last.title} {content}")

    def _indicator_row(self, row: list[str], source: str, content: str, r: int) -> None:
        if r == 0:
            self.group = content
            return
        indicator = Indicator(
            text=content.rstrip("."),
            source=source,
            target=_target(content),
            lead_text=self.cell(row, "lead") or self.cell(row, "lead_coop"),
            monitor_text=self.cell(row, "monitor"),
            group=self.group,
        )
        self.result.indicators.append(indicator)
        self.last = indicator

    def _units(self, row: list[str]) -> tuple[str, str]:
        """Lead and co-operating units; one "Chủ trì, phối hợp" column: its first unit leads."""
        lead = self.cell(row, "lead")
        coop = self.cell(row, "coop")
        if not lead and self.cell(row, "lead_coop"):
            names = split_units(self.cell(row, "lead_coop"))
            lead, coop = (names[0] if names else ""), "; ".join(names[1:])
        return lead, coop

    def _title_and_description(self, row: list[str], content: str) -> tuple[str, str]:
        title_text, description = _shorten(content)
        extra = self.cell(row, "description")
        if extra and extra != content:
            description = (description or content) + "\n" + extra if description else extra
        return title_text, description

    def _task_row(self, row: list[str], source: str, stt: str, content: str, r: int) -> None:
        while self.stack and self.stack[-1][0] >= r:
            self.stack.pop()
        parent = self.stack[-1][1] if self.stack else self.parent_for_projects
        lead, coop = self._units(row)
        title_text, description = self._title_and_description(row, content)
        task = ParsedTask(
            key=self.keys(),
            ordinal=ordinal_of(stt) if stt and stt not in "-+•" else "",
            title=title_text,
            description=description,
            source=source,
            parent=parent.key if isinstance(parent, ParsedTask) else None,
            lead_text=lead,
            coop_text=coop,
            deadline_text=self.cell(row, "deadline"),
            product=self.cell(row, "product"),
            note=self.cell(row, "note"),
            person=self.cell(row, "person"),
            status_text=self.cell(row, "status"),
            completed_text=self.cell(row, "completed"),
        )
        self.result.tasks.append(task)
        self.stack.append((r, task))
        self.last = task


def read_table(table: Table, *, title: str = "", keys=None, default_kind: str | None = None) -> TableResult:
    counter = iter(range(1, 10**9))
    keys = keys or (lambda: f"r{next(counter)}")
    rows = [[_clean(c) for c in row] for row in table.rows]
    header = _header_of(rows)
    if header is None:
        return TableResult("unknown")
    h, height, roles = header
    kind = _table_kind(fold(rows[h][roles["content"]]), roles, default_kind)
    if kind is None:
        return TableResult("unknown", columns=roles)
    result = TableResult(kind, columns=roles, header_rows=height)
    header_keys = {fold(c) for c in rows[h]}
    reader = _TableReader(table, rows, roles, result, keys)
    reader.project_parent(title)
    for index in range(h + height, len(rows)):
        reader.read_row(index, header_keys)
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
