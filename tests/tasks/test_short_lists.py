"""A short list in deadline order (issue 16, item 3): on SQLite its rows are read through its own
filter's index and sorted (``tasks.queries.FEW_SORTS``), not found along the whole deadline index —
"Việc của tôi" of văn phòng took 2,7 s at a million tasks — and the order is the same either way."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from tracker import clock
from tracker.extensions import db
from tracker.tasks import queries
from tracker.tasks.filters import TaskFilter
from tracker.tasks.models import Task
from tracker.tasks.queries import list_statement, task_list

DEADLINES = ["30/06/2024", "30/06/2024", "Quý III/2024", "Thường xuyên", "15/01/2024", "Thường xuyên", "31/12/2024", "15/01/2024"]


@pytest.fixture
def listed(app, factory):
    unit = factory.unit()
    plan = factory.plan()
    return plan, [factory.task(plan, unit, deadline) for deadline in DEADLINES]


@pytest.mark.parametrize("sort", ["due", "-due"])
def test_a_short_list_has_the_same_order_sorted_as_walked(app, listed, monkeypatch, sort):
    plan, ids = listed
    flt = TaskFilter(plan_id=plan)
    with app.app_context():
        dues = {t.id: t.effective_due for t in db.session.query(Task).filter(Task.id.in_(ids))}
        sorted_rows = [row.id for row, _ in task_list(flt, clock.today(), sort=sort, per_page=100)[0]]
        monkeypatch.setattr(queries, "FEW", -1)  # every list walks the index
        walked = [row.id for row, _ in task_list(flt, clock.today(), sort=sort, per_page=100)[0]]
    assert sorted_rows == walked and len(walked) == len(DEADLINES)
    dated = [i for i in walked if dues[i] is not None]
    assert walked[len(dated) :] == sorted(i for i in ids if dues[i] is None)  # undated last, by id
    assert [dues[i] for i in dated] == sorted((dues[i] for i in dated), reverse=sort == "-due")


def _plan_of(flt: TaskFilter, total: int | None) -> str:
    stmt = list_statement(flt, clock.today(), "due", 1, 50, total=total)
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    return " ".join(str(row) for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))


def test_a_short_list_does_not_walk_the_deadline_index_on_sqlite(app, db_session):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL chooses by its statistics (50 ms there at the million)")
        flt = TaskFilter(assignee_id=1)  # what "Việc của tôi" lists first
        # The planner's statistics of the shared workload's million (most tasks have no assignee: one
        # value for all), which made SQLite walk the deadline index there.
        db.session.execute(text("ANALYZE"))
        db.session.execute(text("DELETE FROM sqlite_stat1"))
        db.session.execute(text("INSERT INTO sqlite_stat1 VALUES ('task', 'ix_task_assignee_id', '1000000 1000000')"))
        db.session.execute(text("ANALYZE sqlite_schema"))  # read them again
        try:
            assert re.search(r"\bix_task_due_order\b", _plan_of(flt, None))  # size unknown: along the index
            assert not re.search(r"\bix_task_due_order\b", _plan_of(flt, 3))
        finally:  # the transaction is rolled back; the connection must forget them too
            db.session.execute(text("DELETE FROM sqlite_stat1"))
            db.session.execute(text("ANALYZE sqlite_schema"))


def test_an_empty_list_reads_no_page(app, db_session):
    from sqlalchemy import event

    seen: list[str] = []
    with app.app_context():
        listen = lambda conn, cursor, statement, *args: seen.append(statement)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            assert task_list(TaskFilter(assignee_id=999_999), clock.today()) == ([], 0)
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
    reads = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1 and "count(" in reads[0].lower(), reads  # the count alone
