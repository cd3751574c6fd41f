"""One entry point for every format: a report (draft: live figures; issued: its snapshot) or the
monthly late list becomes a ``Document``, drawn by the renderer of the format asked for."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from tracker import clock
from tracker.reports import queries as q
from tracker.reports.document import Document, late_list_document, report_document
from tracker.reports.docx_renderer import render_docx
from tracker.reports.models import Report
from tracker.reports.pdf_renderer import render_pdf
from tracker.reports.xlsx_renderer import render_xlsx

RENDERERS: dict[str, Callable[[Document], bytes]] = {"pdf": render_pdf, "docx": render_docx, "xlsx": render_xlsx}
MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def document_for(report: Report, snapshot: dict | None = None) -> Document:
    """An issued report is drawn from its snapshot and the office details kept with it, so it reads the
    same whenever it is drawn; a draft from today's count at its cut-off."""
    if snapshot is None:
        snapshot = q.snapshot_of(report) or q.build_snapshot(q.ReportSpec.of(report))
    office = q.office_details(q.override_of(report))
    return report_document(
        snapshot,
        office,
        report.subject,
        q.sections_of(report),
        report.serial or "",
        report.issued_on,
        clock.today(),
    )


# Leaves a draft may count and still be drawn while the person waits (under a second: the year report
# over 100,000 tasks took 1–3 s); a larger one is built in the background (tracker/documents).
INLINE_LEAVES = 20_000


def render(report: Report, fmt: str) -> bytes:
    return RENDERERS[fmt](document_for(report))


def late_list(as_of: date, fmt: str) -> bytes:
    return RENDERERS[fmt](late_list_document(q.late_snapshot(as_of), q.office_details(), clock.today()))


def filename(report: Report, fmt: str) -> str:
    if report.is_issued:
        return f"bao-cao-{report.serial}-BC-{report.office_code}-{report.issued_on:%Y%m%d}.{fmt}"
    return f"du-thao-bao-cao-{report.id}-{report.as_of:%Y%m%d}.{fmt}"


def render_spec(spec: q.ReportSpec, fmt: str, office: dict | None = None) -> bytes:
    """A report rendered straight from live figures, nothing stored (the command line and the API):
    a draft without a number, with the office details as set."""
    office = office or q.office_details()
    document = report_document(q.build_snapshot(spec), office, q.default_subject(spec), {}, "", None, clock.today())
    return RENDERERS[fmt](document)
