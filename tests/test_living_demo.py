"""The demo lives in today: loaded with the clock pinned to three different dates, its plan of the
current year holds the same figures relative to that date (issue 15 item 6), and the seed plans keep
theirs (41/47 at 15/12/2023)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tracker import clock
from tracker.demo import LIVING, LIVING_NUMBER
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.rules.status import Box, Confirmation, is_due_soon
from tracker.settings.queries import load_calendar
from tracker.tasks.models import ExtensionRequest, ExtensionState, Task, TaskEvent
from tracker.tasks.queries import TaskFilter, summarize

# A Monday in mid-year, the first week of a year (the plan was issued the year before), a Friday.
DATES = [datetime(2025, 6, 2, 8, 30), datetime(2026, 1, 8, 8, 30), datetime(2027, 9, 17, 16, 0)]
PARTS = sum(len(parts) for _, _, parts in LIVING)


@pytest.fixture(params=DATES, ids=lambda d: d.date().isoformat())
def loaded(request, runner, app):
    clock.freeze(request.param)
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    return request.param.date()


def living_plan() -> Plan:
    return db.session.scalars(select(Plan).where(Plan.number == LIVING_NUMBER)).one()


def test_the_plan_is_of_the_current_year_and_issued_before_today(app, loaded):
    with app.app_context():
        plan = living_plan()
        assert plan.year == loaded.year
        assert plan.issued_on == loaded - timedelta(days=70)
        assert plan.created_at.astimezone(clock.timezone_info()).date() == plan.issued_on  # back-dated


def test_the_figures_relative_to_the_day_it_was_loaded(app, loaded):
    with app.app_context():
        plan = living_plan()
        counts = summarize(TaskFilter(plan_id=plan.id, leaves_only=True), loaded)
        assert counts.total == PARTS == 21
        # done: 4 on time last month, 1 early this week, 2 reported done awaiting confirmation (on time)
        assert counts[Box.DONE_ON_TIME] == 4 + 1 + 2
        assert counts[Box.DONE_LATE] == 2
        assert counts[Box.OPEN_OVERDUE] == 3
        # open in time: 3 this week, 4 next month, the pending extension, the approved one
        assert counts[Box.OPEN_IN_TIME] == 3 + 4 + 1 + 1
        assert counts.awaiting_confirmation == 2
        assert counts.extended == 1


def test_deadlines_sit_around_today(app, loaded):
    last_month = (loaded.replace(day=1) - timedelta(days=1)).replace(day=1)
    next_month = (loaded.replace(day=28) + timedelta(days=4)).replace(day=1)
    with app.app_context():
        calendar = load_calendar()
        plan = living_plan()
        leaves = [t for t in db.session.scalars(select(Task).where(Task.plan_id == plan.id)) if not t.children]
        overdue = [t for t in leaves if t.status.value != "done" and t.effective_due < loaded]
        assert sorted(calendar.working_days_between(t.effective_due, loaded) for t in overdue) == [2, 4, 7]
        done_last_month = [t for t in leaves if t.completed_on and t.due_date.replace(day=1) == last_month]
        assert len(done_last_month) == 6
        assert sum(1 for t in done_last_month if t.completed_on > t.effective_due) == 2
        soon = [t for t in leaves if is_due_soon(t.facts, loaded, calendar, 3)]
        assert len(soon) >= 3
        assert sum(1 for t in leaves if t.due_date >= next_month) >= 4
        # Nothing is recorded after the moment it was loaded, nor before the plan was issued.
        times = db.session.scalars(
            select(TaskEvent.at).join(Task, Task.id == TaskEvent.task_id).where(Task.plan_id == plan.id)
        ).all()
        local = [t.astimezone(clock.timezone_info()) for t in times]
        assert max(local).date() <= loaded and min(local).date() == plan.issued_on
        assert len({t.date() for t in local}) > 10  # spread over the weeks, not all at once


def test_waiting_for_confirmation_and_extension(app, loaded):
    with app.app_context():
        plan = living_plan()
        pending = db.session.scalar(
            select(func.count()).select_from(Task).where(Task.plan_id == plan.id, Task.confirmation == Confirmation.PENDING)
        )
        assert pending == 2
        states = db.session.scalars(
            select(ExtensionRequest.state).join(Task, Task.id == ExtensionRequest.task_id).where(Task.plan_id == plan.id)
        ).all()
        assert sorted(states) == sorted([ExtensionState.PENDING, ExtensionState.APPROVED])


def test_the_seed_plans_keep_their_figures(app, loaded):
    with app.app_context():
        cchc = db.session.scalars(select(Plan).where(Plan.number == "01/KH.CCHC-STTTT")).one()
        counts = summarize(TaskFilter(plan_id=cchc.id, leaves_only=True), date(2023, 12, 15))
        assert counts[Box.DONE_ON_TIME] == 36 and counts[Box.DONE_LATE] == 5 and counts.total == 47
