"""A periodic duty yields one occurrence per period, each with its own due date, status and result."""

from datetime import date

from sqlalchemy import select

from tests.conftest import login
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.status import Box, TaskStatus
from tracker.tasks import operations as ops
from tracker.tasks.models import Task
from tracker.tasks.queries import TaskFilter, summarize


def _occurrences(app, task_id):
    with app.app_context():
        rows = db.session.scalars(select(Task).where(Task.parent_id == task_id).order_by(Task.position)).all()
        return [(t.period_start, t.due_date, t.effective_due, t.status, t.deadline_text, t.ordinal) for t in rows]


def test_quarterly_duty_gets_four_occurrences_with_their_own_deadlines(app, factory):
    unit = factory.unit()
    plan = factory.plan(year=2024)
    duty = factory.task(plan, unit, "Định kỳ trước ngày 15 của tháng cuối quý", title="Báo cáo quý")
    occ = _occurrences(app, duty)
    assert [o[1] for o in occ] == [date(2024, 3, 15), date(2024, 6, 15), date(2024, 9, 15), date(2024, 12, 15)]
    # 15/6/2024 is a Saturday and 15/9 and 15/12 Sundays: each moves to the next working day.
    assert [o[2] for o in occ] == [date(2024, 3, 15), date(2024, 6, 17), date(2024, 9, 16), date(2024, 12, 16)]
    assert occ[2][4] == "Định kỳ trước ngày 15 của tháng cuối quý (Quý III/2024)"
    assert [o[5] for o in occ] == ["1.1", "1.2", "1.3", "1.4"]
    with app.app_context():
        counts = summarize(TaskFilter(plan_id=plan), date(2024, 10, 1))
    assert counts.total == 4 and counts[Box.OPEN_OVERDUE] == 3 and counts[Box.OPEN_IN_TIME] == 1


def test_each_occurrence_is_updated_on_its_own(client, app, factory):
    unit = factory.unit()
    plan = factory.plan(year=2024)
    duty = factory.task(plan, unit, "hằng quý, trước ngày 15 của tháng cuối quý")
    with app.app_context():
        q1 = db.session.scalars(select(Task.id).where(Task.parent_id == duty).order_by(Task.position)).first()
    token = login(client, factory.user(Role.OFFICE))
    client.post(
        f"/tasks/{q1}/progress",
        data={"csrf_token": token, "p-status": "done", "p-completed_on": "14/03/2024", "p-result": "Báo cáo số 5"},
    )
    with app.app_context():
        counts = summarize(TaskFilter(plan_id=plan), date(2024, 10, 1))
        assert counts[Box.DONE_ON_TIME] == 1 and counts[Box.OPEN_OVERDUE] == 2
    html = client.get(f"/tasks/{duty}").get_data(as_text=True)
    assert "Quý I/2024" in html and "Hoàn thành đúng hạn" in html


def test_changing_the_rule_regenerates_and_keeps_history(app, factory):
    unit = factory.unit()
    plan = factory.plan(year=2024)
    duty = factory.task(plan, unit, "hằng quý")
    with app.app_context():
        task = db.session.get(Task, duty)
        first = min(task.children, key=lambda c: c.period_start)
        ops.update_progress(first, ops.ProgressInput(TaskStatus.IN_PROGRESS, 50, "Đang tổng hợp"), None_user(), date(2024, 10, 1))
        db.session.commit()
        first_id = first.id
        ops.edit_task(
            task,
            ops.TaskInput(title=task.title, lead_unit_id=unit, deadline_text="6 tháng một lần, trước ngày 20 của tháng cuối"),
            None_user(),
        )
        db.session.commit()
        kids = db.session.scalars(select(Task).where(Task.parent_id == duty)).all()
        live = sorted(k.due_date for k in kids if k.status is not TaskStatus.CANCELLED)
        assert live == [date(2024, 6, 20), date(2024, 12, 20)]
        # The quarter that had work recorded is cancelled, not deleted; the others are gone.
        assert db.session.get(Task, first_id).status is TaskStatus.CANCELLED
        assert len(kids) == 3
        ops.edit_task(task, ops.TaskInput(title=task.title, lead_unit_id=unit, deadline_text="Trong năm 2024"), None_user())
        db.session.commit()
        assert task.deadline_kind is DeadlineKind.FIXED
        assert all(k.status is TaskStatus.CANCELLED for k in task.children)


def None_user():  # noqa: N802  (an office account for services called directly)
    from tracker.accounts.models import User

    user = db.session.scalars(select(User).where(User.role == Role.OFFICE)).first()
    if user is None:
        user = User(username="vp.occ", full_name="Văn phòng", role=Role.OFFICE)
        db.session.add(user)
        db.session.flush()
    return user
