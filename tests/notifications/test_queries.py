"""The notifications' SQL agrees with its Python rules: the reminder sweep's tasks (``reminded_tasks`` vs
``rules.reminded``) on every combination the classification test uses, the e-mail sections
(``section_sql`` vs ``grouping.section_of``) on every rule name; and the centre's page costs a fixed
number of queries whatever the number of notifications on it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import literal, select

from tests.conftest import count_statements, login
from tests.tasks.test_queries import AS_OF, _insert_combinations
from tracker import clock
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.notifications.events import EventKind
from tracker.notifications.grouping import section_of
from tracker.notifications.jobs import tick
from tracker.notifications.messages import section_sql
from tracker.notifications.queries import reminded_tasks
from tracker.notifications.rules import Rule, before, reminded
from tracker.rules.status import TaskStatus
from tracker.tasks.models import Task


def test_the_reminder_sweep_speaks_about_exactly_the_open_dated_unpaused_tasks(app, factory):
    unit = factory.unit()
    plan = factory.plan()
    with app.app_context():
        _insert_combinations(plan, unit)
        tasks = db.session.scalars(select(Task).where(Task.plan_id == plan)).all()
        assert {t.status for t in tasks} == set(TaskStatus)
        # Exact for any day, even before a completion already recorded (a replayed past moment).
        for today in (
            AS_OF - timedelta(days=5),
            AS_OF,
            AS_OF + timedelta(days=5),
            clock.today(),
            clock.today() + timedelta(days=30),
        ):
            got = set(db.session.scalars(select(Task.id).where(Task.plan_id == plan, reminded_tasks(today))))
            expected = {t.id for t in tasks if reminded(t.facts, today)}
            assert got == expected, today
            assert 0 < len(expected) < len(tasks)


def test_sql_sections_agree(app):
    names = [r.value for r in Rule] + [before(n) for n in (1, 3, 60)] + [k.value for k in EventKind]
    names += ["before", "before%x", "xbefore_3", "unknown", "before_"]
    with app.app_context():
        for name in names:
            got = db.session.scalar(select(section_sql(literal(name))))
            assert got == section_of(name), name


def test_the_notification_centre_costs_the_same_queries_for_one_or_eleven_notifications(app, factory, mailbox):
    # Every task in its own plan: nothing the page reads for one row is cached for the next.
    unit = factory.unit()
    factory.user(Role.UNIT_HEAD, unit, username="truong")
    factory.task(factory.plan(), unit, "06/05/2024", title="Việc đầu")
    for i in range(10):
        factory.task(factory.plan(), unit, "07/05/2024", title=f"Việc {i}")
    client = app.test_client()
    login(client, "truong")

    def page_after(day: int) -> int:
        clock.freeze(datetime(2024, 5, day, 7, 0, tzinfo=clock.timezone_info()))
        with app.app_context():
            tick(clock.now())
        response = client.get("/notifications")
        assert response.status_code == 200
        return count_statements(app, lambda: client.get("/notifications"))

    one = page_after(2)  # "3 working days left" for the first task only
    eleven = page_after(3)  # and for the ten others
    assert client.get("/notifications").get_data(as_text=True).count("Còn 3 ngày làm việc đến hạn") == 11
    assert eleven == one, (one, eleven)
