"""Token authentication and the error body of the JSON API, shared by every feature that answers under
``/api/v1`` (the core API, reports, imports): one check, one shape of error, so a client meets the same
401 and the same ``{"error": {"code", "message", "fields"}}`` wherever it calls."""

from __future__ import annotations

from functools import wraps

from flask import g, jsonify, request
from sqlalchemy import select

from tracker.accounts.models import User, hash_token
from tracker.errors import ValidationFailed
from tracker.extensions import db


def json_body() -> dict:
    """The request's JSON object, or a 422 ("Nội dung yêu cầu phải là một đối tượng JSON.")."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed("Nội dung yêu cầu phải là một đối tượng JSON.")
    return data


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
