"""What the readers produce: blocks (paragraphs and tables, whatever the file type) and the parsed
document built from them. Pure data, JSON in and out; no Flask, no database."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Para:
    """One paragraph: its text, the number Word draws in front of it (rebuilt from numbering.xml: "1.",
    "a)", "-"), whether it is a heading, and where it came from ("dòng 57", "đoạn 12", "trang 3")."""

    text: str
    source: str
    label: str = ""
    heading: bool = False


@dataclass
class Table:
    rows: list[list[str]]
    source: str
    # Where each row came from ("Bảng 1, dòng 3", "Sheet1!A12").
    row_sources: list[str] = field(default_factory=list)

    def row_source(self, index: int) -> str:
        if index < len(self.row_sources):
            return self.row_sources[index]
        return f"{self.source}, dòng {index + 1}"


Block = Para | Table


@dataclass
class ParsedTask:
    key: str
    ordinal: str
    title: str
    source: str
    parent: str | None = None
    description: str = ""
    lead_text: str = ""
    coop_text: str = ""
    deadline_text: str = ""
    product: str = ""
    note: str = ""
    person: str = ""
    status_text: str = ""
    completed_text: str = ""
    duty: bool = False  # a reporting duty (Tổ chức thực hiện)


@dataclass
class Indicator:
    text: str
    source: str
    target: str = ""
    lead_text: str = ""
    monitor_text: str = ""
    group: str = ""


@dataclass
class Skipped:
    source: str
    text: str
    reason: str


@dataclass
class ParsedDocument:
    doc_type: str | None = None  # a DocumentType value
    number: str = ""
    title: str = ""
    issuer_text: str = ""
    issuer_code: str = ""
    issued_on: str | None = None  # ISO
    issued_text: str = ""
    parent_numbers: list[str] = field(default_factory=list)
    parent_text: str = ""
    tasks: list[ParsedTask] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParsedDocument:
        data = dict(data)
        doc = cls(**{k: v for k, v in data.items() if k not in ("tasks", "indicators", "skipped")})
        doc.tasks = [ParsedTask(**t) for t in data.get("tasks", [])]
        doc.indicators = [Indicator(**i) for i in data.get("indicators", [])]
        doc.skipped = [Skipped(**s) for s in data.get("skipped", [])]
        return doc


class ReadError(ValueError):
    """A file that cannot be read, with the Vietnamese message naming the problem."""
