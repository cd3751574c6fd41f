"""Checking and rebuilding ``task_tally`` from the tasks (``flask --app wsgi tally check [--repair]``).

The triggers of migrations 0006 and 0007 keep the tally; this recounts the same figures over ``task`` so that an
operator can prove the dashboard's numbers against the tasks at any time, and rebuild the tally if a
restore, a manual edit with triggers disabled, or a bug ever made them differ.
"""

from __future__ import annotations

from sqlalchemy import and_, case, delete, func, insert, or_, select, text

from tracker.extensions import db
from tracker.rules.status import Confirmation, Standing
from tracker.tasks.conditions import EXTENDED, PENDING
from tracker.tasks.models import PlanTally, TallyKind, Task, TaskTally

# The advisory lock every statement writing tasks takes on PostgreSQL (migration 0006).
WRITERS_LOCK = 20241001

Key = tuple[str, int, str, object, object]


def recount() -> dict[Key, tuple[int, int, int]]:
    """(kind, lead unit, standing, day, due) -> (count, awaiting confirmation, extended), over the tasks."""
    due = db.session.execute(
        select(Task.lead_unit_id, Task.standing, Task.written_due, Task.effective_due, func.count(), PENDING, EXTENDED)
        .where(Task.is_leaf, Task.standing.is_not(None))
        .group_by(Task.lead_unit_id, Task.standing, Task.written_due, Task.effective_due)
    )
    done = db.session.execute(
        select(Task.lead_unit_id, Task.standing, Task.completed_on, func.count())
        .where(Task.is_leaf, Task.standing.in_([Standing.ON_TIME.value, Standing.LATE.value]))
        .group_by(Task.lead_unit_id, Task.standing, Task.completed_on)
    )
    out = {(TallyKind.DUE.value, u, s, d, dd): (int(n), int(p), int(e)) for u, s, d, dd, n, p, e in due}
    out.update({(TallyKind.DONE.value, u, s, d, None): (int(n), 0, 0) for u, s, d, n in done})
    return out


PlanKey = tuple[int, int, str]


def recount_plans() -> dict[PlanKey, tuple[int, int, int, int]]:
    """(plan, lead unit, standing) -> (leaves, top-level tasks, leaves awaiting confirmation, extended
    leaves), over the tasks, cancelled left out: what ``plan_tally`` (migration 0023) holds."""
    counted = {
        "n": Task.is_leaf,
        "roots": Task.parent_id.is_(None),
        "pending": and_(Task.is_leaf, Task.confirmation == Confirmation.PENDING),
        "extended": and_(Task.is_leaf, Task.extended_due.is_not(None)),
    }
    rows = db.session.execute(
        select(Task.plan_id, Task.lead_unit_id, Task.standing, *(func.sum(case((c, 1), else_=0)) for c in counted.values()))
        .where(Task.standing.is_not(None), or_(Task.is_leaf, Task.parent_id.is_(None)))
        .group_by(Task.plan_id, Task.lead_unit_id, Task.standing)
    )
    return {(p, u, s): (int(n), int(r), int(pe), int(e)) for p, u, s, n, r, pe, e in rows}


def differences() -> list[tuple[Key, tuple[int, int, int] | None, tuple[int, int, int] | None]]:
    """Every key where the tally and the recount disagree: (key, in the tally, counted over the tasks).
    A key held in two rows, or a row whose count is not positive, is a difference too."""
    kept: dict[Key, tuple[int, int, int]] = {}
    malformed: set[Key] = set()
    for kind, unit, standing, day, due, n, pending, extended in db.session.execute(
        select(TaskTally.kind, TaskTally.lead_unit_id, TaskTally.standing, TaskTally.day, TaskTally.due).add_columns(
            TaskTally.n, TaskTally.pending, TaskTally.extended
        )
    ):
        key = (kind, unit, standing, day, due)
        if key in kept or n <= 0:
            malformed.add(key)
        before = kept.get(key, (0, 0, 0))
        kept[key] = (before[0] + n, before[1] + pending, before[2] + extended)
    return _disagreeing(kept, recount(), malformed)


def plan_differences() -> list[tuple[PlanKey, tuple[int, int, int, int] | None, tuple[int, int, int, int] | None]]:
    """``differences`` for ``plan_tally`` (the report figures): every (plan, lead unit, standing) where
    it and ``recount_plans`` disagree (its key is unique; a row counting nothing differs from none)."""
    kept = {
        (plan, unit, standing): (n, roots, pending, extended)
        for plan, unit, standing, n, roots, pending, extended in db.session.execute(
            select(PlanTally.plan_id, PlanTally.lead_unit_id, PlanTally.standing).add_columns(
                PlanTally.n, PlanTally.roots, PlanTally.pending, PlanTally.extended
            )
        )
    }
    return _disagreeing(kept, recount_plans())


def _disagreeing(kept: dict, counted: dict, malformed: set | frozenset = frozenset()) -> list[tuple]:
    """(key, kept, counted) for every key the two disagree on (or ``malformed``), in a stable order."""
    keys = sorted(kept.keys() | counted.keys(), key=repr)
    return [(k, kept.get(k), counted.get(k)) for k in keys if k in malformed or kept.get(k) != counted.get(k)]


def rebuild() -> int:
    """Replace the tally (and ``plan_tally``) by a recount, in the caller's transaction; returns the
    tally's number of rows. On
    PostgreSQL it first takes the task writers' lock, so no write slips in between."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"SELECT pg_advisory_xact_lock({WRITERS_LOCK})"))
    counted = recount()
    db.session.execute(delete(TaskTally))
    if counted:
        db.session.execute(
            insert(TaskTally),
            [
                {"kind": k, "lead_unit_id": u, "standing": s, "day": d, "due": dd, "n": n, "pending": p, "extended": e}
                for (k, u, s, d, dd), (n, p, e) in counted.items()
            ],
        )
    plans = recount_plans()
    db.session.execute(delete(PlanTally))
    if plans:
        db.session.execute(
            insert(PlanTally),
            [
                {"plan_id": p, "lead_unit_id": u, "standing": s, "n": n, "roots": r, "pending": pe, "extended": e}
                for (p, u, s), (n, r, pe, e) in plans.items()
            ],
        )
    return len(counted)
