"""The abbreviations the lists show, and what each stands for (an ``<abbr title>`` explains it on hover).

One table for every page: column headings ("STT"), the signs of document numbers ("25/KH-SNV":
Kế hoạch, Sở Nội vụ), the usual bodies ("UBND", "CCHC"). A unit's own short name ("VP", "P3") is
explained by the unit's full name where it is shown (``abbr_pieces(short, meaning=unit.name)``).

Only whole words match, with their case: "KH" is Kế hoạch, "kh" inside a word is not touched.
"""

from __future__ import annotations

import re

ABBREVIATIONS: dict[str, str] = {
    "STT": "Số thứ tự",
    "KH": "Kế hoạch",
    "QĐ": "Quyết định",
    "CV": "Công văn",
    "CT": "Chỉ thị",
    "TB": "Thông báo",
    "BC": "Báo cáo",
    "NQ": "Nghị quyết",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "TTg": "Thủ tướng Chính phủ",
    "CP": "Chính phủ",
    "BNV": "Bộ Nội vụ",
    "SNV": "Sở Nội vụ",
    "STTTT": "Sở Thông tin và Truyền thông",
    "TT&TT": "Thông tin và Truyền thông",
    "VP": "Văn phòng",
    "CCHC": "Cải cách hành chính",
    "CCVC": "Công chức, viên chức",
    "TCBC": "Tổ chức, biên chế",
    "TĐKT": "Thi đua, khen thưởng",
    "XDCQ": "Xây dựng chính quyền",
    "VTLT": "Văn thư, lưu trữ",
    "CNTT": "Công nghệ thông tin",
    "TTHC": "Thủ tục hành chính",
}

# A word: letters (Vietnamese ones too) and digits, "&" inside ("TT&TT").
_WORD = re.compile(r"[^\W_]+(?:&[^\W_]+)*")


def abbr_pieces(text: str, meaning: str | None = None) -> list[tuple[str, str | None]]:
    """``text`` cut into pieces, each with what it stands for (None: plain text). Joined, the pieces give
    ``text`` back. With ``meaning``, the whole text is one abbreviation of it (a unit's short name)."""
    if not text:
        return []
    if meaning is not None:
        return [(text, meaning if meaning and meaning != text else None)]
    pieces: list[tuple[str, str | None]] = []
    plain_from = 0
    for match in _WORD.finditer(text):
        expansion = ABBREVIATIONS.get(match.group())
        if expansion is None:
            continue
        if match.start() > plain_from:
            pieces.append((text[plain_from : match.start()], None))
        pieces.append((match.group(), expansion))
        plain_from = match.end()
    if plain_from < len(text):
        pieces.append((text[plain_from:], None))
    return pieces
