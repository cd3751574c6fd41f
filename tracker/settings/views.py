"""Administrator pages: the working-day calendar (extra days off, make-up working days)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from tracker import clock
from tracker.extensions import db
from tracker.formatting import DateInputError, parse_date
from tracker.forms import attempt
from tracker.permissions import can_manage_accounts, require
from tracker.rules.calendar import public_holidays
from tracker.settings.forms import BackdateForm, CalendarDayForm, DeleteDayForm, ShiftForm
from tracker.settings.models import CalendarDayKind
from tracker.settings.operations import remove_calendar_day, set_backdate_working_days, set_calendar_day, set_shift_deadlines
from tracker.settings.queries import BACKDATE_KEY, backdate_working_days, calendar_days, shift_deadlines
from tracker.settings.state import get_state

bp = Blueprint("settings", __name__)


@bp.route("/admin/calendar", methods=["GET", "POST"])
@login_required
def calendar():
    require(can_manage_accounts(current_user))
    form = CalendarDayForm()
    if form.validate_on_submit():
        set_calendar_day(form.day.data, CalendarDayKind(form.kind.data), form.note.data or "", current_user)
        db.session.commit()
        flash("Đã lưu ngày đặc biệt; thời hạn các nhiệm vụ đã được tính lại.", "success")
        return redirect(url_for("settings.calendar"))
    return _calendar_page(form)


def _calendar_page(form: CalendarDayForm, backdate_form: BackdateForm | None = None, status: int = 200):
    rows = calendar_days()
    year = clock.today().year
    holidays = sorted(public_holidays(year) | public_holidays(year + 1))
    heartbeat = get_state("scheduler.heartbeat")
    shift_form = ShiftForm(prefix="s")
    shift_form.shift.data = shift_deadlines()
    backdate_form = backdate_form or BackdateForm(prefix="b", data={"days": backdate_working_days()})
    return render_template(
        "settings/calendar.html",
        form=form,
        rows=rows,
        holidays=holidays,
        heartbeat=heartbeat,
        delete_form=DeleteDayForm(),
        shift_form=shift_form,
        backdate_form=backdate_form,
        backdate_state=get_state(BACKDATE_KEY),
    ), status


@bp.post("/admin/calendar/shift")
@login_required
def calendar_shift():
    require(can_manage_accounts(current_user))
    form = ShiftForm(prefix="s")
    if form.validate_on_submit():
        moved = set_shift_deadlines(bool(form.shift.data), current_user)
        db.session.commit()
        flash(f"Đã lưu; {moved} thời hạn được tính lại.", "success")
    return redirect(url_for("settings.calendar"))


@bp.post("/admin/calendar/delete")
@login_required
def calendar_delete():
    require(can_manage_accounts(current_user))
    form = DeleteDayForm()
    if form.validate_on_submit():
        try:
            remove_calendar_day(parse_date(form.day.data), current_user)
            db.session.commit()
            flash("Đã xoá ngày đặc biệt.", "success")
        except DateInputError as exc:
            flash(str(exc), "danger")
    return redirect(url_for("settings.calendar"))


@bp.post("/admin/calendar/backdate")
@login_required
def calendar_backdate():
    require(can_manage_accounts(current_user))
    form = BackdateForm(prefix="b")
    if form.validate_on_submit() and attempt(form, lambda: set_backdate_working_days(form.days.data, current_user))[0]:
        flash(f"Đã lưu: trưởng đơn vị được ghi ngày hoàn thành lùi tối đa {form.days.data} ngày làm việc.", "success")
        return redirect(url_for("settings.calendar"))
    return _calendar_page(CalendarDayForm(formdata=None), form, 422)
