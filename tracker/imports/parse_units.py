"""Reading the unit cells and lines of a document: which units a text names, and which group phrases.

"Văn phòng Sở; phòng CCVC Sở" names two units; "Phòng Công chức, viên chức" names one (the comma is
part of its name); "Sở Thông tin và Truyền thông" is one body. A comma or "và" starts a new unit only
when what follows begins like a unit name (phòng, ban, sở, trung tâm, UBND …). Group phrases ("Các
phòng, đơn vị thuộc Sở", "các cơ quan, đơn vị liên quan") are recognised here and expanded to units only
after the user confirms what they mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.rules.folding import fold
from tracker.rules.labels import LabelledEnum


class GroupKind(LabelledEnum):
    ALL = "all", "tất cả các phòng, đơn vị thuộc Sở"  # every phòng and đơn vị of the Sở
    DIVISIONS = "divisions", "các phòng thuộc Sở"  # the phòng (and Văn phòng) only
    RELATED = "related", "các đơn vị liên quan (cần chọn)"  # "those concerned": the user must say which


_GROUPS = {
    GroupKind.ALL: {
        "cac phong don vi thuoc so",
        "cac phong don vi truc thuoc so",
        "cac phong don vi",
        "phong don vi thuoc so",
        "cac don vi thuoc so",
        "cac don vi truc thuoc so",
        "cac phong chuyen mon don vi thuoc so",
        "cac phong ban don vi thuoc so",
        "cac phong ban don vi",
        "thu truong cac phong don vi thuoc so",
    },
    GroupKind.DIVISIONS: {
        "cac phong thuoc so",
        "cac phong chuyen mon",
        "cac phong chuyen mon thuoc so",
        "cac phong ban thuoc so",
        "cac phong",
        "phong thuoc so",
    },
}
_RELATED = re.compile(r"\blien quan\b|\bco lien quan\b")
_GROUP_IN_TEXT = re.compile(
    r"(?:thủ trưởng |người đứng đầu )?(?:các|toàn thể các) (?:phòng|đơn vị|cơ quan)(?:,? (?:ban|đơn vị|cơ quan))*"
    r"(?: (?:chuyên môn|trực thuộc|thuộc|của) Sở)?(?: (?:có )?liên quan)?",
    re.IGNORECASE,
)


def group_kind(text: str) -> GroupKind | None:
    """The group a phrase means, or None for a single unit's name."""
    key = fold(text)
    if not key:
        return None
    for kind, phrases in _GROUPS.items():
        if key in phrases:
            return kind
    if key.startswith(("cac ", "toan the ", "tat ca ")):
        return GroupKind.RELATED
    if _RELATED.search(key) and key.startswith(("cac", "co quan", "don vi")):
        return GroupKind.RELATED
    return None


def find_group(text: str) -> str:
    """The first group phrase inside a sentence ("Căn cứ Kế hoạch này Thủ trưởng các phòng, đơn vị thuộc
    Sở xây dựng …" → "các phòng, đơn vị thuộc Sở"), or ""."""
    for m in _GROUP_IN_TEXT.finditer(text or ""):
        phrase = re.sub(r"^(?:thủ trưởng|người đứng đầu)\s+", "", m.group(0), flags=re.I).strip(" ,")
        if group_kind(phrase) is not None:
            return phrase
    return ""


_HEADS = (
    "phong",
    "van phong",
    "ban",
    "trung tam",
    "so",
    "uy ban",
    "ubnd",
    "thanh tra",
    "bo",
    "cuc",
    "chi cuc",
    "vu",
    "cac",
    "doan",
    "hoi",
    "cong an",
    "bao",
    "dai",
    "truong",
    "benh vien",
    "kho bac",
    "quy",
    "huyen",
    "thanh pho",
    "thi xa",
    "mat tran",
    "lanh dao",
    "giam doc",
    "pho giam doc",
    "chanh",
    "tong cuc",
    "to",
    "hdnd",
    "tinh uy",
    "bch",
    "ban chi huy",
    "bo chi huy",
    "vp",
    "ttra",
    "ubmttq",
    "lien doan",
    "chi nhanh",
    "cong ty",
    "tap doan",
    "nhom",
    "toan the",
    "tat ca",
)


def _starts_like_unit(piece: str) -> bool:
    key = fold(piece)
    if not key:
        return False
    if piece.strip()[:1].isupper() and not key.startswith(("va ", "cac ")):
        # "Sở Tài chính", "UBND huyện", an abbreviation: a new name; but "Viên chức" after a comma in
        # a capitalised title is not, so capitals alone decide only for short abbreviations.
        first = piece.strip().split()[0]
        if first.isupper() and len(first) > 1:
            return True
    return any(key == head or key.startswith(head + " ") for head in _HEADS)


_CONNECTOR = re.compile(r"(,\s*|\s+và\s+|\s+cùng\s+)", re.IGNORECASE)


def split_units(text: str) -> list[str]:
    """The unit names a cell or line lists, in order, each trimmed of trailing punctuation."""
    names: list[str] = []
    cleaned = re.sub(r"[*_]+", "", text or "")
    cleaned = re.sub(r"\s+", " ", cleaned).strip().strip(" .;,")
    for chunk in re.split(r"\s*[;\n]\s*|\s*/\s*(?=[A-ZĐÁÀẢÃẠÂĂÉÈÊÍÓÔƠÚƯ])", cleaned):
        chunk = chunk.strip(" .,")
        if not chunk:
            continue
        parts = _CONNECTOR.split(chunk)
        current = parts[0]
        for i in range(1, len(parts), 2):
            sep, piece = parts[i], parts[i + 1]
            if _starts_like_unit(piece):
                names.append(current.strip(" .,"))
                current = piece
            else:
                current = current + sep + piece
        if current.strip(" .,"):
            names.append(current.strip(" .,"))
    return [n for n in names if n]


_COOP_IN_LEAD = re.compile(r"\s*,?\s*(?:phối hợp với|phối hợp cùng|cùng phối hợp với)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class UnitText:
    lead: str
    coop: str


def split_lead(text: str) -> UnitText:
    """A lead cell that also names its partners: "Phòng CCHC phối hợp với các phòng thuộc Sở"."""
    parts = _COOP_IN_LEAD.split(text or "", maxsplit=1)
    if len(parts) == 2:
        return UnitText(parts[0].strip(" .,;"), parts[1].strip(" .,;"))
    return UnitText((text or "").strip(" .,;"), "")
