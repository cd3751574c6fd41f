"""The search page (``/search?q=…``) and its JSON twin (``GET /api/v1/search?q=…``)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_login import login_required

from tracker import clock
from tracker.api.auth import api_error, token_required
from tracker.search import queries as q

bp = Blueprint("search", __name__)
api_bp = Blueprint("search_api", __name__, url_prefix="/api/v1")


@bp.get("/search")
@login_required
def results():
    found = q.search(request.args.get("q", ""), clock.today())
    return render_template("search/results.html", results=found)


@api_bp.get("/search")
@token_required
def api_results():
    found = q.search(request.args.get("q", ""), clock.today())
    if not found.terms:
        return api_error(422, q.TOO_SHORT, {"q": q.TOO_SHORT})
    return jsonify(q.as_json(found))
