"""Pasted text (and the text layer of a PDF) as blocks: one paragraph per line; consecutive lines with
tabs (or Markdown pipes) are a table; Markdown-ish markup ("#", "**", "*", "<b>") is dropped."""

from __future__ import annotations

import re

from tracker.imports.parse_model import Block, Para, Table


def _cells(line: str) -> list[str] | None:
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
        if re.fullmatch(r"\|[\s:|-]+\|", stripped):
            return []  # the |---|---| rule under a Markdown header
        return [c.strip() for c in stripped.strip("|").split("|")]
    return None


def text_blocks(text: str, unit: str = "dòng") -> list[Block]:
    blocks: list[Block] = []
    rows: list[list[str]] = []
    row_sources: list[str] = []
    table_start = 0

    def close_table() -> None:
        nonlocal rows, row_sources
        if rows:
            blocks.append(Table(rows=rows, source=f"Bảng từ {unit} {table_start}", row_sources=row_sources))
        rows, row_sources = [], []

    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        cells = _cells(line)
        if cells is not None:
            if not rows:
                table_start = number
            if cells:
                rows.append(cells)
                row_sources.append(f"{unit} {number}")
            continue
        if not line.strip():
            # A blank line inside a table (a row broken over a page) does not end it.
            continue
        close_table()
        heading = line.lstrip().startswith("#")
        blocks.append(Para(text=line.strip(), source=f"{unit} {number}", heading=heading))
    close_table()
    return blocks
