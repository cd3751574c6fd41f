"""The roll-up reads: the four boxes (and what awaits confirmation, what was extended) of a scope,
grouped by a column, in a fixed number of grouped queries whatever the number of tasks.

Counting happens in the database (GROUP BY), never in a Python loop over rows, and only over leaves: a
task with sub-tasks is counted through them, never twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, literal_column, select

from tracker.extensions import db
from tracker.rules.rollup import Counts, LaterCompletion, StandingRow, counts_at
from tracker.rules.status import Standing
from tracker.tasks.conditions import COMPLETED, EXTENDED, FLAGGED, PENDING, leaf, standing_among, standing_is
from tracker.tasks.filters import TaskFilter
from tracker.tasks.models import PlanTally, TallyKind, Task, TaskTally


def summarize(flt: TaskFilter, as_of: date) -> Counts:
    """The roll-up for one scope at ``as_of``: leaves only, cancelled left out."""
    return summarize_by(None, flt, as_of).get(None, Counts())


def summarize_by(key_column, flt: TaskFilter, as_of: date) -> dict:
    """The roll-up grouped by a column (``Task.plan_id``, ``Task.lead_unit_id``; ``None``: no grouping).

    A fixed number of grouped reads whatever the number of tasks: leaves by standing, with how many
    await confirmation or were extended; the open ones whose deadline is before ``as_of`` (count,
    earliest deadline); and the completions dated after ``as_of`` (for today none).
    ``rules.rollup.counts_at`` makes the boxes of them. No CASE is evaluated per row: the stored
    standing carries what does not change with the date. The first two come from ``task_tally`` (a few
    thousand rows) when it can answer the filter — by lead unit or none, a deadline range — and
    otherwise from the leaf indexes of ``task``.
    """
    tally = flt.tally_conditions() if key_column is None or key_column is Task.lead_unit_id else None
    if tally is not None:
        standing_rows, past_due = _tally_reads(key_column is not None, tally, as_of)
    else:
        standing_rows, past_due = _task_reads(key_column, flt, as_of)
    return _combined(key_column, flt, as_of, standing_rows, past_due)


def summarize_plans(plan_ids: list[int], flt: TaskFilter, as_of: date) -> tuple[dict, dict]:
    """``summarize_by`` by ``Task.plan_id`` and by ``Task.lead_unit_id`` (a report's two tables) for a
    filter whose leaves are exactly those of ``plan_ids`` (a report's scope). The leaves by standing,
    with how many await confirmation or were extended, come from ``plan_tally`` (a few rows per plan and
    unit) instead of every leaf; the open ones past due and the later completions are ranges of their
    indexes as in ``summarize_by``, each read once by plan and unit together and summed for each table.
    ``flt`` must select the same leaves (no deadline range, no other condition)."""
    if not plan_ids:
        return {}, {}
    pair = (Task.plan_id, Task.lead_unit_id)
    past_due, later = _past_due(pair, flt, as_of), _later(pair, flt, as_of)
    sums = [func.sum(PlanTally.n), func.sum(PlanTally.pending), func.sum(PlanTally.extended)]
    tables = []
    for side, (key_column, key) in enumerate(((Task.plan_id, PlanTally.plan_id), (Task.lead_unit_id, PlanTally.lead_unit_id))):
        standing_rows = db.session.execute(
            select(key, PlanTally.standing, *sums)
            .where(PlanTally.plan_id.in_(plan_ids))
            .group_by(key, PlanTally.standing)
            .having(func.sum(PlanTally.n) > 0)  # rows counting top-level tasks only
        ).all()
        side_past_due = _folded(past_due, side, 0, (_sum, _least))
        side_later = _folded(later, side, 2, (_sum, _least, _sum))
        tables.append(_combined(key_column, flt, as_of, standing_rows, side_past_due, side_later))
    return tables[0], tables[1]


def _sum(a, b):
    return (a or 0) + (b or 0)


def _least(a, b):
    return b if a is None else a if b is None else min(a, b)


def _folded(rows: Sequence[Any], side: int, by: int, ops: tuple) -> list[tuple]:
    """The rows of a read by plan and unit — (plan, unit, *by, *values) — as those of the same read by
    one of them (``side`` 0: plan, 1: unit): each value folded by its op (summed, or the least kept)."""
    folded: dict = {}
    for row in rows:
        key = (row[side], *row[2 : 2 + by])
        values = tuple(row[2 + by :])
        before = folded.get(key)
        folded[key] = values if before is None else tuple(op(a, b) for op, a, b in zip(ops, before, values, strict=True))
    return [(*key, *values) for key, values in folded.items()]


def _combined(
    key_column,
    flt: TaskFilter,
    as_of: date,
    standing_rows: Sequence[Any],
    past_due: Sequence[Any],
    later: Sequence[Any] | None = None,
) -> dict:
    """The boxes per key from the leaves by standing, the open ones past due and the later completions."""
    if later is None:
        later = _later(key_column, flt, as_of)
    split = (lambda row: (row[0], row[1:])) if key_column is not None else (lambda row: (None, row))
    rows: dict = {}
    for key, (name, count, pending, extended) in map(split, standing_rows):
        rows.setdefault(key, []).append(StandingRow(Standing(name), int(count), int(pending or 0), int(extended or 0)))
    overdue = {key: (int(count), earliest) for key, (count, earliest) in map(split, past_due) if count}
    completions: dict = {}
    for key, (name, was_due, count, earliest, pend) in map(split, later):
        completions.setdefault(key, []).append(LaterCompletion(Standing(name), bool(was_due), count, earliest, int(pend or 0)))
    return {key: counts_at(group, *overdue.get(key, (0, None)), later=completions.get(key, ())) for key, group in rows.items()}


def _grouped(
    key_column, flt: TaskFilter, as_of: date, by: list, values: list, where: list, ranged: bool = False
) -> Sequence[Any]:
    """Leaves in ``flt`` grouped by the key and ``by``. ``ranged``: the rows come from a range of another
    index, and "+ 0" keeps SQLite from walking an index on the key for its order, reading every task."""
    keys = [(c + 0).label(f"key{i}") if ranged else c for i, c in enumerate(_key_columns(key_column))]
    if ranged:  # likewise for the year's plans (0,6–0,8 s a read at a million) and a period's deadlines
        flt = flt.year_apart().deadlines_apart()
    columns = keys + by
    conds = [*([] if flt.leaves_only else [leaf()]), *flt.conditions(as_of)]
    stmt = select(*columns, *values).where(*conds, *where)
    # Positions in GROUP BY: an expression is not computed twice.
    return db.session.execute(stmt.group_by(*(literal_column(str(i + 1)) for i in range(len(columns))))).all()


def _task_reads(key_column, flt: TaskFilter, as_of: date) -> tuple[Sequence[Any], Sequence[Any]]:
    """(key, standing, count, pending, extended) and (key, open past due, earliest deadline) from the leaf
    indexes: leaves by standing; the few awaiting confirmation or extended (their own partial index);
    the open ones past their deadline (a range of ix_task_open)."""
    counted = Task.standing.is_not(None)
    by_standing = _grouped(key_column, flt, as_of, [Task.standing], [func.count()], [counted])
    # ranged, the plan apart: the flagged leaves are a range of their own partial index, few; walking the
    # index on the key for its order, or on the plan, instead reads every leaf on SQLite (2 s for none at
    # a million: /plans, /board).
    flagged = _grouped(key_column, flt.plan_apart(), as_of, [Task.standing], [PENDING, EXTENDED], [counted, FLAGGED], ranged=True)
    width = 1 if key_column is None else 2
    flags = {tuple(row[:width]): tuple(row[width:]) for row in flagged}
    standing_rows = [(*row, *flags.get(tuple(row[:width]), (0, 0))) for row in by_standing]
    return standing_rows, _past_due(key_column, flt, as_of)


def _key_columns(key_column) -> tuple:
    """The columns of a grouped read's key: none, one, or a tuple of them (by plan and unit together)."""
    if key_column is None:
        return ()
    return key_column if isinstance(key_column, tuple) else (key_column,)


def _later(key_column, flt: TaskFilter, as_of: date) -> Sequence[Any]:
    """(key, standing, was due before as_of, count, earliest deadline, awaiting confirmation) of the leaves
    completed after ``as_of`` (none for today): a range of ix_task_leaf_done."""
    return _grouped(
        key_column,
        flt,
        as_of,
        [Task.standing, Task.effective_due < as_of],
        [func.count(), func.min(Task.effective_due), PENDING],
        [standing_among(COMPLETED), Task.completed_on > as_of],
        ranged=True,
    )


def _past_due(key_column, flt: TaskFilter, as_of: date) -> Sequence[Any]:
    """(key, open past due, earliest deadline): a range of ix_task_open."""
    return _grouped(
        key_column,
        flt,
        as_of,
        [],
        [func.count(), func.min(Task.effective_due)],
        [standing_is(Standing.OPEN), Task.effective_due < as_of],
        ranged=True,
    )


def _tally_reads(by_unit: bool, conditions: list, as_of: date) -> tuple[Sequence[Any], Sequence[Any]]:
    """The same two reads from ``task_tally``'s 'due' rows (``day`` as written, ``due`` in force)."""
    keys = [TaskTally.lead_unit_id] if by_unit else []
    due = [TaskTally.kind == TallyKind.DUE, *conditions]
    sums = [func.sum(TaskTally.n), func.sum(TaskTally.pending), func.sum(TaskTally.extended)]
    standing_rows = db.session.execute(
        select(*keys, TaskTally.standing, *sums).where(*due).group_by(*keys, TaskTally.standing)
    ).all()
    past_due = db.session.execute(
        select(*keys, func.sum(TaskTally.n), func.min(TaskTally.due))
        .where(*due, TaskTally.standing == Standing.OPEN.value, TaskTally.due < as_of)
        .group_by(*keys)
    ).all()
    return standing_rows, past_due
