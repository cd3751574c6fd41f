"""Excel (.xlsx): the downloadable template and the workbooks offices keep.

Columns are found by their header text, never their position: the national header block and the title
take the first rows, the header may be two rows under merged group cells, and values merged over
several rows (a unit for a group of tasks) belong to each of them.
"""

from __future__ import annotations

import io
from datetime import date, datetime

from tracker.imports.parse_model import ReadError, Table

_MAX_ROWS = 20000
_MAX_COLS = 40


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return f"{int(value)}.0" if value < 1000 else str(int(value))
    return str(value).strip()


def _column(n: int) -> str:
    name = ""
    while n:
        n, r = divmod(n - 1, 26)
        name = chr(65 + r) + name
    return name


def xlsx_tables(data: bytes) -> list[tuple[str, Table]]:
    """Every sheet as a table, merged values spread over their cells."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors
        raise ReadError("Tệp Excel bị hỏng hoặc không đúng định dạng .xlsx, không đọc được.") from exc
    tables: list[tuple[str, Table]] = []
    for sheet in workbook.worksheets:
        max_row = min(sheet.max_row or 0, _MAX_ROWS)
        max_col = min(sheet.max_column or 0, _MAX_COLS)
        if not max_row or not max_col:
            continue
        grid: list[list[str]] = [["" for _ in range(max_col)] for _ in range(max_row)]
        for r, row in enumerate(sheet.iter_rows(min_row=1, max_row=max_row, max_col=max_col, values_only=True)):
            for c, value in enumerate(row):
                grid[r][c] = _text(value)
        merged_rows: set[tuple[int, int]] = set()
        for rng in sheet.merged_cells.ranges:
            top = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= max_row and rng.min_col <= max_col else ""
            for r in range(rng.min_row, min(rng.max_row, max_row) + 1):
                for c in range(rng.min_col, min(rng.max_col, max_col) + 1):
                    grid[r - 1][c - 1] = top
                    if r > rng.min_row:
                        merged_rows.add((r - 1, c - 1))
        # A value merged down over rows repeats in each; for the number and the text columns that would
        # duplicate tasks, so the reader blanks those again (see read_table's use of merged_below).
        table = Table(
            rows=grid,
            source=f"Trang tính “{sheet.title}”",
            row_sources=[f"{sheet.title}, dòng {r + 1}" for r in range(max_row)],
        )
        table.merged_below = merged_rows  # type: ignore[attr-defined]
        tables.append((sheet.title, table))
    if not tables:
        raise ReadError("Tệp Excel không có trang tính nào có dữ liệu.")
    return tables
