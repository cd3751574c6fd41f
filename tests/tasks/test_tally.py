"""``task_tally`` (migration 0006) is kept by the database's triggers: after any write to ``task`` — the
task services, rows inserted, updated, re-parented and deleted in raw SQL — it equals the same counts
taken over the tasks themselves (``tracker.tasks.tally.recount``, a GROUP BY), and holds no empty rows;
``flask tally check`` finds a tally made wrong by hand and ``--repair`` rebuilds it."""

import random
from datetime import date

from sqlalchemy import insert, select, update

from tests.tasks.raw_writes import walk
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.rules.status import TaskStatus
from tracker.tasks import operations as ops
from tracker.tasks.models import PlanTally, Task, TaskTally
from tracker.tasks.tally import plan_differences, recount


def tally() -> dict:
    rows = db.session.execute(
        select(TaskTally.kind, TaskTally.lead_unit_id, TaskTally.standing, TaskTally.day, TaskTally.due).add_columns(
            TaskTally.n, TaskTally.pending, TaskTally.extended
        )
    )
    out = {}
    for kind, unit, standing, day, due, n, pending, extended in rows:
        assert (kind, unit, standing, day, due) not in out, "one row per key"
        assert n > 0, "rows whose count falls to zero are deleted"
        out[(kind, unit, standing, day, due)] = (n, pending, extended)
    return out


def test_tally_follows_the_task_services(app, factory):
    unit_a, unit_b = factory.unit(), factory.unit()
    plan = factory.plan(requires_confirmation=True)
    parent = factory.task(plan, unit_a, deadline="31/10/2024")
    child = factory.task(plan, unit_a, deadline="15/10/2024", parent_id=parent)
    other = factory.task(plan, unit_b, deadline="Thường xuyên")
    with app.app_context():
        assert tally() == recount()
        # The parent is counted through its child only.
        assert ("due", unit_a, "open", date(2024, 10, 15), date(2024, 10, 15)) in tally()
        assert ("due", unit_a, "open", date(2024, 10, 31), date(2024, 10, 31)) not in tally()
        assert ("due", unit_b, "undated_open", None, None) in tally()
        actor = User(username="vp.tally", full_name="VP", role=Role.OFFICE)
        db.session.add(actor)
        db.session.flush()
        task = db.session.get(Task, child)
        done = ops.ProgressInput(status=TaskStatus.DONE, progress=100, completed_on=date(2024, 9, 30))
        ops.update_progress(task, done, actor, date(2024, 10, 1))
        db.session.commit()
        assert tally() == recount()
        assert tally()[("done", unit_a, "on_time", date(2024, 9, 30), None)] == (1, 0, 0)
        ops.move_task(db.session.get(Task, child), None, None, actor)
        db.session.commit()
        assert tally() == recount()
        assert ("due", unit_a, "open", date(2024, 10, 31), date(2024, 10, 31)) in tally()
        ops.delete_task(db.session.get(Task, other), actor)
        db.session.commit()
        assert tally() == recount()
        assert not any(key[1] == unit_b for key in tally())


def test_tally_follows_raw_writes(app, factory):
    """A random walk of inserts, updates (status, dates, confirmation, unit, parent) and deletes in raw SQL."""
    units = [factory.unit() for _ in range(3)]
    plans = [factory.plan(), factory.plan()]
    with app.app_context():
        for step in walk(random.Random(20241001), plans, units):
            assert tally() == recount(), f"step {step}"
        assert len(tally()) > 10


