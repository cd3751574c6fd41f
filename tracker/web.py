"""What every page shares: error pages in Vietnamese, template filters, the signed-in user."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from tracker import clock, permissions
from tracker.accounts.models import Role, User
from tracker.database import sqlite_read_only
from tracker.extensions import db, login_manager
from tracker.formatting import fmt_date, fmt_datetime, fmt_number
from tracker.rules.rollup import format_percent
from tracker.rules.status import Box, classify

# GET routes that write (opening a notification marks it read).
WRITES_ON_GET = {"notifications.open_one"}

ERROR_MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Dữ liệu gửi lên không hợp lệ. Vui lòng kiểm tra và thử lại."),
    401: ("Chưa đăng nhập", "Vui lòng đăng nhập để tiếp tục."),
    403: ("Không có quyền", "Tài khoản của bạn không có quyền thực hiện thao tác này."),
    404: ("Không tìm thấy", "Trang hoặc dữ liệu bạn tìm không tồn tại hoặc đã bị xoá."),
    405: ("Thao tác không hợp lệ", "Phương thức này không được hỗ trợ cho địa chỉ này."),
    413: ("Tệp quá lớn", "Tệp gửi lên vượt quá dung lượng cho phép."),
    500: ("Lỗi hệ thống", "Đã có lỗi xảy ra. Dữ liệu chưa được lưu; vui lòng thử lại hoặc báo quản trị."),
}


def safe_next(target: str | None) -> str | None:
    """A same-site path to go back to (after signing in, after an action), or None: never another host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target and not urlsplit(target).netloc:
        return target
    return None


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(code: int, message: str | None = None):
    title, default = ERROR_MESSAGES.get(code, ERROR_MESSAGES[500])
    text = message or default
    if wants_json():
        return jsonify({"error": {"code": code, "message": text}}), code
    return render_template("errors/error.html", code=code, title=title, message=text), code


def register_web(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "warning"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        try:
            user = db.session.get(User, int(user_id))
        except (TypeError, ValueError):
            return None
        return user if user is not None and user.active else None

    @login_manager.unauthorized_handler
    def unauthorized():
        if wants_json():
            return error_response(401, "Thiếu hoặc sai mã truy cập (Authorization: Bearer …).")
        return redirect(url_for("accounts.login", next=request.full_path if request.query_string else request.path))

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        db.session.rollback()
        return error_response(400, "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        db.session.rollback()
        return error_response(exc.code or 500)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        return error_response(500)

    app.jinja_env.filters["vndate"] = fmt_date
    app.jinja_env.filters["vndatetime"] = fmt_datetime
    app.jinja_env.filters["vnnumber"] = fmt_number
    app.jinja_env.filters["percent"] = format_percent

    @app.context_processor
    def inject():
        from tracker.notifications.queries import unread_count

        unread = unread_count(current_user) if getattr(current_user, "is_authenticated", False) else 0
        return {
            "perm": permissions,
            "Role": Role,
            "Box": Box,
            "classify": classify,
            "today": clock.today(),
            "unread_notifications": unread,
        }

    @app.before_request
    def mark_read_only():
        sqlite_read_only.set(request.method in ("GET", "HEAD") and request.endpoint not in WRITES_ON_GET)

    @app.teardown_request
    def clear_read_only(exc):
        sqlite_read_only.set(False)

    @app.get("/")
    @login_required
    def home():
        if current_user.role in (Role.UNIT_HEAD, Role.STAFF):
            return redirect(url_for("tasks.unit_tasks"))
        if current_user.role is Role.LEADER:
            return redirect(url_for("dashboard.director"))
        if current_user.role is Role.OFFICE:
            return redirect(url_for("dashboard.office"))
        return redirect(url_for("plans.index"))

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}
