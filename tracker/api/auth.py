"""Token authentication and the error body of the JSON API, shared by every feature that answers under
``/api/v1`` (the core API, reports, imports): one check, one shape of error, so a client meets the same
401 and the same ``{"error": {"code", "message", "fields", "errors"}}`` wherever it calls.

A field's error is given twice: ``fields`` (``{key: message}``, as before) and ``errors`` (a list of
``{"field": the JSON key, "label": the Vietnamese label the form shows, "message"}``, issue 16); each
message names the field by its label, and the general ``message`` lists them when there is no other."""

from __future__ import annotations

from functools import wraps

from flask import g, jsonify, request
from sqlalchemy import select
from werkzeug.exceptions import BadRequest

from tracker.accounts.models import User, hash_token
from tracker.api.fields import current_body, field_key, label, reading
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.rules.text import TextRule, text_problem

# No list in a request body is longer (cooperating units, indicator values): a million ids is an attack.
MAX_LIST = 1000


def json_body(schema: str | None = None) -> dict:
    """The request's JSON object, read as the body ``schema`` of ``tracker.api.fields.BODIES`` (its
    errors then name the form's labels; None: a body this module does not describe), or a 422 with the field's Vietnamese message: not an object (or not JSON,
    nested too deep, a lone surrogate: ``tracker.web.SafeJSONProvider``), a list longer than ``MAX_LIST``,
    a string with a control character (every string, whichever endpoint reads it; the endpoints add each
    field's own rule: one line or many, its limit)."""
    if schema is not None:
        reading(schema)
    try:
        data = request.get_json()
    except BadRequest as exc:  # not JSON, nested too deep, a lone surrogate (tracker.web.SafeRequest)
        raise ValidationFailed(str(exc.description)) from None
    if not isinstance(data, dict):
        raise ValidationFailed("Nội dung yêu cầu phải là một đối tượng JSON.")
    body = current_body()
    errors = {
        key: problem for key, value in data.items() if (problem := _value_problem(label(body, str(key)) or str(key), value))
    }
    if errors:
        raise ValidationFailed(errors)
    return data


def _value_problem(name: str, value) -> str | None:
    """``name``: the field's label where the body's fields are known, its key otherwise."""
    if isinstance(value, list):
        if len(value) > MAX_LIST:
            return f"Danh sách “{name}” dài quá: tối đa {MAX_LIST} phần tử."
        return next((p for v in value if (p := _value_problem(name, v))), None)
    if isinstance(value, str):
        return text_problem(value, TextRule(name, multiline=True))
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


def _named(name: str | None, message: str) -> str:
    """The message with the field's label in front, unless it names the field already."""
    return message if not name or name in message else f"{name}: {message}"


def field_errors(fields: dict[str, str]) -> list[dict]:
    """``[{"field", "label", "message"}]`` for ``{key: message}``; ``label`` is None for a key the API does
    not know (one the body had no business sending)."""
    body = current_body()
    found = []
    for key, message in fields.items():
        name = label(body, key)
        found.append({"field": field_key(body, key), "label": name, "message": _named(name, message)})
    return found


def api_error(code: int, message: str | None, fields: dict | None = None):
    """The error body; ``message`` None: "Dữ liệu không hợp lệ" followed by each field's message."""
    errors = field_errors(fields or {})
    if message is None:
        message = "Dữ liệu không hợp lệ: " + "; ".join(e["message"] for e in errors) if errors else "Dữ liệu không hợp lệ."
    body: dict = {"error": {"code": code, "message": message}}
    if errors:
        body["error"]["fields"] = {key: e["message"] for key, e in zip(fields or {}, errors, strict=True)}
        body["error"]["errors"] = errors
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
