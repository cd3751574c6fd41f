"""What every page shares: error pages in Vietnamese, template filters, the signed-in user."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from flask import Flask, Request, abort, jsonify, make_response, redirect, render_template, request, url_for
from flask.json.provider import DefaultJSONProvider
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.utils import cached_property

from tracker import clock, permissions
from tracker.accounts.models import Role, User
from tracker.database import sqlite_read_only
from tracker.extensions import db, login_manager
from tracker.formatting import fmt_date, fmt_datetime, fmt_number, fmt_size
from tracker.rules.abbreviations import abbr_pieces
from tracker.rules.numbers import INT_MAX, ascii_int
from tracker.rules.rollup import format_percent
from tracker.rules.status import Box
from tracker.rules.text import clean_text
from tracker.rules.window import OutOfWindow, YearWindow

# GET routes that write: none (opening a notification is a POST since issue 16).
WRITES_ON_GET: set[str] = set()

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
    register_hardening(app)
    _register_login()
    _register_errors(app)
    _register_templates(app)
    _register_read_only(app)
    _register_routes(app)


def _register_login() -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "warning"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        from tracker.accounts.sessions import load_user as load  # "id:session_version" (issue 16)

        return load(user_id)

    @login_manager.unauthorized_handler
    def unauthorized():
        if wants_json():
            return error_response(401, "Thiếu hoặc sai mã truy cập (Authorization: Bearer …).")
        return redirect(url_for("accounts.login", next=request.full_path if request.query_string else request.path))


def _register_errors(app: Flask) -> None:
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


def abbr_markup(text: str | None, meaning: str | None = None) -> Markup:
    """``{{ plan.number|abbr }}``, ``{{ unit.short_name|abbr(unit.name) }}``: each abbreviation of
    rules.abbreviations (or the whole text, meaning given) in an ``<abbr title>``, the rest escaped."""
    return Markup("").join(
        Markup('<abbr title="{}">{}</abbr>').format(title, piece) if title else piece
        for piece, title in abbr_pieces(text or "", meaning)
    )


def _register_templates(app: Flask) -> None:
    """Filters for display, and the few globals every page needs. No rule is a global: a page gets its
    boxes, due-soon flags and offers computed by its view (``classify`` is not offered to templates)."""
    app.jinja_env.filters["vndate"] = fmt_date
    app.jinja_env.filters["vndatetime"] = fmt_datetime
    app.jinja_env.filters["vnnumber"] = fmt_number
    app.jinja_env.filters["vnsize"] = fmt_size
    app.jinja_env.filters["abbr"] = abbr_markup
    app.jinja_env.filters["percent"] = format_percent

    @app.context_processor
    def inject():
        from tracker.notifications.queries import unread_count

        unread = unread_count(current_user) if getattr(current_user, "is_authenticated", False) else 0
        return {
            "perm": permissions,
            "Role": Role,
            "Box": Box,
            "today": clock.today(),
            "unread_notifications": unread,
        }


def _register_read_only(app: Flask) -> None:
    @app.before_request
    def mark_read_only():
        sqlite_read_only.set(request.method in ("GET", "HEAD") and request.endpoint not in WRITES_ON_GET)

    @app.teardown_request
    def clear_read_only(exc):
        sqlite_read_only.set(False)


def _register_routes(app: Flask) -> None:
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


# --- Hardening (issue 16): response headers, the year window, the reverse proxy -------------------------

# Only the app's own files: no inline script or style (templates pass computed sizes as data-* attributes,
# static/js/layout.js applies them), no framing, no plugins. data: images are Bootstrap's own SVG icons.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
STATIC_ENDPOINTS = {"static", "bootstrap.static"}


def add_security_headers(response):
    """Every response: the headers above; HSTS over https; no-store on every page built for someone.

    Static files keep their caching (they are the same for everyone); the server's own banner is
    removed here and, for gunicorn, in scripts/gunicorn.conf.py.
    """
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    if request.endpoint not in STATIC_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    response.headers.pop("Server", None)
    return response


def year_window() -> YearWindow:
    from tracker.forms import year_window as configured

    return configured()


def bounded(value, what: str = ""):
    """``value`` (a date or a year parsed from the request) inside the configured window, or a 400."""
    if value is None:
        return None
    try:
        return year_window().check(value, what)
    except OutOfWindow as exc:
        abort(make_response(error_response(400, str(exc))))


def check_webhook_url(url: str) -> None:
    """The reminders' webhook posts only over http(s): never file:, ftp: or a custom scheme (bandit B310)."""
    if url and urlsplit(url).scheme not in ("http", "https"):
        raise RuntimeError(f"TRACKER_WEBHOOK_URL phải bắt đầu bằng http:// hoặc https:// (đang là {url!r}).")


