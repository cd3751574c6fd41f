"""The month-by-month trend: counted from task_tally for the whole Sở or a unit, from the tasks for a
plan; both equal counting the tasks one by one in Python."""

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import undefer

from tracker.dashboard.queries import Scope, trend
from tracker.extensions import db
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.status import Confirmation, Standing, TaskStatus, standing
from tracker.tasks.models import Task


def expected(tasks: list[Task], year: int, at: date, unit_id: int | None = None) -> list[tuple[int, int, int]]:
    months = [[0, 0, 0] for _ in range(12)]
    for t in tasks:
        if not t.is_leaf or (unit_id and t.lead_unit_id != unit_id):
            continue
        s = standing(t.facts)
        if s is None:
            continue
        if t.effective_due and t.effective_due.year == year:
            months[t.effective_due.month - 1][2] += 1
        if s in (Standing.ON_TIME, Standing.LATE) and t.completed_on.year == year and t.completed_on <= at:
            months[t.completed_on.month - 1][0 if s is Standing.ON_TIME else 1] += 1
    return [tuple(m) for m in months]


def test_trend_from_the_tally_and_from_the_tasks_match_a_hand_count(app, factory):
    units = [factory.unit(), factory.unit()]
    plan = factory.plan()
    rng = random.Random(7)
    at = date(2024, 10, 1)
    with app.app_context():
        for i in range(120):
            due = date(2024, 1, 1) + timedelta(days=rng.randint(-40, 400))
            done = due + timedelta(days=rng.randint(-20, 20)) if rng.random() < 0.6 else None
            db.session.add(
                Task(
                    plan_id=plan,
                    title=f"t{i}",
                    lead_unit_id=rng.choice(units),
                    deadline_kind=rng.choice([DeadlineKind.FIXED] * 4 + [DeadlineKind.ONGOING]),
                    due_date=due,
                    effective_due=due,
                    status=TaskStatus.DONE if done else rng.choice([TaskStatus.IN_PROGRESS, TaskStatus.CANCELLED]),
                    completed_on=done,
                    confirmation=rng.choice([Confirmation.NONE, Confirmation.RETURNED]) if done else Confirmation.NONE,
                )
            )
        db.session.commit()
        # A parent is counted through its children only.
        first = db.session.scalars(select(Task).where(Task.plan_id == plan).limit(1)).one()
        db.session.add(Task(plan_id=plan, parent_id=first.id, title="con", lead_unit_id=units[0]))
        db.session.commit()
        db.session.expire_all()
        tasks = db.session.scalars(select(Task).where(Task.plan_id == plan).options(undefer(Task.is_leaf))).all()
        whole = [(p.on_time, p.late, p.due) for p in trend(Scope(as_of=at))]
        assert whole == expected(tasks, 2024, at)
        assert sum(m[0] + m[1] for m in whole) > 10 and sum(m[2] for m in whole) > 50
        # With a plan (read from the tasks) the same figures; a unit alone, its share.
        assert [(p.on_time, p.late, p.due) for p in trend(Scope(as_of=at, plan_id=plan))] == whole
        for unit in units:
            mine = [(p.on_time, p.late, p.due) for p in trend(Scope(as_of=at, unit_id=unit))]
            assert mine == expected(tasks, 2024, at, unit) != whole
            assert [(p.on_time, p.late, p.due) for p in trend(Scope(as_of=at, unit_id=unit, plan_id=plan))] == mine
