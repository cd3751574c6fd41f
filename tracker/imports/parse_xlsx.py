"""Excel (.xlsx): the downloadable template and the workbooks offices keep.

Columns are found by their header text, never their position: the national header block and the title
take the first rows, the header may be two rows under merged group cells, and values merged over
several rows (a unit for a group of tasks) belong to each of them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
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


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _merges(archive: zipfile.ZipFile, path: str) -> list[tuple[int, int, int, int]]:
    """(top row, left column, bottom row, right column) of each merged range, 1-based."""
    try:
        xml = archive.read(path.lstrip("/"))
    except KeyError:
        return []
    return [(int(r1), _col(c1), int(r2), _col(c2)) for c1, r1, c2, r2 in _MERGE.findall(xml)]


def _column(n: int) -> str:
    name = ""
    while n:
        n, r = divmod(n - 1, 26)
        name = chr(65 + r) + name
    return name


def _sheet_grid(sheet) -> list[list[str]]:
    """The sheet's texts, at most _MAX_ROWS x _MAX_COLS, trailing empty rows dropped, rows padded to one width."""
    grid: list[list[str]] = []
    for row in sheet.iter_rows(max_col=_MAX_COLS, values_only=True):
        grid.append([_text(v) for v in row])
        if len(grid) >= _MAX_ROWS:
            break
    while grid and not any(grid[-1]):
        grid.pop()
    width = max((len(r) for r in grid), default=0)
    for r in grid:
        r.extend([""] * (width - len(r)))
    return grid


def _spread_merges(grid: list[list[str]], merges: Iterable[tuple[int, int, int, int]]) -> set[tuple[int, int]]:
    """Copy each merged range's value into all its cells; return the cells below a range's first row."""
    width = len(grid[0])
    merged_rows: set[tuple[int, int]] = set()
    for top_row, left, bottom, right in merges:
        if top_row > len(grid) or left > width:
            continue
        top = grid[top_row - 1][left - 1]
        for row_no in range(top_row, min(bottom, len(grid)) + 1):
            for c in range(left, min(right, width) + 1):
                grid[row_no - 1][c - 1] = top
                if row_no > top_row:
                    merged_rows.add((row_no - 1, c - 1))
    return merged_rows


def _sheet_table(sheet, archive: zipfile.ZipFile) -> Table | None:
    grid = _sheet_grid(sheet)
    if not grid:
        return None
    merged_rows = _spread_merges(grid, _merges(archive, getattr(sheet, "_worksheet_path", "")))
    table = Table(
        rows=grid,
        source=f"Trang tính “{sheet.title}”",
        row_sources=[f"{sheet.title}, dòng {r + 1}" for r in range(len(grid))],
    )
    table.merged_below = merged_rows  # type: ignore[attr-defined]
    return table


def xlsx_tables(data: bytes) -> list[tuple[str, Table]]:
    """Every sheet as a table, merged values spread over their cells."""
    import openpyxl

    try:
        # Read-only mode streams the cells (a 2,000-row workbook in a fraction of the time); the merged
        # ranges, which that mode does not give, come from each sheet's <mergeCell> elements.
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors
        raise ReadError("Tệp Excel bị hỏng hoặc không đúng định dạng .xlsx, không đọc được.") from exc
    tables: list[tuple[str, Table]] = []
    try:
        for sheet in workbook.worksheets:
            table = _sheet_table(sheet, archive)
            if table is not None:
                tables.append((sheet.title, table))
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError("Tệp Excel bị hỏng (nội dung trang tính không đọc được).") from exc
    finally:
        workbook.close()
    if not tables:
        raise ReadError("Tệp Excel không có trang tính nào có dữ liệu.")
    return tables
