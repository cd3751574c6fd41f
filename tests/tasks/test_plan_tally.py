"""``plan_tally`` (migration 0023) is kept by the database's triggers, as ``task_tally`` is: after any write
to ``task`` — the task services, rows inserted, updated (plan, unit, parent, status, dates, confirmation),
re-parented and deleted in raw SQL, writers at once — it equals the same counts over the tasks
(``tracker.tasks.tally.recount_plans``, a GROUP BY) and holds no empty rows; the migration builds it from
the tasks already there; and the report figures read from it (``rollup.summarize_plans``) equal those
read from the leaves (``summarize_by``) at any cut-off."""

import random
from datetime import date, timedelta

from sqlalchemy import insert, select, update

from tests.tasks.raw_writes import walk
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.rules.deadlines import DeadlineKind
from tracker.rules.status import Confirmation, TaskStatus
from tracker.tasks import operations as ops
from tracker.tasks.filters import TaskFilter
from tracker.tasks.models import PlanTally, Task
from tracker.tasks.rollup import summarize_by, summarize_plans
from tracker.tasks.tally import rebuild, recount_plans


def plan_tally() -> dict:
    rows = db.session.execute(
        select(PlanTally.plan_id, PlanTally.lead_unit_id, PlanTally.standing).add_columns(
            PlanTally.n, PlanTally.roots, PlanTally.pending, PlanTally.extended
        )
    )
    out = {}
    for plan, unit, standing, n, roots, pending, extended in rows:
        assert (plan, unit, standing) not in out, "one row per key"
        assert n > 0 or roots > 0, "rows whose counts fall to zero are deleted"
        out[(plan, unit, standing)] = (n, roots, pending, extended)
    return out


def test_plan_tally_follows_the_task_services(app, factory):
    unit_a, unit_b = factory.unit(), factory.unit()
    plan = factory.plan(requires_confirmation=True)
    parent = factory.task(plan, unit_a, deadline="31/10/2024")
    child = factory.task(plan, unit_a, deadline="15/10/2024", parent_id=parent)
    other = factory.task(plan, unit_b, deadline="Thường xuyên")
    with app.app_context():
        assert plan_tally() == recount_plans()
        # The parent counts as a top-level task, its child as the leaf.
        assert plan_tally()[(plan, unit_a, "open")] == (1, 1, 0, 0)
        assert plan_tally()[(plan, unit_b, "undated_open")] == (1, 1, 0, 0)
        actor = User(username="vp.plantally", full_name="VP", role=Role.OFFICE)
        db.session.add(actor)
        db.session.flush()
        done = ops.ProgressInput(status=TaskStatus.DONE, progress=100, completed_on=date(2024, 9, 30))
        ops.update_progress(db.session.get(Task, child), done, actor, date(2024, 10, 1))
        db.session.commit()
        assert plan_tally() == recount_plans()
        # Awaiting confirmation: the leaf is counted as pending.
        assert plan_tally()[(plan, unit_a, "on_time")] == (1, 0, 1, 0)
        ops.move_task(db.session.get(Task, child), None, None, actor)
        db.session.commit()
        assert plan_tally() == recount_plans()
        assert plan_tally()[(plan, unit_a, "open")] == (1, 1, 0, 0)
        ops.delete_task(db.session.get(Task, other), actor)
        db.session.commit()
        assert plan_tally() == recount_plans()
        assert not any(key[1] == unit_b for key in plan_tally())


def test_plan_tally_follows_raw_writes(app, factory):
    """A random walk of inserts, updates (plan, unit, parent, status, dates, confirmation) and deletes in
    raw SQL."""
    units = [factory.unit() for _ in range(3)]
    plans = [factory.plan(), factory.plan(), factory.plan()]
    roots_only = flagged = False
    with app.app_context():
        rng = random.Random(20241201)
        for step in walk(rng, plans, units, move_plans=True, field_chance=0.4, reparent_chance=0.3):
            kept = plan_tally()
            assert kept == recount_plans(), f"step {step}"
            roots_only = roots_only or any(n == 0 for n, *_ in kept.values())
            flagged = flagged or any(p and e for _, _, p, e in kept.values())
        assert len(kept) > 10
        assert roots_only, "rows counting top-level tasks only were walked"
        assert flagged, "leaves awaiting confirmation and extended ones were walked"


