"""What an uploaded file is, judged by its content, and whether it may be kept (issue 16.10).

Pure: works on the file's name, its first bytes and (for ZIP containers) the names of its entries. An
extension alone proves nothing — an executable or an HTML page renamed ``.pdf`` was accepted before —
so each accepted extension names the content it must hold: PDF starts ``%PDF-``; Word and Excel files
are either the old compound document (OLE2) or a ZIP with ``[Content_Types].xml`` and ``word/`` or
``xl/``; OpenDocument is a ZIP whose ``mimetype`` entry says which; images by their signatures.
Executables (``MZ``, ELF, Mach-O), scripts (``#!``) and HTML/SVG/XML are refused whatever their name.

Names are cleaned before anything else: bidirectional controls (U+202A–U+202E, U+2066–U+2069,
U+200E/F, U+061C), which make ``tai-lieu\u202efdp.exe`` read as ``tai-lieuexe.pdf``, and control
characters go; a path is cut to its last part.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

# How many bytes of the file the checks read.
HEAD_BYTES = 2048

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def clean_filename(raw: str, fallback: str = "tep") -> str:
    """The name as it is kept and shown: its last path part (``/`` or ``\\``), NFC, without bidirectional
    or control characters (Unicode category Cc, and the bidi controls above), spaces collapsed, at most
    255 characters with the extension kept; ``fallback`` when nothing is left."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(" " if ch in "\t\r\n" else ch for ch in name)
    name = "".join(ch for ch in name if ch not in BIDI_CONTROLS and unicodedata.category(ch) != "Cc")
    name = " ".join(name.split()).strip(" .")
    if not name:
        return fallback
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = stem[: 255 - len(ext) - 1] + dot + ext if dot and len(ext) <= 10 else name[:255]
    return name


def extension(name: str) -> str:
    """The lower-case extension with its dot (``.pdf``), ``""`` when there is none."""
    stem, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot and stem and ext else ""


# ---------------------------------------------------------------- what the bytes are

PDF = "pdf"
OLE2 = "ole2"  # .doc, .xls (Office 97-2003)
DOCX = "docx"
XLSX = "xlsx"
ODT = "odt"
ODS = "ods"
PNG = "png"
JPEG = "jpeg"
GIF = "gif"
WEBP = "webp"
TIFF = "tiff"
ZIP = "zip"  # a ZIP that is none of the documents above
EXECUTABLE = "executable"
SCRIPT = "script"
HTML = "html"
UNKNOWN = "unknown"

KIND_LABELS = {
    PDF: "tệp PDF",
    OLE2: "tệp Word/Excel 97-2003",
    DOCX: "tệp Word (.docx)",
    XLSX: "tệp Excel (.xlsx)",
    ODT: "tệp văn bản OpenDocument (.odt)",
    ODS: "tệp bảng tính OpenDocument (.ods)",
    PNG: "ảnh PNG",
    JPEG: "ảnh JPEG",
    GIF: "ảnh GIF",
    WEBP: "ảnh WebP",
    TIFF: "ảnh TIFF",
    ZIP: "tệp nén ZIP",
    EXECUTABLE: "chương trình chạy được",
    SCRIPT: "tệp lệnh (script)",
    HTML: "trang HTML/XML",
    UNKNOWN: "không rõ loại",
}

IMAGES = frozenset({PNG, JPEG, GIF, WEBP, TIFF})

