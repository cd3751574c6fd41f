"""Token authentication and the error body of the JSON API, shared by every feature that answers under
``/api/v1`` (the core API, reports, imports): one check, one shape of error, so a client meets the same
401 and the same ``{"error": {"code", "message", "fields"}}`` wherever it calls."""

from __future__ import annotations

from functools import wraps

from flask import g, jsonify, request
from sqlalchemy import select
from werkzeug.exceptions import BadRequest

from tracker.accounts.models import User, hash_token
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.rules.text import TextRule, text_problem

# No list in a request body is longer (cooperating units, indicator values): a million ids is an attack.
MAX_LIST = 1000


def json_body() -> dict:
    """The request's JSON object, or a 422 with the field's Vietnamese message: not an object (or not JSON,
    nested too deep, a lone surrogate: ``tracker.web.SafeJSONProvider``), a list longer than ``MAX_LIST``,
    a string with a control character (every string, whichever endpoint reads it; the endpoints add each
    field's own rule: one line or many, its limit)."""
    try:
        data = request.get_json()
    except BadRequest as exc:  # not JSON, nested too deep, a lone surrogate (tracker.web.SafeRequest)
        raise ValidationFailed(str(exc.description)) from None
    if not isinstance(data, dict):
        raise ValidationFailed("Nội dung yêu cầu phải là một đối tượng JSON.")
    errors = {key: problem for key, value in data.items() if (problem := _value_problem(str(key), value))}
    if errors:
        raise ValidationFailed(errors)
    return data


def _value_problem(key: str, value) -> str | None:
    if isinstance(value, list):
        if len(value) > MAX_LIST:
            return f"Danh sách “{key}” dài quá: tối đa {MAX_LIST} phần tử."
        return next((p for v in value if (p := _value_problem(key, v))), None)
    if isinstance(value, str):
        return text_problem(value, TextRule(key, multiline=True))
    return None


def body_text(data: dict, key: str, rule: TextRule, default: str = "") -> str:
    """``data[key]`` as text that ``rule`` accepts (``default`` when absent or null), or a 422."""
    raw = data.get(key, default)
    if raw is None:
        return default
    if not isinstance(raw, str):
        raise ValidationFailed({key: f"“{rule.label}” phải là một chuỗi ký tự."})
    if problem := text_problem(raw, rule):
        raise ValidationFailed({key: problem})
    return raw


def api_error(code: int, message: str, fields: dict | None = None):
    body: dict = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), code


def token_required(view):
    """``Authorization: Bearer <token>`` of an active account, which the view finds on ``g.api_user``."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        user = db.session.scalar(select(User).where(User.api_token_hash == hash_token(token))) if token else None
        if user is None or not user.active:
            return api_error(401, "Thiếu hoặc sai mã truy cập (Authorization: Bearer …).")
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper
