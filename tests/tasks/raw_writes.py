"""A random walk of writes to ``task`` in raw SQL — inserts, updates (status, dates, confirmation, unit,
parent, and the plan when asked), re-parenting and deletes — for the tests of what the database's triggers
keep (``task_tally``, ``plan_tally``): after each step the kept table must equal a recount."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import delete, insert, select, update

from tracker.extensions import db
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.status import Confirmation, TaskStatus
from tracker.tasks.models import Task


def walk(
    rng: random.Random,
    plans: list[int],
    units: list[int],
    *,
    move_plans: bool = False,
    field_chance: float = 0.5,
    reparent_chance: float = 0.2,
    steps: int = 150,
) -> Iterator[int]:
    """Write, commit and yield the step's number, ``steps`` times (call inside an app context)."""
    days = [None] + [date(2024, 9, 20) + timedelta(days=i) for i in range(20)]
    values: dict[str, list] = {
        "status": list(TaskStatus),
        "deadline_kind": list(DeadlineKind),
        "confirmation": list(Confirmation),
        "effective_due": days,
        "extended_due": days,
        "completed_on": days,
        "lead_unit_id": units,
        **({"plan_id": plans} if move_plans else {}),
    }

    def random_fields() -> dict:
        return {name: rng.choice(choices) for name, choices in values.items() if rng.random() < field_chance}

    for step in range(steps):
        # In id order: an unordered read follows the heap, which earlier (rolled-back) tests left
        # different on PostgreSQL, and the walk would not be the same walk from run to run.
        ids = db.session.scalars(select(Task.id).order_by(Task.id)).all()
        roll = rng.random()
        if roll < 0.35 or len(ids) < 5:
            rows = [
                {
                    "plan_id": rng.choice(plans),
                    "title": f"t{step}.{i}",
                    "lead_unit_id": rng.choice(units),
                    "parent_id": rng.choice([None, *ids]) if ids else None,
                    **random_fields(),
                }
                for i in range(rng.randint(1, 4))
            ]
            db.session.execute(insert(Task), rows)
        elif roll < 0.8:
            chosen = rng.sample(ids, k=rng.randint(1, min(4, len(ids))))
            fields = random_fields() or {"status": rng.choice(values["status"])}
            if rng.random() < reparent_chance:
                # Re-parent under an earlier task (no cycles) or to the top.
                fields["parent_id"] = rng.choice([None, *[i for i in ids if i < min(chosen)]])
            db.session.execute(update(Task).where(Task.id.in_(chosen)).values(**fields))
        else:
            parents = set(db.session.scalars(select(Task.parent_id).where(Task.parent_id.is_not(None))))
            childless = [i for i in ids if i not in parents]
            db.session.execute(delete(Task).where(Task.id.in_(rng.sample(childless, k=min(2, len(childless))))))
        db.session.commit()
        yield step
