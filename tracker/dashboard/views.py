"""The director's dashboard and the office's board. Thin: parse the filters, call queries, render."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker import clock
from tracker.dashboard import queries as q
from tracker.extensions import db
from tracker.formatting import fmt_date
from tracker.indicators.queries import dashboard_figures as indicator_figures
from tracker.notifications.services import nudge_options
from tracker.permissions import can_decide_extension, can_edit_plans, require
from tracker.plans.models import Plan
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.periods import PeriodKind, Scheme, period
from tracker.rules.rollup import Counts
from tracker.rules.status import Box, Confirmation, TaskStatus
from tracker.settings.services import load_calendar
from tracker.tasks.models import Task
from tracker.tasks.queries import TaskFilter, summarize_by, task_list
from tracker.tasks.views import as_of_arg, plan_options, unit_options

bp = Blueprint("dashboard", __name__)


def scope_from_request() -> q.Scope:
    as_of = as_of_arg()
    scope = q.Scope(
        as_of=as_of, plan_id=request.args.get("plan", type=int) or None, unit_id=request.args.get("unit", type=int) or None
    )
    kind = request.args.get("period", "")
    if kind:
        try:
            scheme = Scheme(request.args.get("scheme", Scheme.CALENDAR.value))
            year = request.args.get("year", type=int) or as_of.year
            scope.period = period(PeriodKind(kind), year, request.args.get("index", 1, type=int) or 1, scheme)
        except ValueError:
            flash("Kỳ báo cáo không hợp lệ, đang hiển thị số liệu không theo kỳ.", "warning")
        else:
            if as_of < scope.period.start:
                flash(
                    f"Ngày tính đến {fmt_date(as_of)} ở trước kỳ đã chọn: số liệu được tính tại ngày cuối kỳ "
                    f"{fmt_date(scope.counted_at)}.",
                    "warning",
                )
    return scope


def _filter_choices() -> dict:
    return {
        "plans": plan_options(),
        "units": unit_options(),
        "kinds": list(PeriodKind),
        "schemes": list(Scheme),
    }


@bp.get("/dashboard")
@login_required
def director():
    scope = scope_from_request()
    counts, rows = q.unit_rows(scope)
    at = scope.counted_at
    overdue_rows = sorted(
        (r for r in rows if r.counts[Box.OPEN_OVERDUE]),
        key=lambda r: (-r.counts[Box.OPEN_OVERDUE], r.counts.oldest_overdue or at),
    )
    ranked = sorted((r for r in rows if r.counts.rate_on_time is not None), key=lambda r: (-r.counts.rate_on_time, r.unit.name))
    calendar = load_calendar()
    horizon = calendar.add_working_days(at, 7)
    soon, soon_total = task_list(
        scope.task_filter(box=Box.OPEN_IN_TIME, extra=[Task.effective_due <= horizon]), at, sort="due", per_page=15
    )
    points = q.trend(scope)
    # Đề nghị gia hạn chờ duyệt, decided from the list (issue 10, item 7).
    extensions = q.pending_extension_requests(scope) if can_decide_extension(current_user) else []
    return render_template(
        "dashboard/director.html",
        extensions=extensions,
        indicators=indicator_figures(at),
        scope=scope,
        counts=counts,
        overdue_rows=overdue_rows,
        ranked=ranked,
        soon=soon,
        soon_total=soon_total,
        horizon=horizon,
        chart=q.chart_geometry(points),
        points=points,
        **_filter_choices(),
    )


@bp.get("/board")
@login_required
def office():
    require(can_edit_plans(current_user))
    scope = scope_from_request()
    at = scope.counted_at
    active_plans = db.session.scalars(select(Plan).where(Plan.status != "closed").order_by(Plan.year.desc(), Plan.number)).all()
    plan_counts = summarize_by(Task.plan_id, TaskFilter(unit_id=scope.unit_id), at)
    chase, chase_total = task_list(scope.task_filter(box=Box.OPEN_OVERDUE), at, sort="due", per_page=20)
    horizon = load_calendar().add_working_days(at, current_app.config["DUE_SOON_WORKING_DAYS"])
    soon, soon_total = task_list(
        scope.task_filter(box=Box.OPEN_IN_TIME, extra=[Task.effective_due <= horizon]), at, sort="due", per_page=20
    )
    confirm, confirm_total = task_list(
        TaskFilter(plan_id=scope.plan_id, unit_id=scope.unit_id, extra=[Task.confirmation == Confirmation.PENDING]),
        at,
        sort="updated",
        per_page=20,
    )
    extensions = q.pending_extension_requests(scope)
    since = scope.period.start if scope.period else at.replace(day=1)
    silent = q.silent_units(scope, since)
    # Deadlines the parser could not read stay here until someone fixes them (issue 10).
    unread_deadlines, unread_deadlines_total = task_list(
        TaskFilter(
            plan_id=scope.plan_id,
            unit_id=scope.unit_id,
            extra=[Task.deadline_kind == DeadlineKind.UNDETERMINED, Task.status != TaskStatus.CANCELLED],
        ),
        at,
        sort="plan",
        per_page=20,
    )
    return render_template(
        "dashboard/office.html",
        scope=scope,
        active_plans=active_plans,
        plan_counts=plan_counts,
        empty=Counts(),
        chase=chase,
        chase_total=chase_total,
        nudges=nudge_options([t for t, _ in chase], clock.now()),
        soon=soon,
        soon_total=soon_total,
        horizon=horizon,
        confirm=confirm,
        confirm_total=confirm_total,
        extensions=extensions,
        silent=silent,
        since=since,
        unread_deadlines=unread_deadlines,
        unread_deadlines_total=unread_deadlines_total,
        **_filter_choices(),
    )
