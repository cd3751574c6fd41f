"""The SQL classification (the standing column the triggers keep, box conditions, the roll-up) must agree with
the Python one on every combination."""

import itertools
from datetime import date, timedelta

from sqlalchemy import select

from tracker.extensions import db
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.rollup import Counts
from tracker.rules.status import Box, Confirmation, TaskStatus, classify, standing, written_due
from tracker.tasks.models import Task
from tracker.tasks.queries import TaskFilter, box_condition, summarize, summarize_by

AS_OF = date(2024, 9, 30)
OFFSETS = [-10, -1, 0, 1, 10]


def _insert_combinations(plan_id: int, unit_id: int) -> int:
    count = 0
    for status, kind, due_off, done_off, confirmation in itertools.product(
        list(TaskStatus), list(DeadlineKind), [None, *OFFSETS], [None, *OFFSETS], list(Confirmation)
    ):
        due = AS_OF + timedelta(days=due_off) if due_off is not None and kind is DeadlineKind.FIXED else None
        db.session.add(
            Task(
                plan_id=plan_id,
                title="t",
                lead_unit_id=unit_id,
                deadline_kind=kind,
                due_date=due,
                effective_due=due,
                extended_due=due if done_off == 1 else None,
                status=status,
                confirmation=confirmation,
                completed_on=AS_OF + timedelta(days=done_off) if done_off is not None else None,
            )
        )
        count += 1
    db.session.commit()
    return count


def test_sql_standing_boxes_and_rollup_match_python_classify(app, factory):
    """Every combination of status, deadline kind, deadline, completion date and confirmation; as of a
    past date, today and a later date (the box conditions drop a term from today on)."""
    from tracker import clock

    unit = factory.unit()
    plan = factory.plan()
    with app.app_context():
        n = _insert_combinations(plan, unit)
        rows = db.session.execute(select(Task, Task.standing, Task.written_due).where(Task.plan_id == plan)).all()
        assert len(rows) == n
        for task, sql_standing, sql_written in rows:
            expected = standing(task.facts)
            assert sql_standing == (expected.value if expected else None), task.facts
            assert sql_written == written_due(task.due_date, task.extended_due, task.effective_due), task.facts
        tasks = [t for t, _, _ in rows]
        # The triggers follow every change of the fields the standing depends on.
        for task in tasks[::3]:
            task.status = TaskStatus.IN_PROGRESS if task.status is TaskStatus.DONE else TaskStatus.DONE
            task.effective_due = task.effective_due + timedelta(days=12) if task.effective_due else None
            task.confirmation = Confirmation.RETURNED if task.confirmation is Confirmation.NONE else task.confirmation
        for task in tasks[1::4]:  # the written deadline moves alone, the deadline in force stays
            task.due_date = task.due_date - timedelta(days=1) if task.due_date else None
            task.extended_due = None if task.extended_due else task.due_date
        db.session.commit()
        db.session.expire_all()
        rows = db.session.execute(select(Task, Task.standing, Task.written_due).where(Task.plan_id == plan)).all()
        for task, sql_standing, sql_written in rows:
            expected = standing(task.facts)
            assert sql_standing == (expected.value if expected else None), task.facts
            assert sql_written == written_due(task.due_date, task.extended_due, task.effective_due), task.facts
        tasks = [t for t, _, _ in rows]
        # Only the combinations the application can produce from today on: no completion in the future.
        today = clock.today()
        for as_of in (AS_OF - timedelta(days=5), AS_OF, AS_OF + timedelta(days=5), today, today + timedelta(days=30)):
            possible = [t for t in tasks if as_of < today or t.completed_on is None or t.completed_on <= today]
            ids = {t.id for t in possible}
            for box in Box:
                got = set(db.session.scalars(select(Task.id).where(Task.plan_id == plan, box_condition(box, as_of))))
                assert got & ids == {t.id for t in possible if classify(t.facts, as_of) is box}, (box, as_of)
            # The roll-up does not rely on that: it is exact for every task and every date.
            counts = summarize(TaskFilter(plan_id=plan), as_of)
            expected_counts = Counts.from_boxes(classify(t.facts, as_of) for t in tasks)
            assert counts.boxes == {b: n for b, n in expected_counts.boxes.items() if n}, as_of
            pending = sum(
                1 for t in tasks if t.confirmation is Confirmation.PENDING and (box := classify(t.facts, as_of)) and box.completed
            )
            assert counts.awaiting_confirmation == pending
            extended = [t for t in tasks if t.extended_due and t.status is not TaskStatus.CANCELLED]
            assert counts.extended == len(extended) > 0
            overdue = [t.effective_due for t in tasks if classify(t.facts, as_of) is Box.OPEN_OVERDUE]
            assert counts.oldest_overdue == min(overdue)
            # Without a plan filter the figures come from task_tally (this test's tasks are the only
            # ones in its transaction): the same, whole, per unit and within a deadline range.
            assert TaskFilter().tally_conditions() == [] and TaskFilter(plan_id=plan).tally_conditions() is None
            assert summarize(TaskFilter(), as_of) == counts
            assert summarize_by(Task.lead_unit_id, TaskFilter(unit_id=unit), as_of) == {unit: counts}
            window = {"due_from": AS_OF - timedelta(days=3), "due_to": AS_OF + timedelta(days=5)}
            in_window = summarize(TaskFilter(**window), as_of)
            assert in_window == summarize(TaskFilter(plan_id=plan, **window), as_of)
            assert 0 < in_window.total < counts.total


