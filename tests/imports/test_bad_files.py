"""Files that cannot be imported: each refused with a Vietnamese message naming the problem, nothing
written (checked on the database by the view tests)."""

from __future__ import annotations

import io
import os
import zipfile

import msoffcrypto.format.ooxml
import pytest

from tests.imports.builders import seed_004_docx, workbook
from tracker.imports.parse_files import parse_file
from tracker.imports.parse_model import ReadError

LIMIT = 20 * 1024 * 1024


def _encrypted(data: bytes) -> bytes:
    source = msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(data))
    out = io.BytesIO()
    source.encrypt("mat-khau", out)
    return out.getvalue()


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    return out.getvalue()


def _scanned_pdf() -> bytes:
    """A valid one-page PDF with nothing but a drawn rectangle: no text layer, as a scan has."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    ]
    stream = b"0 0 0 rg 100 100 300 500 re f"
    objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _broken_xml_docx() -> bytes:
    good = zipfile.ZipFile(io.BytesIO(seed_004_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in good.infolist():
            data = good.read(info.filename)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2]
            z.writestr(info.filename, data)
    return out.getvalue()


BAD = [
    ("trong.docx", lambda: b"", "rỗng"),
    ("anh.png", lambda: b"\x89PNG\r\n\x1a\n" + os.urandom(200), "Không đọc được loại tệp “.png”"),
    ("chuong-trinh.docx", lambda: b"MZ\x90\x00" + os.urandom(500), "không phải tệp DOCX thật"),
    ("bang.xlsx", lambda: os.urandom(800), "không phải tệp XLSX thật"),
    ("nhi-phan.txt", lambda: b"\x00\x01\x02" * 100, "không phải văn bản"),
    ("mat-khau.docx", lambda: _encrypted(seed_004_docx()), "được bảo vệ bằng mật khẩu"),
    (
        "mat-khau.xlsx",
        lambda: _encrypted(workbook([["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì"], [1, "A", "B"]])),
        "được bảo vệ bằng mật khẩu",
    ),
    ("cu.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "định dạng Word/Excel cũ"),
    ("hong.docx", lambda: seed_004_docx()[:3000], "bị hỏng"),
    ("hong-xml.docx", _broken_xml_docx, "Tệp Word bị hỏng"),
    ("hong.xlsx", lambda: workbook([["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì"]])[:2000], "bị hỏng"),
    ("bom.docx", _zip_bomb, "bom nén"),
    ("nen.docx", lambda: _zip_with("readme.txt", b"x"), "không phải Word (.docx) hay Excel (.xlsx)"),
    ("lon.txt", lambda: b"a" * (50 * 1024 * 1024), "quá lớn (50,0 MB); dung lượng tối đa là 20,0 MB"),
    # Within the upload limit, but ten times the longest plan as text: refused before it is read.
    ("dai.txt", lambda: "1. Rà soát thủ tục.\n".encode() * 60_000, "“dai.txt” quá dài (1,5 MB); tối đa 1,0 MB"),
    ("scan.pdf", _scanned_pdf, "không có lớp chữ"),
    ("hong.pdf", lambda: b"%PDF-1.4\n" + os.urandom(300), "PDF bị hỏng"),
    ("khong-co-viec.txt", lambda: "Một đoạn văn không giao việc gì.".encode(), "Không tìm thấy nhiệm vụ nào"),
]


def _zip_with(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(("filename", "make", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_file_is_refused_with_a_message_naming_the_problem(filename, make, message):
    with pytest.raises(ReadError) as refused:
        parse_file(filename, make(), LIMIT)
    assert message in str(refused.value)
