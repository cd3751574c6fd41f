"""``task_list`` (the task list pages and ``GET /api/v1/tasks``) builds its filter's conditions once per
request, for the count and the page alike (``list_statement(..., conditions=…)``), and the page is the same
as the statement building them itself (its other callers, e.g. tests/test_migrations.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from tracker.extensions import db
from tracker.rules.status import Box
from tracker.tasks.filters import TaskFilter
from tracker.tasks.queries import list_statement, task_list

AS_OF = date(2024, 10, 1)


@dataclass
class CountingFilter(TaskFilter):
    """The real filter, noting each time its conditions are built."""

    built: list = field(default_factory=list)

    def conditions(self, as_of: date) -> list:
        self.built.append(as_of)
        return super().conditions(as_of)


@pytest.fixture
def tasks(factory):
    unit = factory.unit()
    plan = factory.plan()
    parent = factory.task(plan, unit, deadline="31/12/2024")
    factory.task(plan, unit, parent_id=parent, deadline="30/09/2024")
    factory.task(plan, unit, deadline="31/12/2024")
    factory.task(plan, unit, deadline="Trong năm")
    return {"plan": plan, "unit": unit}


@pytest.mark.parametrize(
    "kw",
    [{}, {"box": Box.OPEN_OVERDUE}, {"boxes": (Box.OPEN_IN_TIME, Box.NO_DEADLINE_OPEN)}, {"leaves_only": True}],
    ids=["all", "box", "boxes", "leaves"],
)
def test_conditions_are_built_once_and_list_the_same_tasks(app, tasks, kw):
    with app.app_context():
        flt = CountingFilter(plan_id=tasks["plan"], **kw)
        rows, total = task_list(flt, AS_OF, sort="due", page=1, per_page=50)
        assert flt.built == [AS_OF]
        built_here = db.session.execute(list_statement(TaskFilter(plan_id=tasks["plan"], **kw), AS_OF, "due", 1, 50))
        assert [t.id for t, _ in rows] == [row.id for row in built_here]
        assert total == len(rows) and total > 0
