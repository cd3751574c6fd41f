"""Which reader a file needs, decided by its content (not its name), and the checks that come first:
empty, too large, a renamed binary, a password-protected or damaged Office file, a zip bomb.

Every refusal is a ``ReadError`` whose Vietnamese message names the problem; nothing is written.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from tracker.formatting import fmt_number
from tracker.imports.parse_model import Indicator, ParsedDocument, ParsedTask, ReadError
from tracker.imports.parse_structure import parse_blocks, table_document
from tracker.rules.text import clean_text

KINDS = {"docx": "Word (.docx)", "xlsx": "Excel (.xlsx)", "pdf": "PDF", "text": "văn bản dán vào"}
# Generous for a plan, small against a bomb: what the archive may unpack to, in total and per byte.
MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 5000
# A plan or directive as plain text: the seeds' longest is 97 KB (74,000 characters). Reading costs
# ~0,4 s a megabyte, so a longer text is refused rather than read for seconds in one request: a .txt
# file by its bytes, a pasted text by its characters (what the API's schema can say: maxLength).
MAX_TEXT_BYTES = 1024 * 1024
MAX_PASTED_CHARS = 300_000
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}".replace(".", ",") + " MB"


def sniff(filename: str, data: bytes, max_bytes: int) -> str:
    """The kind of file ("docx", "xlsx", "pdf", "text") or ``ReadError``."""
    name = PurePath(filename or "tệp").name
    suffix = PurePath(name).suffix.lower()
    if not data:
        raise ReadError(f"Tệp “{name}” rỗng (0 byte).")
    if len(data) > max_bytes:
        raise ReadError(f"Tệp “{name}” quá lớn ({_mb(len(data))}); dung lượng tối đa là {_mb(max_bytes)}.")
    if data.startswith(OLE):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise ReadError(f"Tệp “{name}” được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi tải lại.")
        raise ReadError(f"Tệp “{name}” là định dạng Word/Excel cũ (.doc/.xls); hãy lưu lại thành .docx hoặc .xlsx rồi tải lên.")
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _office_kind(name, data)
    if suffix in (".docx", ".xlsx", ".pdf", ".doc", ".xls"):
        raise ReadError(
            f"Tệp “{name}” không phải tệp {suffix[1:].upper()} thật (nội dung không đúng định dạng, có thể đã bị đổi tên)."
        )
    if suffix not in ("", ".txt", ".md", ".text", ".csv", ".tsv"):
        raise ReadError(
            f"Không đọc được loại tệp “{suffix}”. Hãy tải lên tệp Word (.docx), Excel (.xlsx), PDF hoặc văn bản (.txt)."
        )
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(f"Tệp “{name}” không phải văn bản (có dữ liệu nhị phân); hãy tải lên tệp Word, Excel, PDF hoặc .txt.")
    return "text"


def _office_kind(name: str, data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ReadError(f"Tệp “{name}” bị hỏng (không mở được như tệp Word/Excel).") from exc
    if len(infos) > MAX_MEMBERS:
        raise ReadError(f"Tệp “{name}” có quá nhiều thành phần ({len(infos)}); không đọc để tránh quá tải.")
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if unpacked > MAX_UNPACKED or unpacked / packed > MAX_RATIO:
        raise ReadError(
            f"Tệp “{name}” giải nén ra quá lớn ({_mb(unpacked)} từ {_mb(len(data))}): có thể là tệp “bom nén”, không đọc."
        )
    names = {i.filename for i in infos}
    if "word/document.xml" in names:
        kind = "docx"
    elif "xl/workbook.xml" in names:
        kind = "xlsx"
    else:
        raise ReadError(f"Tệp “{name}” là tệp nén nhưng không phải Word (.docx) hay Excel (.xlsx).")
    try:
        bad = archive.testzip()
    except Exception as exc:  # a damaged member's header
        raise ReadError(f"Tệp “{name}” bị hỏng (dữ liệu nén lỗi).") from exc
    if bad is not None:
        raise ReadError(f"Tệp “{name}” bị hỏng (thành phần “{bad}” lỗi).")
    return kind


def decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "cp1258"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError("Không đọc được bảng mã của văn bản; hãy lưu tệp theo UTF-8.")


def parse_text(text: str) -> ParsedDocument:
    from tracker.imports.parse_text import text_blocks

    if not (text or "").strip():
        raise ReadError("Chưa có nội dung: hãy dán văn bản kế hoạch vào ô.")
    return clean_document(parse_blocks(text_blocks(text)))


# The parsed fields that may span lines; every other text field of a row is one line.
MULTILINE_FIELDS = frozenset({"description", "product", "note"})
_HEADER_FIELDS = ("number", "title", "issuer_text", "issued_text", "parent_text")


def clean_document(doc: ParsedDocument) -> ParsedDocument:
    """Make every text the import will save storable (``tracker.rules.text.clean_text``: Word's
    Shift+Enter U+000B becomes a newline or a space, other control characters go) and say where, in the
    preview's warnings: a row is cleaned and kept, never dropped."""
    cleaned_in: list[str] = []
    for name in _HEADER_FIELDS:
        value = getattr(doc, name)
        if isinstance(value, str) and (new := clean_text(value, multiline=False)) is not value:
            setattr(doc, name, new)
            cleaned_in.append("phần đầu văn bản")
    rows: list[ParsedTask | Indicator] = [*doc.tasks, *doc.indicators]
    for row in rows:
        changed = False
        for name, value in vars(row).items():
            if isinstance(value, str) and (new := clean_text(value, name in MULTILINE_FIELDS)) is not value:
                setattr(row, name, new)
                changed = True
        if changed:
            cleaned_in.append(row.source)
    if cleaned_in:
        places = ", ".join(dict.fromkeys(cleaned_in))
        doc.warnings.append(
            f"Đã thay ký tự ngắt dòng của Word và bỏ ký tự điều khiển không hiển thị được ở: {places}. Hãy kiểm tra lại các dòng này."
        )
    return doc


def check_text_size(text: str) -> None:
    """``ReadError`` for a pasted text longer than ``MAX_PASTED_CHARS``."""
    if len(text) > MAX_PASTED_CHARS:
        raise ReadError(
            f"Văn bản dán quá dài ({fmt_number(len(text))} ký tự; tối đa {fmt_number(MAX_PASTED_CHARS)}, một kế hoạch "
            "thường dưới 100.000). Hãy kiểm tra lại nội dung, hoặc tải lên tệp Word, Excel hay PDF."
        )


def parse_file(filename: str, data: bytes, max_bytes: int) -> tuple[str, ParsedDocument]:
    """Read one file into a parsed document; ``ReadError`` says why it cannot be."""
    kind = sniff(filename, data, max_bytes)
    if kind == "text":
        if len(data) > MAX_TEXT_BYTES:
            name = PurePath(filename or "tệp").name
            raise ReadError(
                f"Tệp văn bản “{name}” quá dài ({_mb(len(data))}); tối đa {_mb(MAX_TEXT_BYTES)} (một kế hoạch thường "
                "dưới 0,1 MB). Hãy kiểm tra lại tệp, hoặc tải lên tệp Word, Excel hay PDF."
            )
        doc = parse_text(decode_text(data))
    elif kind == "docx":
        from tracker.imports.parse_docx import docx_blocks

        doc = parse_blocks(docx_blocks(data), source_kind="docx")
    elif kind == "pdf":
        from tracker.imports.parse_pdf import pdf_blocks

        doc = parse_blocks(pdf_blocks(data), source_kind="pdf")
    else:
        from tracker.imports.parse_xlsx import xlsx_tables

        doc = table_document(xlsx_tables(data))
    doc = clean_document(doc)
    if not doc.tasks:
        raise ReadError(
            f"Không tìm thấy nhiệm vụ nào trong “{PurePath(filename).name}”: cần các mục đánh số trong phần nội dung, "
            "các câu “Giao … chủ trì …”, hoặc một bảng có cột Nội dung nhiệm vụ và Đơn vị chủ trì."
        )
    return kind, doc