def _lone_surrogate(value) -> bool:
    """Whether a decoded JSON value holds a string with half of a UTF-16 pair (JSON's ``"\\ud800"``)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= c <= "\udfff" for c in item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class JSONRefused(ValueError):
    """JSON that decodes but cannot be taken; ``str(exc)`` is the Vietnamese reason."""


def _json_int(text: str) -> int:
    """A JSON integer an INTEGER column can hold (±2³¹−1): every number of the API is an id, a year, a
    position or a percentage; a larger one overflowed SQLite's binding or PostgreSQL's integer (500)."""
    value = int(text)
    if abs(value) > INT_MAX:
        raise JSONRefused(f"có số nguyên quá lớn ({text[:30]}…)" if len(text) > 30 else f"có số nguyên quá lớn ({text})")
    return value


def _json_constant(text: str):
    raise JSONRefused(f"có giá trị {text}, không phải JSON chuẩn")


class SafeJSONProvider(DefaultJSONProvider):
    """Request bodies that cannot be JSON for this app raise ``ValueError``, which Flask answers with 400
    (``get_json``) or ``None`` (``get_json(silent=True)``, which the API turns into its 422): nesting deeper
    than the decoder's recursion limit (a RecursionError, a 500, before), lone surrogates (which no
    database can store), integers beyond ±2³¹−1 and NaN / Infinity. Every reader of JSON (``request.get_json``) goes through here."""

    def loads(self, s, **kwargs):
        kwargs.setdefault("parse_int", _json_int)
        kwargs.setdefault("parse_constant", _json_constant)
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise JSONRefused("lồng nhau quá sâu") from None
        raw = s if isinstance(s, str) else bytes(s).decode(json.detect_encoding(s), "replace")
        if re.search(r"\\u[dD]", raw) and _lone_surrogate(value):
            raise JSONRefused("có ký tự mã hoá lỗi (nửa cặp UTF-16, như \\ud800)")
        return value


def bounded_int(raw: str) -> int:
    """What ``type=int`` means for every query string and form of the app: ASCII digits (an optional
    minus), within a PostgreSQL INTEGER (±2³¹−1, what the app's ids and pages fit in, and an OFFSET of
    a page times its size never overflows). ``int()`` alone takes "١٢", "１２", "1_2" and 10³⁰, which
    then overflow a query (500); a ``ValueError`` here makes ``args.get(..., type=int)`` its default."""
    value = ascii_int(raw[1:] if raw.startswith("-") else raw, 0, INT_MAX)
    if value is None:
        raise ValueError(raw)
    return -value if raw.startswith("-") else value


class BoundedArgs(ImmutableMultiDict):
    """``request.args`` and ``request.form``, whose ``type=int`` is :func:`bounded_int`."""

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        return super().get(key, default, bounded_int if type is int else type)

    def getlist(self, key, type=None):  # noqa: A002
        return super().getlist(key, bounded_int if type is int else type)


class SafeRequest(Request):
    """The app's request: ``type=int`` bounded (:class:`BoundedArgs`), and query-string values without
    control characters or lone surrogates (``tracker.rules.text.clean_text``: a NUL in ``q`` broke the
    SQLite full-text query and is refused by PostgreSQL). A query string is a line: what cannot be in one
    is dropped rather than refused, as the pages are forgiving with what they read from the address."""

    parameter_storage_class = BoundedArgs

    def on_json_loading_failed(self, e: ValueError | None):
        """``get_json()`` on a body that is not JSON: a 400 whose description says why, in Vietnamese
        (the API's ``json_body`` answers it as its 422)."""
        if e is None:
            raise BadRequest("Nội dung yêu cầu phải là JSON (Content-Type: application/json).")
        reason = str(e) if isinstance(e, JSONRefused) else "sai cú pháp JSON"
        raise BadRequest(f"Nội dung yêu cầu không đọc được ({reason}); cần một đối tượng JSON.")

    @cached_property
    def args(self) -> BoundedArgs:
        raw = Request.args.__get__(self, type(self))  # type: ignore[attr-defined]
        return BoundedArgs([(key, clean_text(value, multiline=False)) for key, value in raw.items(multi=True)])


def register_hardening(app: Flask) -> None:
    app.json = SafeJSONProvider(app)
    app.request_class = SafeRequest
    app.after_request(add_security_headers)
    app.register_error_handler(OutOfWindow, lambda exc: error_response(400, str(exc)))
    check_webhook_url(app.config.get("WEBHOOK_URL", ""))
    hops = int(app.config.get("PROXY_FIX_HOPS", 0) or 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Behind nginx (docs/deployment.md): trust that many proxies for the client address, https and host.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)  # type: ignore[method-assign]
