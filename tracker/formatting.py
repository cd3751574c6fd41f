"""Vietnamese presentation: dd/mm/yyyy dates, decimal commas, local times."""

from __future__ import annotations

import re
from datetime import date, datetime

from tracker import clock

_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def fmt_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def fmt_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(clock.timezone_info()).strftime("%d/%m/%Y %H:%M")


def fmt_number(value: int | float | None) -> str:
    """Thousands with a dot, decimals with a comma: 16051 -> "16.051"."""
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


class DateInputError(ValueError):
    pass


def parse_date(raw: str) -> date:
    """Accept dd/mm/yyyy (what users type) or yyyy-mm-dd (what the API and date pickers send)."""
    text = (raw or "").strip()
    if m := _DMY.fullmatch(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        raise DateInputError("Ngày không hợp lệ: hãy nhập theo dạng dd/mm/yyyy, ví dụ 15/06/2024.")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateInputError(f"Ngày {text} không tồn tại.") from None


_KB = 1024
_UNITS = ("KB", "MB", "GB")


def _one_decimal(value: float) -> str:
    """One decimal after a comma, thousands with a dot: 1536.25 -> "1.536,3"."""
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def fmt_size(size: int | None) -> str:
    """A file's size as the offices read it: bytes under 1 KB ("512 byte"), then KB, MB (and GB) with
    one decimal after a comma ("1,5 KB", "20,0 MB"). Binary units (1 KB = 1.024 byte), as the upload
    limit is counted; a value that would round up to 1.024 of a unit is shown in the next one."""
    if size is None:
        return ""
    if size < _KB:
        return f"{max(size, 0)} byte"
    value = size / _KB
    for unit in _UNITS[:-1]:
        if round(value, 1) < _KB:
            return f"{_one_decimal(value)} {unit}"
        value /= _KB
    return f"{_one_decimal(value)} {_UNITS[-1]}"