def test_summary_counts_leaves_only_and_leaves_out_cancelled(app, factory):
    unit = factory.unit()
    other = factory.unit()
    plan = factory.plan()
    parent = factory.task(plan, unit, "Quý III/2024")
    factory.task(plan, unit, "Tháng 7/2024", parent_id=parent)
    factory.task(plan, other, "Tháng 12/2024", parent_id=parent)
    cancelled = factory.task(plan, unit, "Tháng 7/2024")
    factory.task(plan, unit, "Thường xuyên")
    with app.app_context():
        db.session.get(Task, cancelled).status = TaskStatus.CANCELLED
        db.session.commit()
        counts = summarize(TaskFilter(plan_id=plan), AS_OF)
        assert counts.total == 3
        assert counts[Box.OPEN_OVERDUE] == 1
        assert counts[Box.OPEN_IN_TIME] == 1
        assert counts[Box.NO_DEADLINE_OPEN] == 1
        by_unit = summarize_by(Task.lead_unit_id, TaskFilter(plan_id=plan), AS_OF)
        assert by_unit[unit].total == 2 and by_unit[other].total == 1
        # Grouped and ungrouped roll-ups agree; a unit's oldest overdue deadline comes with its counts.
        assert sum(by_unit.values(), Counts()) == counts
        assert by_unit[unit].oldest_overdue == date(2024, 7, 31) and by_unit[other].oldest_overdue is None


def test_box_filters_use_indexable_predicates_without_changing_the_answer(app, factory):
    """From today on the lists filter open tasks by status (partial index); the answer must equal
    classifying every task in Python, for the boxes and for today and a past date."""
    from tracker import clock
    from tracker.tasks import operations as ops
    from tracker.tasks.queries import task_list

    unit = factory.unit()
    plan = factory.plan()
    ids = [factory.task(plan, unit, d) for d in ("15/08/2024", "30/09/2024", "01/10/2024", "31/10/2024", "Thường xuyên")]
    with app.app_context():
        from tracker.accounts.models import Role, User

        office = User(username="vp.q", full_name="VP", role=Role.OFFICE)
        db.session.add(office)
        db.session.flush()
        today = clock.today()
        ops.update_progress(
            db.session.get(Task, ids[0]), ops.ProgressInput(TaskStatus.DONE, completed_on=date(2024, 9, 1)), office, today
        )
        ops.update_progress(db.session.get(Task, ids[3]), ops.ProgressInput(TaskStatus.DONE), office, today)
        db.session.commit()
        for as_of in (today, date(2024, 8, 20), date(2024, 12, 1)):
            tasks = db.session.scalars(select(Task).where(Task.plan_id == plan)).all()
            for box in Box:
                expected = sorted(t.id for t in tasks if classify(t.facts, as_of) is box)
                got, total = task_list(TaskFilter(plan_id=plan, box=box), as_of, per_page=100)
                assert sorted(t.id for t, _ in got) == expected and total == len(expected), (box, as_of)
