"""The notification centre, the manual đôn đốc, reminder settings, and the administrator's outbox view.
Handlers parse the request, call a query or an operation, and render."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker import clock
from tracker.forms import BaseForm, attempt
from tracker.notifications import operations, queries
from tracker.notifications.forms import NudgeForm, ProfileForm, RulesForm
from tracker.notifications.models import Channel, Delivery, DeliveryStatus
from tracker.permissions import can_edit_plans, can_manage_accounts, get_or_404, require
from tracker.plans.models import Plan
from tracker.tasks.models import Task
from tracker.web import safe_next

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    inbox = queries.inbox(current_user, request.args.get("page", 1, type=int) or 1)
    return render_template(
        "notifications/index.html", items=inbox.items, total=inbox.total, page=inbox.page, per_page=inbox.per_page
    )


@bp.post("/notifications/read")
@login_required
def mark_read():
    form = BaseForm()
    if not form.validate_on_submit():
        abort(400)
    ids = request.form.getlist("id", type=int)
    attempt(form, lambda: operations.mark_read(current_user, ids or None, clock.now()))
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/<delivery_id>/open")
@login_required
def open_one(delivery_id):
    """Open a notification: a POST (it marks it read; no state changes on GET). E-mails link to the task."""
    delivery = get_or_404(Delivery, delivery_id)
    if delivery.recipient_id != current_user.id or delivery.channel is not Channel.INAPP:
        abort(404)
    form = BaseForm()
    if not form.validate_on_submit():
        abort(400)
    attempt(form, lambda: operations.mark_read(current_user, [delivery.id], clock.now()))
    if delivery.task_id:
        return redirect(url_for("tasks.detail", task_id=delivery.task_id))
    return redirect(url_for("tasks.index", box="open_overdue", leaves=1))


@bp.post("/tasks/<task_id>/nudge")
@login_required
def nudge(task_id):
    task = get_or_404(Task, task_id)
    require(can_edit_plans(current_user))
    form = NudgeForm(prefix="n")
    if not form.validate_on_submit():
        abort(400)
    back = safe_next(request.form.get("next")) or url_for("tasks.detail", task_id=task.id)
    done, count = attempt(form, lambda: operations.nudge(task, current_user, (form.note.data or "").strip(), clock.now()))
    if done:
        flash(f"Đã gửi đôn đốc “{task.title[:80]}” ({count} người nhận).", "success")
    return redirect(back)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm()
    if form.validate_on_submit():
        enabled = bool(form.email_reminders.data)
        if attempt(form, lambda: operations.set_email_reminders(current_user, enabled, current_user))[0]:
            flash("Đã lưu.", "success")
            return redirect(url_for("notifications.profile"))
    form.email_reminders.data = current_user.email_reminders
    return render_template("notifications/profile.html", form=form)


@bp.route("/admin/reminders", methods=["GET", "POST"])
@login_required
def office_rules():
    require(can_manage_accounts(current_user) or can_edit_plans(current_user))
    form = RulesForm()
    if form.validate_on_submit():
        if attempt(form, lambda: operations.save_office_rules(form.rules(), current_user))[0]:
            flash("Đã lưu quy tắc nhắc việc chung.", "success")
            return redirect(url_for("notifications.office_rules"))
    elif request.method == "GET":
        form.fill(queries.office_rules())
    return render_template("notifications/rules.html", form=form, plan=None)


@bp.route("/plans/<plan_id>/reminders", methods=["GET", "POST"])
@login_required
def plan_rules(plan_id):
    plan = get_or_404(Plan, plan_id)
    require(can_edit_plans(current_user))
    form = RulesForm()
    if form.validate_on_submit():
        save = lambda: operations.save_plan_rules(plan, None if form.use_office.data else form.rules(), current_user)  # noqa: E731
        if attempt(form, save)[0]:
            flash("Đã lưu quy tắc nhắc việc của văn bản.", "success")
            return redirect(url_for("plans.detail", plan_id=plan.id))
    elif request.method == "GET":
        form.fill(queries.plan_rules(plan))
        form.use_office.data = plan.reminder_rules is None
    return render_template("notifications/rules.html", form=form, plan=plan)


@bp.get("/admin/deliveries")
@login_required
def deliveries():
    require(can_manage_accounts(current_user))
    return render_template(
        "notifications/deliveries.html",
        problems=queries.delivery_problems(),
        counts=queries.delivery_counts(),
        DeliveryStatus=DeliveryStatus,
    )


@bp.post("/admin/deliveries/<delivery_id>/retry")
@login_required
def retry(delivery_id):
    delivery = get_or_404(Delivery, delivery_id)
    require(can_manage_accounts(current_user))
    form = BaseForm()
    if not form.validate_on_submit():
        abort(400)
    if delivery.status in (DeliveryStatus.FAILED, DeliveryStatus.PENDING):
        done, count = attempt(form, lambda: operations.retry(delivery, clock.now(), current_user))
        if done:
            flash(f"Sẽ gửi lại ({count} thông báo) ở lượt chạy tới của bộ lập lịch.", "success")
    return redirect(url_for("notifications.deliveries"))