# The content each accepted extension must hold. An image extension takes any image (a photo saved as
# .jpg that is really a PNG is still a photo); a document extension only its own format.
ACCEPTED: dict[str, frozenset[str]] = {
    ".pdf": frozenset({PDF}),
    ".doc": frozenset({OLE2}),
    ".xls": frozenset({OLE2}),
    ".docx": frozenset({DOCX}),
    ".xlsx": frozenset({XLSX}),
    ".odt": frozenset({ODT}),
    ".ods": frozenset({ODS}),
    **{ext: IMAGES for ext in (".png", ".jpg", ".jpeg", ".gif", ".webp", ".tif", ".tiff")},
}

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE2),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"MZ", EXECUTABLE),
    (b"\x7fELF", EXECUTABLE),
    (b"\xfe\xed\xfa\xce", EXECUTABLE),
    (b"\xfe\xed\xfa\xcf", EXECUTABLE),
    (b"\xce\xfa\xed\xfe", EXECUTABLE),
    (b"\xcf\xfa\xed\xfe", EXECUTABLE),
    (b"\xca\xfe\xba\xbe", EXECUTABLE),
    (b"#!", SCRIPT),
)

_MARKUP = (b"<!doctype", b"<html", b"<?xml", b"<svg", b"<script", b"<head", b"<body", b"<iframe", b"<meta")


def _zip_kind(head: bytes, names: Collection[str] | None) -> str:
    entries = set(names or ())
    if "mimetype" in entries:
        if b"application/vnd.oasis.opendocument.text" in head[:200]:
            return ODT
        if b"application/vnd.oasis.opendocument.spreadsheet" in head[:200]:
            return ODS
    if "[Content_Types].xml" in entries:
        if any(n.startswith("word/") for n in entries):
            return DOCX
        if any(n.startswith("xl/") for n in entries):
            return XLSX
    return ZIP


def _looks_like_markup(head: bytes) -> bool:
    text = head[:HEAD_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n\x00").lower()
    return text.startswith(b"<") and any(tag in text[:512] for tag in _MARKUP)


def sniff(head: bytes, zip_names: Collection[str] | None = None) -> str:
    """The kind of content (one of the constants above) from the first bytes, and for a ZIP the names
    of its entries (``None`` when it could not be read as one)."""
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(head, zip_names)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if _looks_like_markup(head):
        return HTML
    return UNKNOWN


ALLOWED_TEXT = "PDF, Word, Excel, OpenDocument, ảnh (PNG, JPEG, GIF, WebP, TIFF)"


def upload_refusal(name: str, head: bytes, zip_names: Collection[str] | None = None) -> str | None:
    """Why a file (name already cleaned) may not be kept as evidence, in Vietnamese; ``None`` when it may."""
    ext = extension(name)
    accepted = ACCEPTED.get(ext)
    if accepted is None:
        return f"Loại tệp “{ext or name}” không được phép. Chấp nhận: {ALLOWED_TEXT}."
    if not head:
        return "Tệp rỗng."
    kind = sniff(head, zip_names)
    if kind in accepted:
        return None
    if kind in (EXECUTABLE, SCRIPT, HTML):
        return f"Tệp “{name}” thực chất là {KIND_LABELS[kind]}, không phải tài liệu: không được phép tải lên."
    expected = "ảnh" if accepted is IMAGES else KIND_LABELS[min(accepted)]
    return (
        f"Nội dung tệp “{name}” không phải {expected} như đuôi {ext} cho biết (tệp là {KIND_LABELS[kind]}). "
        "Hãy lưu lại đúng định dạng rồi tải lên."
    )


# ---------------------------------------------------------------- quota


@dataclass(frozen=True)
class Quota:
    used: int
    incoming: int
    limit: int


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " MB"


def quota_refusal(quota: Quota) -> str | None:
    """Why a file would take a task's evidence over its limit (total bytes per task); ``None`` when it fits.
    A limit of 0 or less means none."""
    if quota.limit <= 0 or quota.used + quota.incoming <= quota.limit:
        return None
    return (
        f"Tài liệu kiểm chứng của nhiệm vụ này đã dùng {_mb(quota.used)} trên tối đa {_mb(quota.limit)}; "
        f"tệp này ({_mb(quota.incoming)}) vượt hạn mức. Hãy nén hoặc tách bớt tệp, hoặc đề nghị Quản trị tăng hạn mức."
    )
