"""The report through the JSON API: ``GET /api/v1/reports/plan?plan=01/KH.CCHC-STTTT&as_of=2023-12-15
&period=Q3-2024&format=pdf`` returns the file; bad input is a 422 with Vietnamese messages by field."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, g, request, send_file

from tracker.api.auth import api_error, token_required
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.reports import queries as q
from tracker.reports.cli import build_spec
from tracker.reports.permissions import can_read_drafts
from tracker.reports.render import MIMETYPES, render_spec

bp = Blueprint("reports_api", __name__, url_prefix="/api/v1/reports")


@bp.get("/plan")
@token_required
def plan_report():
    if not can_read_drafts(g.api_user):
        return api_error(403, "Tài khoản không có quyền lập báo cáo.")
    fmt = request.args.get("format", "pdf")
    try:
        if fmt not in MIMETYPES:
            raise ValidationFailed({"format": "Định dạng phải là pdf, docx hoặc xlsx."})
        spec = build_spec(
            request.args.get("plan", ""),
            request.args.get("as_of"),
            request.args.get("period"),
            request.args.get("scheme", "calendar"),
        )
        problems = q.office_errors(q.office_details())
        if problems:
            raise ValidationFailed(problems)
    except ValidationFailed as exc:
        db.session.rollback()
        return api_error(422, exc.errors.get("") or "Dữ liệu không hợp lệ.", {k: v for k, v in exc.errors.items() if k})
    name = f"bao-cao-{spec.as_of:%Y%m%d}.{fmt}"
    return send_file(BytesIO(render_spec(spec, fmt)), mimetype=MIMETYPES[fmt], as_attachment=True, download_name=name)
