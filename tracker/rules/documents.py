"""Document types and the grammar of the số ký hiệu (document number).

A number reads ``<số>[/<năm>]/<loại>[.<nhánh>]-<cơ quan>[-<đơn vị>]``, e.g. ``48/KH-BCĐCĐS``,
``01/KH.CCHC-STTTT``, ``199/KH-UBND``, ``21/2023/QĐ-UBND``, ``13/CT-TTg``. A công văn has no type code
(``1234/UBND-KTN``), so for it the part after the slash is the issuer.
"""

from __future__ import annotations

import re
import unicodedata

from tracker.rules.labels import LabelledEnum


class DocumentType(LabelledEnum):
    PLAN = "plan", "Kế hoạch"
    DIRECTIVE = "directive", "Chỉ thị"
    CONCLUSION = "conclusion", "Thông báo kết luận"
    DECISION = "decision", "Quyết định"
    OFFICIAL_LETTER = "official_letter", "Công văn giao nhiệm vụ"

    @property
    def code(self) -> str | None:
        return DOCUMENT_CODES[self]


DOCUMENT_CODES = {
    DocumentType.PLAN: "KH",
    DocumentType.DIRECTIVE: "CT",
    DocumentType.CONCLUSION: "TB",
    DocumentType.DECISION: "QĐ",
    DocumentType.OFFICIAL_LETTER: None,
}

_SEGMENT = r"[A-ZĐ][A-Za-zĐđ0-9&]*"
NUMBER_RE = re.compile(
    rf"(?P<serial>\d{{1,6}})(?:/(?P<year>\d{{4}}))?/(?P<code>{_SEGMENT}(?:\.{_SEGMENT})?)(?P<issuer>(?:-{_SEGMENT})*)"
)


class DocumentNumberError(ValueError):
    pass


# Codes written in mixed case by their issuers, which upper-casing must give back as they are written.
MIXED_CASE_CODES = {"TTG": "TTg", "TTR": "TTr"}  # Thủ tướng Chính phủ; Tờ trình


def normalise_number(raw: str) -> str:
    """Without spaces, in upper case as numbers are printed ("01/kh-snv" -> "01/KH-SNV"), except the few
    codes written in mixed case ("13/ct-ttg" -> "13/CT-TTg")."""
    number = re.sub(r"\s+", "", unicodedata.normalize("NFC", raw or "")).upper()
    return re.sub(r"[A-ZĐ]+", lambda m: MIXED_CASE_CODES.get(m.group(0), m.group(0)), number)


def check_number(raw: str, doc_type: DocumentType) -> str:
    """Return the normalised number, or raise ``DocumentNumberError`` with a Vietnamese message."""
    number = normalise_number(raw)
    if not number:
        raise DocumentNumberError("Vui lòng nhập số ký hiệu văn bản.")
    match = NUMBER_RE.fullmatch(number)
    if not match:
        raise DocumentNumberError(
            f"Số ký hiệu “{number}” không đúng thể thức. Ví dụ đúng: 48/KH-BCĐCĐS, 01/KH.CCHC-STTTT, 199/KH-UBND."
        )
    expected = doc_type.code
    head = match.group("code").split(".")[0]
    if expected is not None:
        if not match.group("issuer"):
            raise DocumentNumberError(f"Số ký hiệu “{number}” thiếu tên viết tắt của cơ quan ban hành (ví dụ …/{expected}-UBND).")
        if head != expected:
            raise DocumentNumberError(
                f"Số ký hiệu “{number}” không phải của một {doc_type.label.lower()} "
                f"(loại văn bản phải là “{expected}”, ví dụ 12/{expected}-UBND)."
            )
    elif head in {c for c in DOCUMENT_CODES.values() if c}:
        raise DocumentNumberError(
            f"Số ký hiệu “{number}” là của một văn bản loại “{head}”, không phải công văn; hãy chọn đúng loại văn bản."
        )
    return number


def auto_ordinal(parent_ordinal: str | None, position: int) -> str:
    """The next number in the tree: top level "1", "2"…; below, "1.1", "1.2"…"""
    return f"{parent_ordinal}.{position}" if parent_ordinal else str(position)
