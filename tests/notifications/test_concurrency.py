"""Two scheduler processes ticking at once on one database (PostgreSQL in CI) deliver each message once,
in one e-mail per person."""

from __future__ import annotations

import threading
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import build_app, free_port
from tracker import clock
from tracker.accounts.models import Role, Unit, User
from tracker.extensions import db
from tracker.mailsink import start_sink
from tracker.notifications.jobs import tick
from tracker.notifications.models import Delivery, DeliveryStatus
from tracker.plans.models import Issuer, Plan
from tracker.tasks import operations as ops


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory):
    app = build_app(tmp_path_factory.mktemp("concurrency"), name="concurrency")
    yield app
    with app.app_context():
        db.engine.dispose()


def test_concurrent_ticks_send_each_reminder_once(shared_app):
    app = shared_app
    port = free_port()
    sink = start_sink("127.0.0.1", port)
    app.config["SMTP_PORT"] = port
    try:
        with app.app_context():
            units = [Unit(name=f"Phòng {i}", short_name=f"P{i}") for i in range(5)]
            db.session.add_all(units)
            db.session.flush()
            for i, unit in enumerate(units):
                head = User(
                    username=f"head{i}",
                    full_name=f"Trưởng phòng {i}",
                    role=Role.UNIT_HEAD,
                    unit_id=unit.id,
                    email=f"head{i}@example.invalid",
                )
                db.session.add(head)
            plan = Plan(number="9/KH-SNV", title="Kế hoạch", issuer=Issuer(name="Sở"), issued_on=date(2024, 1, 2), year=2024)
            db.session.add(plan)
            db.session.flush()
            for i in range(60):
                ops.create_task(
                    plan,
                    ops.TaskInput(
                        title=f"Việc {i}", lead_unit_id=units[i % 5].id, deadline_text="06/05/2024" if i % 2 else "26/04/2024"
                    ),
                    None,
                )
            db.session.commit()
        moment = datetime(2024, 5, 2, 7, 0, tzinfo=clock.timezone_info())
        clock.freeze(moment)
        barrier = threading.Barrier(3)
        errors: list[BaseException] = []

        def worker():
            try:
                barrier.wait()
                for _ in range(2):
                    with app.app_context():
                        tick(clock.now())
            except BaseException as exc:  # noqa: BLE001  (reported below)
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        with app.app_context():
            total = db.session.scalar(select(func.count()).select_from(Delivery))
            distinct = db.session.scalar(select(func.count(func.distinct(Delivery.key))))
            sent = db.session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == DeliveryStatus.SENT))
        # 30 due in 3 working days (before_3) and 30 overdue since 26/04 (overdue #0), one message each.
        assert total == distinct == sent == 60
        # One e-mail per person (issue 10, item 9): each head once, listing the 12 tasks of the unit.
        messages = sink.handler.messages
        assert sorted(m["To"].addresses[0].username for m in messages) == [f"head{i}" for i in range(5)]
        for m in messages:
            assert m["Subject"] == "[Nhắc việc] 12 thông báo: 6 quá hạn, 6 sắp đến hạn"
            assert m.get_body(("plain",)).get_content().count("http://127.0.0.1:5000/tasks/") == 12
    finally:
        sink.stop()
        clock.freeze(None)
