"""The roll-up's reads that a partial index of their own serves take it on SQLite (issue 16, item 3):
the flagged leaves (awaiting confirmation, extended) — walking the index on the grouping column for
its order instead read every leaf, /plans and /board spent 2 s on it at a million tasks, for none
flagged — and the completions after the cut-off within a period of deadlines — the index on the written
deadline instead read the period's every leaf, 0,75 s for the dashboard of a year."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, text

from tracker import clock
from tracker.extensions import db
from tracker.tasks.filters import TaskFilter
from tracker.tasks.models import Task
from tracker.tasks.rollup import summarize_by

# The planner's statistics of the shared workload's million (sqlite_stat1 after its ANALYZE, before the
# later indexes): the flagged index, among those, has none.
MILLION = [
    ("ix_task_leaf_done", "886320 3223 1639 82 5 2 2 2 2"),
    ("ix_task_leaf_due", "886320 2469 932 47 2 2 2"),
    ("ix_task_leaf_unit", "886320 44316 14772 74 2 2 2"),
    ("ix_task_open", "700577 2837 1 1 1 1 1"),
    ("ix_task_plan_parent_position", "1000000 5000 9 1"),
    ("ix_task_parent_id", "1000000 9"),
    ("ix_task_lead_unit_due", "1000000 50000 203"),
    ("ix_task_effective_due", "1000000 4049"),
    ("ix_task_assignee_id", "1000000 1000000"),
]


FLAGGED = "extended_due IS NOT NULL)"
LATER = "completed_on >"


def _with_million_statistics(read):
    """``read()`` under the million's planner statistics, forgotten afterwards."""
    db.session.execute(text("ANALYZE"))
    db.session.execute(text("DELETE FROM sqlite_stat1"))
    for index, stat in MILLION:
        db.session.execute(text("INSERT INTO sqlite_stat1 VALUES ('task', :i, :s)"), {"i": index, "s": stat})
    db.session.execute(text("ANALYZE sqlite_schema"))  # read them again
    try:
        return read()
    finally:  # the transaction is rolled back; the connection must forget them too
        db.session.execute(text("DELETE FROM sqlite_stat1"))
        db.session.execute(text("ANALYZE sqlite_schema"))


def _read_plan(key_column, flt: TaskFilter, marker: str, as_of=None) -> str:
    seen: list[tuple[str, object]] = []

    def listen(conn, cursor, statement, parameters, *args):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        summarize_by(key_column, flt, as_of or clock.today())
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    (read,) = [(s, p) for s, p in seen if marker in s and "GROUP BY" in s]
    rows = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + read[0], read[1]).all()
    return " ".join(str(row) for row in rows)


@pytest.mark.parametrize("key", ["plan", "unit", "one plan"])
def test_the_flagged_leaves_are_read_through_their_own_index(app, db_session, key):
    """By plan: /plans. By unit within a year's plans (which task_tally cannot answer): the board. One
    plan's: its page."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL chooses by its statistics")
        if key == "plan":
            plan = _with_million_statistics(lambda: _read_plan(Task.plan_id, TaskFilter(), FLAGGED))
        elif key == "one plan":
            plan = _with_million_statistics(lambda: _read_plan(None, TaskFilter(plan_id=1), FLAGGED))
        else:
            plan = _with_million_statistics(lambda: _read_plan(Task.lead_unit_id, TaskFilter(year=2024), FLAGGED))
    assert "ix_task_leaf_flagged" in plan, plan


def test_the_completions_after_a_cut_off_in_a_period_are_read_through_their_own_index(app, db_session):
    """The dashboard of a year: the tally answers the rest; the completions after the cut-off are read."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL chooses by its statistics")
        year = TaskFilter(due_from=date(2024, 1, 1), due_to=date(2024, 12, 31), leaves_only=True)
        plan = _with_million_statistics(lambda: _read_plan(Task.lead_unit_id, year, LATER, as_of=date(2024, 10, 1)))
    assert "ix_task_leaf_done" in plan, plan
