"""rules.uploads: what a file is, judged by its bytes — with real files written by the libraries that
make them (ReportLab, python-docx, openpyxl, Pillow) and by zipfile for OpenDocument."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.uploads import (
    BIDI_CONTROLS,
    DOCX,
    EXECUTABLE,
    HTML,
    JPEG,
    ODS,
    ODT,
    OLE2,
    PDF,
    PNG,
    SCRIPT,
    UNKNOWN,
    XLSX,
    ZIP,
    Quota,
    clean_filename,
    extension,
    quota_refusal,
    sniff,
    upload_refusal,
)


def _names(data: bytes) -> list[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.namelist()
    except zipfile.BadZipFile:
        return None


def real_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawString(72, 720, "Bien ban")
    c.save()
    return out.getvalue()


def real_docx() -> bytes:
    import docx

    out = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("Báo cáo kết quả")
    d.save(out)
    return out.getvalue()


def real_xlsx() -> bytes:
    import openpyxl

    out = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Số liệu"
    wb.save(out)
    return out.getvalue()


def real_image(fmt: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(out, fmt)
    return out.getvalue()


def odf(mime: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mime, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", "<office:document-content/>")
        z.writestr("META-INF/manifest.xml", "<manifest/>")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")
    return out.getvalue()


OLE2_HEAD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
REAL = {
    "bien-ban.pdf": (real_pdf, PDF),
    "bao-cao.docx": (real_docx, DOCX),
    "so-lieu.xlsx": (real_xlsx, XLSX),
    "anh.png": (lambda: real_image("PNG"), PNG),
    "anh.jpg": (lambda: real_image("JPEG"), JPEG),
    "anh.gif": (lambda: real_image("GIF"), "gif"),
    "anh.webp": (lambda: real_image("WEBP"), "webp"),
    "anh.tiff": (lambda: real_image("TIFF"), "tiff"),
    "van-ban.odt": (lambda: odf("application/vnd.oasis.opendocument.text"), ODT),
    "bang.ods": (lambda: odf("application/vnd.oasis.opendocument.spreadsheet"), ODS),
    "cu.doc": (lambda: OLE2_HEAD, OLE2),
    "cu.xls": (lambda: OLE2_HEAD, OLE2),
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_documents_are_recognised_and_accepted(name):
    make, kind = REAL[name]
    data = make()
    assert sniff(data[:2048], _names(data)) == kind
    assert upload_refusal(name, data[:2048], _names(data)) is None


DANGEROUS = {
    "windows.exe as pdf": (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100, EXECUTABLE),
    "linux elf": (b"\x7fELF\x02\x01\x01" + b"\x00" * 50, EXECUTABLE),
    "mach-o": (b"\xcf\xfa\xed\xfe" + b"\x00" * 50, EXECUTABLE),
    "shell script": (b"#!/bin/sh\nrm -rf /\n", SCRIPT),
    "html page": (b"<!DOCTYPE html><html><script>alert(1)</script></html>", HTML),
    "html with bom and blanks": (b"\xef\xbb\xbf\n  <html><body>x</body></html>", HTML),
    "svg": (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', HTML),
}


@pytest.mark.parametrize("case", sorted(DANGEROUS))
@pytest.mark.parametrize("name", ["bao-cao.pdf", "anh.png", "bien-ban.docx", "so-lieu.xlsx", "cu.doc"])
def test_executables_scripts_and_html_are_refused_whatever_their_name(case, name):
    data, kind = DANGEROUS[case]
    assert sniff(data) == kind
    message = upload_refusal(name, data, _names(data))
    assert message is not None and "không được phép" in message and name in message


def test_a_document_must_hold_what_its_extension_says():
    docx, xlsx, pdf = real_docx(), real_xlsx(), real_pdf()
    assert "tệp Word (.docx)" in upload_refusal("a.docx", xlsx[:2048], _names(xlsx))
    assert "tệp Excel (.xlsx)" in upload_refusal("a.xlsx", docx[:2048], _names(docx))
    assert "tệp PDF" in upload_refusal("a.pdf", docx[:2048], _names(docx))
    assert upload_refusal("a.docx", pdf[:2048]) is not None
    # A ZIP that is no Office document, a text file, an unreadable ZIP.
    z = plain_zip()
    assert sniff(z, _names(z)) == ZIP and upload_refusal("a.docx", z, _names(z)) is not None
    assert sniff(b"just some text") == UNKNOWN and upload_refusal("a.pdf", b"just some text") is not None
    assert sniff(b"PK\x03\x04garbage", None) == ZIP
    # Any image for an image extension (a PNG saved as .jpg is still a photo); no image for .pdf.
    png = real_image("PNG")
    assert upload_refusal("anh.jpg", png) is None
    assert "ảnh" in upload_refusal("anh.jpg", pdf[:2048]) and upload_refusal("a.pdf", png) is not None


def test_extensions_not_listed_and_empty_files_are_refused():
    assert "không được phép" in upload_refusal("virus.exe", b"MZ")
    assert "không được phép" in upload_refusal("trang.html", b"<html>")
    assert "không được phép" in upload_refusal("khong-duoi", b"%PDF-1.4")
    assert upload_refusal("a.pdf", b"") == "Tệp rỗng."
    assert upload_refusal("A.PDF", b"%PDF-1.7\n") is None


def test_bidirectional_and_control_characters_are_cleaned():
    # "tai-lieu\u202efdp.exe" reads as "tai-lieuexe.pdf": cleaned, it is plainly an .exe.
    assert clean_filename("tai-lieu\u202efdp.exe") == "tai-lieufdp.exe"
    assert extension(clean_filename("tai-lieu\u202efdp.exe")) == ".exe"
    for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f":
        assert clean_filename(f"bien{ch}ban.pdf") == "bienban.pdf"
    assert clean_filename("a\x00b\x07c\x1b\x7f\x85.pdf") == "abc.pdf"
    assert clean_filename("dong 1\r\ndong\t2.pdf") == "dong 1 dong 2.pdf"
    assert clean_filename("C:\\Users\\a\\Biên bản.pdf") == "Biên bản.pdf"
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("Bie\u0302n ba\u0309n.pdf") == "Biên bản.pdf"  # NFC
    assert clean_filename("\u202e\u202e") == "tep"
    long = "a" * 300 + ".pdf"
    assert len(clean_filename(long)) == 255 and clean_filename(long).endswith(".pdf")


@given(st.text(max_size=300))
def test_a_cleaned_name_never_holds_a_control_or_bidi_character(raw):
    import unicodedata

    name = clean_filename(raw)
    assert name and len(name) <= 255
    assert not any(ch in BIDI_CONTROLS or unicodedata.category(ch) == "Cc" for ch in name)
    assert "/" not in name and "\\" not in name
    assert clean_filename(name) == name  # cleaning twice changes nothing


def test_the_quota_counts_the_bytes_already_kept():
    mb = 1024 * 1024
    assert quota_refusal(Quota(used=90 * mb, incoming=10 * mb, limit=100 * mb)) is None
    message = quota_refusal(Quota(used=95 * mb, incoming=6 * mb, limit=100 * mb))
    assert message is not None
    assert "95,0 MB" in message and "100,0 MB" in message and "6,0 MB" in message and "vượt hạn mức" in message
    assert quota_refusal(Quota(used=10**12, incoming=10**9, limit=0)) is None  # 0: no limit


@given(st.integers(0, 10**12), st.integers(0, 10**10), st.integers(1, 10**12))
def test_the_quota_refuses_exactly_what_goes_over(used, incoming, limit):
    assert (quota_refusal(Quota(used, incoming, limit)) is None) == (used + incoming <= limit)
