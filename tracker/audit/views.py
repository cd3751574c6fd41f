"""The administrator's audit page: who changed which office-wide setting, plan, unit or account, when."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from tracker.audit.queries import audit_page, kind_choices
from tracker.permissions import can_manage_accounts, require

bp = Blueprint("audit", __name__)


@bp.get("/admin/audit")
@login_required
def index():
    require(can_manage_accounts(current_user))
    kinds = kind_choices()
    kind = request.args.get("kind", "").strip()
    notice = None
    if kind and kind not in {value for value, _ in kinds}:
        notice, kind = f"Không có loại thay đổi “{kind}”; đang hiện mọi thay đổi.", ""
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    lines, more = audit_page(kind or None, page)
    return render_template("audit/index.html", lines=lines, more=more, page=page, kind=kind, kinds=kinds, notice=notice)
