"""The director's dashboard and the office's board. Thin: parse the filters, call queries, render."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, render_template
from flask_login import current_user, login_required

from tracker import clock
from tracker.args import as_of_arg, int_arg, period_arg
from tracker.dashboard import queries as q
from tracker.formatting import fmt_date
from tracker.indicators.queries import dashboard_figures as indicator_figures
from tracker.notifications.queries import nudge_options
from tracker.permissions import can_decide_extension, can_edit_plans, require
from tracker.rules.periods import PeriodKind, Scheme
from tracker.rules.rollup import Counts
from tracker.settings.queries import load_calendar
from tracker.tasks.filters import TaskFilter
from tracker.tasks.models import Task
from tracker.tasks.queries import plan_options, unit_options
from tracker.tasks.rollup import summarize_by

bp = Blueprint("dashboard", __name__)


def scope_from_request() -> q.Scope:
    as_of = as_of_arg()
    scope = q.Scope(as_of=as_of, plan_id=int_arg("plan"), unit_id=int_arg("unit"), period=period_arg(as_of))
    if scope.period and as_of < scope.period.start:
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


def _due_soon(scope: q.Scope, per_page: int) -> dict:
    listing, horizon = q.due_soon(scope, load_calendar(), current_app.config["DUE_SOON_WORKING_DAYS"], per_page)
    return {
        "soon": listing.rows,
        "soon_total": listing.total,
        "horizon": horizon,
        "soon_days": current_app.config["DUE_SOON_WORKING_DAYS"],
    }


@bp.get("/dashboard")
@login_required
def director():
    scope = scope_from_request()
    counts, rows = q.unit_rows(scope)
    ranks = q.rankings(rows, scope.counted_at)
    points = q.trend(scope)
    # Đề nghị gia hạn chờ duyệt, decided from the list (issue 10, item 7).
    extensions = q.pending_extension_requests(scope) if can_decide_extension(current_user) else []
    return render_template(
        "dashboard/director.html",
        extensions=extensions,
        indicators=indicator_figures(scope.counted_at),
        scope=scope,
        counts=counts,
        changes=q.period_changes(scope, counts),
        overdue_rows=ranks.overdue,
        ranked=ranks.by_rate,
        chart=q.chart_geometry(points),
        points=points,
        **_due_soon(scope, 15),
        **_filter_choices(),
    )


@bp.get("/board")
@login_required
def office():
    require(can_edit_plans(current_user))
    scope = scope_from_request()
    chase = q.overdue(scope, 20)
    confirm = q.awaiting_confirmation(scope, 20)
    unread = q.unread_deadlines(scope, 20)
    since = q.reporting_since(scope)
    return render_template(
        "dashboard/office.html",
        scope=scope,
        active_plans=q.active_plans(),
        plan_counts=summarize_by(Task.plan_id, TaskFilter(unit_id=scope.unit_id), scope.counted_at),
        empty=Counts(),
        chase=chase.rows,
        chase_total=chase.total,
        nudges=nudge_options([t for t, _ in chase.rows], clock.now()),
        confirm=confirm.rows,
        confirm_total=confirm.total,
        extensions=q.pending_extension_requests(scope),
        silent=q.silent_units(scope, since),
        since=since,
        unread_deadlines=unread.rows,
        unread_deadlines_total=unread.total,
        **_due_soon(scope, 20),
        **_filter_choices(),
    )
