"""The SQL twin of the classification (``box_condition``, ``completed_condition``) against ``classify``,
on every combination, in an in-memory SQLite database: no app, no file, a few hundred milliseconds, so
mutation testing can run it with the pure rules (``make mutation``).

Only the ``task`` table is created, without the migrations' triggers: ``standing`` and ``is_leaf`` are
written here from their Python twin (``rules.status.standing``); tests/tasks/test_tally.py and
tests/tasks/test_queries.py check the triggers against that twin on the real schema.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import create_engine, insert, select

from tests.conftest import FROZEN_NOW
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.status import Box, Confirmation, TaskFacts, TaskStatus, classify, standing
from tracker.tasks.models import Task
from tracker.tasks.queries import box_condition, completed_condition

TODAY = FROZEN_NOW.date()  # box_condition drops the "completed later" term from today on
DUE = date(2024, 9, 20)
DAYS = [None, DUE - timedelta(days=3), DUE, DUE + timedelta(days=1), TODAY - timedelta(days=1), TODAY]
AS_OF = sorted({DUE - timedelta(days=4), DUE - timedelta(days=1), DUE, DUE + timedelta(days=1), TODAY - timedelta(days=1), TODAY})
AS_OF += [TODAY + timedelta(days=30)]  # a date after today: no completion can lie beyond it
STAMP = datetime(2024, 10, 1, 2, 0, tzinfo=UTC)
DONE_BOXES = {Box.DONE_ON_TIME, Box.DONE_LATE, Box.NO_DEADLINE_DONE}


def _combinations() -> list[TaskFacts]:
    return [
        TaskFacts(status=status, deadline_kind=kind, due=due, completed_on=completed_on, confirmation=confirmation)
        for status, kind, due, completed_on, confirmation in itertools.product(
            list(TaskStatus), list(DeadlineKind), [None, DUE], DAYS, list(Confirmation)
        )
    ]


@pytest.fixture(scope="module")
def database():
    engine = create_engine("sqlite://")
    Task.__table__.create(engine)
    combos = _combinations()
    rows = [
        {
            "id": i + 1,
            "plan_id": 1,
            "title": f"t{i}",
            "lead_unit_id": 1,
            "status": f.status,
            "deadline_kind": f.deadline_kind,
            "effective_due": f.due,
            "due_date": f.due,
            "completed_on": f.completed_on,
            "confirmation": f.confirmation,
            # An extended deadline on every other task: the boxes read the deadline in force only.
            "extended_due": f.due if i % 2 else None,
            "standing": s.value if (s := standing(f)) else None,
            "is_leaf": True,
            "created_at": STAMP,
            "updated_at": STAMP,
        }
        for i, f in enumerate(combos)
    ]
    # Only the task table exists: the plan, unit and user it references are not part of this check (the
    # one in-memory connection is kept by the pool, outside any transaction, so the pragma holds).
    raw = engine.raw_connection()
    raw.cursor().execute("PRAGMA foreign_keys=OFF")
    raw.close()
    with engine.begin() as conn:
        conn.execute(insert(Task.__table__), rows)
    yield engine, dict(enumerate(combos, start=1))
    engine.dispose()


def _ids(engine, condition) -> set[int]:
    with engine.connect() as conn:
        return set(conn.scalars(select(Task.id).where(condition)))


@pytest.mark.parametrize("as_of", AS_OF, ids=str)
def test_each_box_in_sql_is_the_box_classify_gives(database, as_of):
    engine, facts = database
    assert len(facts) == 960  # 5 statuses × 4 kinds × 2 deadlines × 6 completion days × 4 confirmations
    for box in Box:
        expected = {i for i, f in facts.items() if classify(f, as_of) is box}
        assert _ids(engine, box_condition(box, as_of)) == expected, (box, as_of)


@pytest.mark.parametrize("as_of", AS_OF, ids=str)
def test_completed_in_sql_is_done_by_classify(database, as_of):
    engine, facts = database
    expected = {i for i, f in facts.items() if classify(f, as_of) in DONE_BOXES}
    assert _ids(engine, completed_condition(as_of)) == expected


def test_every_box_is_met_on_some_day(database):
    """The combinations are rich enough for each box to be non-empty at some date (or the test above
    would pass on empty sets)."""
    engine, facts = database
    for box in Box:
        assert any(_ids(engine, box_condition(box, day)) for day in AS_OF), box


def test_an_unknown_box_is_refused():
    with pytest.raises(ValueError):
        box_condition("no_such_box", TODAY)  # type: ignore[arg-type]
