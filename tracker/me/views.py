"""Việc của tôi (``/me``) and the calendar feed (``/calendar/<secret>.ics``, no sign-in: the secret is
the key)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker import clock
from tracker.extensions import db
from tracker.me import operations as ops
from tracker.me import queries as q
from tracker.me.forms import FeedForm, RevokeFeedForm
from tracker.me.ical import build_feed

bp = Blueprint("me", __name__)


def _render(token: str | None = None, status: int = 200):
    as_of = clock.today()
    feed_url = url_for("me.feed", token=token, _external=True) if token else None
    return render_template(
        "me/index.html",
        sections=q.my_sections(current_user, as_of),
        as_of=as_of,
        feed=q.feed_of(current_user),
        feed_url=feed_url,
        feed_form=FeedForm(),
        revoke_form=RevokeFeedForm(),
    ), status


@bp.get("/me")
@login_required
def index():
    return _render()


@bp.post("/me/calendar")
@login_required
def new_feed():
    if not FeedForm().validate_on_submit():
        abort(400)
    token = ops.new_feed(current_user, current_user)
    db.session.commit()
    return _render(token)


@bp.post("/me/calendar/revoke")
@login_required
def revoke_feed():
    if not RevokeFeedForm().validate_on_submit():
        abort(400)
    if ops.revoke_feed(current_user, current_user):
        db.session.commit()
        flash("Đã thu hồi địa chỉ lịch: lịch đã đăng ký bằng địa chỉ cũ sẽ không còn cập nhật.", "success")
    else:
        flash("Bạn chưa có địa chỉ lịch nào.", "info")
    return redirect(url_for("me.index"))


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    user = q.user_of_feed(token)
    if user is None:
        abort(404)
    rows = q.feed_tasks(user, clock.today())
    host = urlsplit(request.host_url).hostname or "tracker"
    body = build_feed(
        rows,
        f"Thời hạn nhiệm vụ · {user.full_name}",
        clock.now(),
        lambda task_id: url_for("tasks.detail", task_id=task_id, _external=True),
        host,
    )
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": "inline; filename=thoi-han.ics",
                                                              "Cache-Control": "private, max-age=900"})  # fmt: skip
