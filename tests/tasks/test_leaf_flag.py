"""``task.is_leaf`` is kept by the database (triggers of migration 0005) through every way the tree
changes: adding a sub-task, moving one, deleting one, and rows written without the ORM."""

from sqlalchemy import insert, select

from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.tasks import operations as ops
from tracker.tasks.models import Task


def leaves(plan_id: int) -> dict[int, bool]:
    rows = db.session.execute(select(Task.id, Task.is_leaf).where(Task.plan_id == plan_id))
    return {task_id: bool(flag) for task_id, flag in rows}


def truth(plan_id: int) -> dict[int, bool]:
    tasks = db.session.execute(select(Task.id, Task.parent_id).where(Task.plan_id == plan_id)).all()
    parents = {parent for _, parent in tasks if parent is not None}
    return {task_id: task_id not in parents for task_id, _ in tasks}


def test_leaf_flag_follows_the_tree(app, factory):
    unit = factory.unit()
    plan = factory.plan()
    a = factory.task(plan, unit)
    b = factory.task(plan, unit)
    with app.app_context():
        assert leaves(plan) == {a: True, b: True}
    child = factory.task(plan, unit, parent_id=a)
    grandchild = factory.task(plan, unit, parent_id=child)
    with app.app_context():
        assert leaves(plan) == truth(plan) == {a: False, b: True, child: False, grandchild: True}
        actor = User(username="vp.leaf", full_name="VP", role=Role.OFFICE)
        db.session.add(actor)
        db.session.flush()
        # Moving the only child of ``a`` under ``b``: ``a`` becomes a leaf again, ``b`` a parent.
        ops.move_task(db.session.get(Task, child), db.session.get(Task, b), None, actor)
        db.session.commit()
        assert leaves(plan) == truth(plan) == {a: True, b: False, child: False, grandchild: True}
        # To the top level and back down.
        ops.move_task(db.session.get(Task, grandchild), None, None, actor)
        db.session.commit()
        assert leaves(plan) == truth(plan)
        assert leaves(plan)[child] is True
        actor_id = actor.id
    # Deleting a task without history: its parent becomes a leaf when the last child goes.
    extra = factory.task(plan, unit, parent_id=child)
    with app.app_context():
        assert leaves(plan)[child] is False
        assert ops.delete_task(db.session.get(Task, extra), db.session.get(User, actor_id)) == "deleted"
        db.session.commit()
        assert leaves(plan) == truth(plan)
        assert leaves(plan)[child] is True


def test_rows_written_without_the_orm_keep_the_flag(app, factory):
    unit = factory.unit()
    plan = factory.plan()
    parent = factory.task(plan, unit)
    with app.app_context():
        db.session.execute(
            insert(Task),
            [{"plan_id": plan, "parent_id": parent, "title": f"t{i}", "lead_unit_id": unit} for i in range(3)],
        )
        db.session.commit()
        assert leaves(plan) == truth(plan)
        assert leaves(plan)[parent] is False
        db.session.execute(Task.__table__.update().where(Task.parent_id == parent).values(parent_id=None))
        db.session.commit()
        assert leaves(plan) == truth(plan)
        assert leaves(plan)[parent] is True
