"""Administrator pages: the working-day calendar (extra days off, make-up working days)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from tracker import clock
from tracker.extensions import db
from tracker.formatting import DateInputError, parse_date
from tracker.forms import BaseForm, VNDateField
from tracker.permissions import can_manage_accounts, require
from tracker.rules.calendar import public_holidays
from tracker.settings.models import CalendarDay, CalendarDayKind
from tracker.settings.services import get_state, remove_calendar_day, set_calendar_day

bp = Blueprint("settings", __name__)


class CalendarDayForm(BaseForm):
    day = VNDateField("Ngày", validators=[DataRequired("Vui lòng nhập ngày (dd/mm/yyyy).")])
    kind = SelectField("Loại", choices=[(k.value, k.label) for k in CalendarDayKind])
    note = StringField("Ghi chú", validators=[Optional(), Length(max=200, message="Tối đa 200 ký tự.")])


class DeleteDayForm(BaseForm):
    day = StringField(validators=[DataRequired()])


@bp.route("/admin/calendar", methods=["GET", "POST"])
@login_required
def calendar():
    require(can_manage_accounts(current_user))
    form = CalendarDayForm()
    if form.validate_on_submit():
        set_calendar_day(form.day.data, CalendarDayKind(form.kind.data), form.note.data or "")
        db.session.commit()
        flash("Đã lưu ngày đặc biệt; thời hạn các nhiệm vụ đã được tính lại.", "success")
        return redirect(url_for("settings.calendar"))
    rows = db.session.scalars(select(CalendarDay).order_by(CalendarDay.day.desc())).all()
    year = clock.today().year
    holidays = sorted(public_holidays(year) | public_holidays(year + 1))
    heartbeat = get_state("scheduler.heartbeat")
    return render_template(
        "admin/calendar.html", form=form, rows=rows, holidays=holidays, heartbeat=heartbeat, delete_form=DeleteDayForm()
    )


@bp.post("/admin/calendar/delete")
@login_required
def calendar_delete():
    require(can_manage_accounts(current_user))
    form = DeleteDayForm()
    if form.validate_on_submit():
        try:
            remove_calendar_day(parse_date(form.day.data))
            db.session.commit()
            flash("Đã xoá ngày đặc biệt.", "success")
        except DateInputError as exc:
            flash(str(exc), "danger")
    return redirect(url_for("settings.calendar"))