def test_report_figures_from_plan_tally_equal_the_leaf_reads(app, factory):
    """By plan and by lead unit, at a past cut-off (completions dated later count as open), today and
    later: the boxes, what awaits confirmation, what was extended, the oldest overdue — all equal."""
    units = [factory.unit() for _ in range(3)]
    plans = [factory.plan(), factory.plan()]
    outside = factory.plan(year=2023)
    rng = random.Random(7)
    days = [None] + [date(2024, 9, 1) + timedelta(days=3 * i) for i in range(20)]
    with app.app_context():
        rows = [
            {
                "plan_id": rng.choice([*plans, outside]),
                "title": f"t{i}",
                "lead_unit_id": rng.choice(units),
                "status": rng.choice(list(TaskStatus)),
                "deadline_kind": rng.choice([DeadlineKind.FIXED, DeadlineKind.FIXED, DeadlineKind.ONGOING]),
                "confirmation": rng.choice(list(Confirmation)),
                "effective_due": rng.choice(days),
                "extended_due": rng.choice([None, None, *days]),
                "completed_on": rng.choice(days),
            }
            for i in range(200)
        ]
        db.session.execute(insert(Task), rows)
        ids = db.session.scalars(select(Task.id).order_by(Task.id)).all()
        for child in ids[100:140]:  # some become sub-tasks: their parents count through them
            db.session.execute(update(Task).where(Task.id == child).values(parent_id=ids[child % 50]))
        # A unit that leads only a task with sub-tasks (led by others) has no figures of its own.
        lone = factory.unit()
        parent = db.session.execute(
            insert(Task).values(plan_id=plans[0], title="cha", lead_unit_id=lone, effective_due=days[5]).returning(Task.id)
        ).scalar_one()
        db.session.execute(insert(Task).values(plan_id=plans[0], title="con", lead_unit_id=units[0], parent_id=parent))
        db.session.commit()
        assert (plans[0], lone, "open") in plan_tally()
        flt = TaskFilter(year=2024, leaves_only=True)
        compared = 0
        for as_of in (date(2024, 9, 15), date(2024, 10, 1), date(2024, 10, 20), date(2025, 1, 1)):
            by_plan, by_unit = summarize_plans(plans, flt, as_of)
            for key, found in ((Task.plan_id, by_plan), (Task.lead_unit_id, by_unit)):
                expected = summarize_by(key, flt, as_of)
                assert found == expected, (key, as_of)
                compared += sum(c.total for c in expected.values())
        assert compared > 0
        assert summarize_plans([], flt, date(2024, 10, 1)) == ({}, {})


def test_rebuild_repairs_plan_tally(app, factory):
    unit = factory.unit()
    plan = factory.plan()
    for deadline in ("15/10/2024", "15/10/2024", "Thường xuyên"):
        factory.task(plan, unit, deadline=deadline)
    with app.app_context():
        # What a restore or a manual edit with the triggers off could leave: a wrong count, a stray row.
        db.session.execute(update(PlanTally).where(PlanTally.standing == "open").values(n=5))
        db.session.execute(
            insert(PlanTally).values(plan_id=plan, lead_unit_id=unit, standing="late", n=1, roots=1, pending=0, extended=0)
        )
        assert plan_tally() != recount_plans()
        rebuild()
        db.session.commit()
        assert plan_tally() == recount_plans()
        assert plan_tally()[(plan, unit, "open")] == (2, 2, 0, 0)


def test_concurrent_writers_keep_plan_tally_and_never_deadlock(tmp_path):
    """Four connections committing at once, each transaction moving two tasks between the same few
    plan_tally rows (plan and unit) in random order: the tally stays exact and no writer fails."""
    import threading

    from tests.conftest import build_app
    from tracker.accounts.models import Unit
    from tracker.plans.models import Issuer, Plan
    from tracker.rules.documents import DocumentType

    app = build_app(tmp_path, name="plantally")
    with app.app_context():
        units = [Unit(name=f"Phòng {i}", short_name=f"P{i}") for i in range(2)]
        issuer = Issuer(name="Sở")
        plans = [
            Plan(doc_type=DocumentType.PLAN, number=f"{i}/KH", title="KH", issuer=issuer, issued_on=date(2024, 1, 2), year=2024)
            for i in range(2)
        ]
        db.session.add_all([*units, *plans])
        db.session.flush()
        unit_ids, plan_ids = [u.id for u in units], [p.id for p in plans]
        db.session.execute(
            insert(Task),
            [
                {
                    "plan_id": plan_ids[i % 2],
                    "title": f"t{i}",
                    "lead_unit_id": unit_ids[i % 2],
                    "effective_due": date(2024, 10, 1),
                }
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
                            .values(plan_id=rng.choice(plan_ids), lead_unit_id=rng.choice(unit_ids))
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
            assert plan_tally() == recount_plans()
            assert sum(n for n, *_ in plan_tally().values()) == 12
    finally:
        with app.app_context():
            db.engine.dispose()


def test_plan_tally_is_built_from_existing_tasks_on_upgrade(tmp_path):
    """A database with tasks at revision 0021 gets a ``plan_tally`` equal to a recount of them, and the
    downgrade removes it again."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    from tests.conftest import build_app
    from tracker.accounts.models import Unit
    from tracker.plans.models import Issuer, Plan
    from tracker.rules.documents import DocumentType

    app = build_app(tmp_path, name="planbackfill")
    try:
        with app.app_context():
            downgrade(revision="0022_document_jobs")
            assert "plan_tally" not in inspect(db.engine).get_table_names()
            unit = Unit(name="Phòng A", short_name="A")
            plan = Plan(
                doc_type=DocumentType.PLAN,
                number="1/KH",
                title="KH",
                issuer=Issuer(name="Sở"),
                issued_on=date(2024, 1, 2),
                year=2024,
            )
            db.session.add_all([unit, plan])
            db.session.flush()
            rows = [
                {"plan_id": plan.id, "title": f"t{i}", "lead_unit_id": unit.id, "effective_due": date(2024, 9, 1 + i % 20)}
                for i in range(30)
            ]
            db.session.execute(insert(Task.__table__), rows)
            db.session.execute(text("UPDATE task SET parent_id = (SELECT min(id) FROM task) WHERE id % 5 = 0"))
            db.session.execute(text("UPDATE task SET status = 'cancelled' WHERE id % 7 = 0"))
            db.session.commit()
            db.session.remove()
            upgrade()
            assert plan_tally() == recount_plans()
            assert sum(r for _, r, _, _ in plan_tally().values()) > 0
            db.session.remove()
            downgrade(revision="0022_document_jobs")
            assert "plan_tally" not in inspect(db.engine).get_table_names()
            upgrade()
            db.session.remove()
    finally:
        with app.app_context():
            db.engine.dispose()
