"""A year report counts the year's plans and nothing else, in every read — also the reads that take the
year's plans apart from their index (``TaskFilter.year_apart``: the overdue ranges, the later
completions, the extensions list): another year's overdue, late-completed and extended tasks change
none of its figures."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, update

from tracker.extensions import db
from tracker.reports.models import ReportScope
from tracker.reports.queries import ReportSpec, build_snapshot
from tracker.rules.status import TaskStatus
from tracker.tasks.models import Task

CUT_OFF = date(2024, 6, 30)


def _plan_of_year(factory, unit: int, year: int) -> tuple[int, list[int]]:
    plan = factory.plan(year=year)
    ids = [factory.task(plan, unit, f"{day:02d}/03/{year}") for day in (5, 10, 15, 20)]
    return plan, ids


def _figures(spec: ReportSpec) -> dict:
    snap = build_snapshot(spec)
    keys = (
        "totals",
        "in_period",
        "plans",
        "units",
        "overdue",
        "overdue_total",
        "extensions",
        "extensions_total",
        "undated_total",
    )
    return {key: snap[key] for key in keys}


def test_another_year_s_tasks_change_no_figure_of_the_year_report(app, factory):
    unit = factory.unit()
    _, this_year = _plan_of_year(factory, unit, 2024)
    other, other_year = _plan_of_year(factory, unit, 2023)
    with app.app_context():
        for ids in (this_year, other_year):
            # One done late after the cut-off (a later completion), one extended, two open and overdue.
            db.session.execute(
                update(Task).where(Task.id == ids[0]).values(status=TaskStatus.DONE, progress=100, completed_on=date(2024, 8, 1))
            )
            extended = date(2024, 9, 30)
            db.session.execute(update(Task).where(Task.id == ids[1]).values(extended_due=extended, effective_due=extended))
        db.session.commit()
        spec = ReportSpec(ReportScope.YEAR, CUT_OFF, year=2024)
        with_other = _figures(spec)
        assert with_other["totals"]["total"] == 4
        assert (with_other["overdue_total"], with_other["extensions_total"]) == (3, 1)  # the year's own
        db.session.execute(delete(Task).where(Task.plan_id == other))
        db.session.commit()
        assert _figures(spec) == with_other


@pytest.mark.parametrize("scope", [ReportScope.YEAR, ReportScope.PLAN])
def test_the_lists_hold_as_many_tasks_as_their_figures_count(app, factory, scope):
    """The overdue and undated lists take their counts from the figures (``build_snapshot`` reads them
    once): each list holds exactly the tasks its figure counts — sub-tasks through their parents, an
    undated task done after the cut-off among the open ones, another year's plan nowhere."""
    unit, other_unit = factory.unit(), factory.unit()
    plan, ids = _plan_of_year(factory, unit, 2024)
    parent = factory.task(plan, unit, "10/03/2024", title="Có việc con")
    for day in (12, 14):
        factory.task(plan, other_unit, f"{day:02d}/03/2024", parent_id=parent)
    undated = [factory.task(plan, unit, "Thường xuyên") for _ in range(3)]
    _plan_of_year(factory, unit, 2023)
    factory.task(plan, unit, "31/12/2024")  # in time: in neither list
    with app.app_context():
        for task_id, done_on in ((ids[0], date(2024, 3, 1)), (undated[0], date(2024, 5, 1)), (undated[1], date(2024, 8, 1))):
            values = {"status": TaskStatus.DONE, "progress": 100, "completed_on": done_on}
            db.session.execute(update(Task).where(Task.id == task_id).values(**values))
        db.session.commit()
        spec = ReportSpec(scope, CUT_OFF, year=2024, plan_id=plan)
        snap = build_snapshot(spec)
    totals = snap["totals"]
    assert snap["overdue_total"] == len(snap["overdue"]) == totals["open_overdue"] == 5  # 3 of 4, 2 sub-tasks
    assert snap["undated_total"] == len(snap["undated"]) == totals["no_deadline_done"] + totals["no_deadline_open"] == 3
    assert [line["box"] for line in snap["undated"]].count("no_deadline_done") == 1
