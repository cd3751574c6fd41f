"""The notification centre, the manual đôn đốc, reminder settings, and the administrator's outbox view."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

from tracker import clock
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.forms import BaseForm, attempt
from tracker.notifications import services
from tracker.notifications.models import Channel, Delivery, DeliveryStatus
from tracker.notifications.rules import ReminderRules
from tracker.permissions import can_edit_plans, can_manage_accounts, get_or_404, require
from tracker.plans.models import Plan
from tracker.tasks.models import Task
from tracker.web import safe_next

bp = Blueprint("notifications", __name__)


class RulesForm(BaseForm):
    before_days = StringField("Nhắc trước hạn (ngày làm việc, cách nhau bởi dấu phẩy)", default="3, 1")
    on_due = BooleanField("Nhắc vào ngày đến hạn", default=True)
    overdue_every = IntegerField(
        "Khi quá hạn, nhắc lại sau mỗi (ngày làm việc; 0: không nhắc)",
        default=3,
        validators=[Optional(), NumberRange(0, 60, "Từ 0 đến 60.")],
    )
    escalate_after = IntegerField(
        "Báo Lãnh đạo Sở và Văn phòng khi quá hạn (ngày làm việc; 0: không báo)",
        default=5,
        validators=[Optional(), NumberRange(0, 250, "Từ 0 đến 250.")],
    )
    use_office = BooleanField("Dùng quy tắc chung của Sở")

    def fill(self, rules: ReminderRules) -> None:
        self.before_days.data = ", ".join(str(n) for n in rules.before_days)
        self.on_due.data = rules.on_due
        self.overdue_every.data = rules.overdue_every
        self.escalate_after.data = rules.escalate_after

    def rules(self) -> ReminderRules:
        raw = (self.before_days.data or "").replace(";", ",")
        try:
            days = tuple(sorted({int(x) for x in raw.split(",") if x.strip()}, reverse=True))
        except ValueError:
            raise ValidationFailed({"before_days": "Nhập các số nguyên, ví dụ: 3, 1"}) from None
        rules = ReminderRules(days, bool(self.on_due.data), self.overdue_every.data or 0, self.escalate_after.data or 0)
        errors = rules.validate()
        if errors:
            raise ValidationFailed(errors)
        return rules


class NudgeForm(BaseForm):
    note = TextAreaField("Nội dung đôn đốc", validators=[Optional()])


class ProfileForm(BaseForm):
    email_reminders = BooleanField(
        "Nhận thư điện tử nhắc việc (thư báo cáo lãnh đạo, và thư về gia hạn, xác nhận hoàn thành, giao việc, "
        "đổi thời hạn vẫn được gửi)"
    )


@bp.get("/notifications")
@login_required
def index():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    base = select(Delivery).where(Delivery.recipient_id == current_user.id, Delivery.channel == Channel.INAPP)
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    rows = db.session.scalars(
        base.order_by(Delivery.created_at.desc(), Delivery.id.desc())
        .limit(50)
        .offset((page - 1) * 50)
        .options(selectinload(Delivery.sender))
    ).all()
    tasks = {
        t.id: t
        for t in db.session.scalars(
            select(Task)
            .where(Task.id.in_({d.task_id for d in rows if d.task_id}))
            .options(selectinload(Task.lead_unit), selectinload(Task.plan))
        )
    }
    items = []
    for d in rows:
        task = tasks.get(d.task_id)
        items.append((d, services.describe(d, task, task.lead_unit if task else None, task.plan if task else None)))
    return render_template("notifications/index.html", items=items, total=total, page=page, per_page=50)


@bp.post("/notifications/read")
@login_required
def mark_read():
    if not (BaseForm().validate_on_submit()):
        abort(400)
    ids = request.form.getlist("id", type=int)
    services.mark_read(current_user, ids or None, clock.now())
    db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.get("/notifications/<delivery_id>/open")
@login_required
def open_one(delivery_id):
    delivery = get_or_404(Delivery, delivery_id)
    if delivery.recipient_id != current_user.id or delivery.channel is not Channel.INAPP:
        abort(404)
    services.mark_read(current_user, [delivery.id], clock.now())
    db.session.commit()
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
    try:
        count = services.nudge(task, current_user, (form.note.data or "").strip(), clock.now())
    except ValidationFailed as exc:
        db.session.rollback()
        flash(" ".join(exc.errors.values()), "warning")
        return redirect(back)
    db.session.commit()
    flash(f"Đã gửi đôn đốc “{task.title[:80]}” ({count} người nhận).", "success")
    return redirect(back)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm()
    if form.validate_on_submit():
        current_user.email_reminders = bool(form.email_reminders.data)
        db.session.commit()
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
        if attempt(form, lambda: services.save_office_rules(form.rules()))[0]:
            flash("Đã lưu quy tắc nhắc việc chung.", "success")
            return redirect(url_for("notifications.office_rules"))
    elif request.method == "GET":
        form.fill(services.office_rules())
    return render_template("notifications/rules.html", form=form, plan=None)


@bp.route("/plans/<plan_id>/reminders", methods=["GET", "POST"])
@login_required
def plan_rules(plan_id):
    plan = get_or_404(Plan, plan_id)
    require(can_edit_plans(current_user))
    form = RulesForm()
    if form.validate_on_submit():

        def save() -> None:
            plan.reminder_rules = None if form.use_office.data else form.rules().to_json()

        if attempt(form, save)[0]:
            flash("Đã lưu quy tắc nhắc việc của văn bản.", "success")
            return redirect(url_for("plans.detail", plan_id=plan.id))
    elif request.method == "GET":
        form.fill(services.plan_rules(plan))
        form.use_office.data = plan.reminder_rules is None
    return render_template("notifications/rules.html", form=form, plan=plan)


@bp.get("/admin/deliveries")
@login_required
def deliveries():
    require(can_manage_accounts(current_user))
    problems = services.delivery_problems()
    counts = dict(
        db.session.execute(
            select(Delivery.status, func.count()).where(Delivery.status != DeliveryStatus.NONE).group_by(Delivery.status)
        ).all()
    )
    return render_template("notifications/deliveries.html", problems=problems, counts=counts, DeliveryStatus=DeliveryStatus)


@bp.post("/admin/deliveries/<delivery_id>/retry")
@login_required
def retry(delivery_id):
    delivery = get_or_404(Delivery, delivery_id)
    require(can_manage_accounts(current_user))
    if not BaseForm().validate_on_submit():
        abort(400)
    if delivery.status in (DeliveryStatus.FAILED, DeliveryStatus.PENDING):
        count = services.retry(delivery, clock.now())
        db.session.commit()
        flash(f"Sẽ gửi lại ({count} thông báo) ở lượt chạy tới của bộ lập lịch.", "success")
    return redirect(url_for("notifications.deliveries"))