def test_concurrent_writers_keep_the_tally_and_never_deadlock(tmp_path):
    """Four connections committing at once, each transaction moving two tasks between the same few
    tally rows in random order: the tally stays exact, and no writer fails (on PostgreSQL the tally's
    trigger takes one transaction lock, so writers of tasks queue instead of deadlocking on its rows)."""
    import threading

    from tests.conftest import build_app
    from tracker.accounts.models import Unit

    app = build_app(tmp_path, name="tally")
    with app.app_context():
        units = [Unit(name=f"Phòng {i}", short_name=f"P{i}") for i in range(2)]
        db.session.add_all(units)
        db.session.flush()
        unit_ids = [u.id for u in units]
        from tracker.plans.models import Issuer, Plan
        from tracker.rules.documents import DocumentType

        plan = Plan(
            doc_type=DocumentType.PLAN, number="1/KH", title="KH", issuer=Issuer(name="Sở"), issued_on=date(2024, 1, 2), year=2024
        )
        db.session.add(plan)
        db.session.flush()
        db.session.execute(
            insert(Task),
            [
                {"plan_id": plan.id, "title": f"t{i}", "lead_unit_id": unit_ids[i % 2], "effective_due": date(2024, 10, 1)}
                for i in range(12)
            ],
        )
        db.session.commit()
        ids = db.session.scalars(select(Task.id)).all()
    errors: list[BaseException] = []

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        try:
            with app.app_context():
                for _ in range(25):
                    for task_id in rng.sample(ids, 2):
                        db.session.execute(
                            update(Task)
                            .where(Task.id == task_id)
                            .values(
                                effective_due=rng.choice([date(2024, 10, 1), date(2024, 10, 2)]),
                                lead_unit_id=rng.choice(unit_ids),
                            )
                        )
                    db.session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        with app.app_context():
            assert errors == []
            assert tally() == recount()
            assert sum(n for (kind, *_), (n, _, _) in tally().items() if kind == "due") == 12
    finally:
        with app.app_context():
            db.engine.dispose()


def test_tally_check_finds_differences_and_repairs_them(app, factory, runner):
    unit = factory.unit()
    plan = factory.plan()
    for deadline in ("15/10/2024", "15/10/2024", "Thường xuyên"):
        factory.task(plan, unit, deadline=deadline)
    ok = runner.invoke(args=["tally", "check"])
    assert ok.exit_code == 0 and "khớp" in ok.output
    with app.app_context():
        # What a restore or a manual edit with the triggers off could leave: a wrong count, a stray row.
        db.session.execute(update(TaskTally).where(TaskTally.day == date(2024, 10, 15)).values(n=5))
        db.session.execute(
            insert(TaskTally).values(
                kind="done", lead_unit_id=unit, standing="late", day=date(2024, 9, 1), n=1, pending=0, extended=0
            )
        )
        db.session.commit()
    found = runner.invoke(args=["tally", "check"])
    assert found.exit_code == 1
    assert "lệch ở 2 dòng" in found.output and "(5, 0, 0) → (2, 0, 0)" in found.output
    assert "done, " in found.output and "(1, 0, 0) → (không có)" in found.output
    repaired = runner.invoke(args=["tally", "check", "--repair"])
    assert repaired.exit_code == 0 and "Đã dựng lại bảng đếm: 2 dòng." in repaired.output
    with app.app_context():
        assert tally() == recount()
    assert "khớp" in runner.invoke(args=["tally", "check"]).output
    with app.app_context():  # the reports' plan_tally: a wrong count, a stray row, a row counting nothing
        db.session.execute(update(PlanTally).where(PlanTally.plan_id == plan, PlanTally.standing == "open").values(n=7))
        zero = {"plan_id": plan, "lead_unit_id": unit, "standing": "on_time", "n": 0, "roots": 0, "pending": 0, "extended": 0}
        db.session.execute(insert(PlanTally).values(**zero))
        db.session.execute(
            insert(PlanTally).values(plan_id=plan, lead_unit_id=unit, standing="late", n=1, roots=1, pending=0, extended=0)
        )
        db.session.commit()
    found = runner.invoke(args=["tally", "check"])
    assert found.exit_code == 1 and "lệch ở 3 dòng" in found.output and "Bảng đếm lệch" not in found.output
    assert f"{plan}, {unit}, on_time: (0, 0, 0, 0) → (không có)" in found.output
    assert f"{plan}, {unit}, open: (7, 2, 0, 0) → (2, 2, 0, 0)" in found.output
    assert f"{plan}, {unit}, late: (1, 1, 0, 0) → (không có)" in found.output
    assert runner.invoke(args=["tally", "check", "--repair"]).exit_code == 0
    with app.app_context():
        assert plan_differences() == []
