"""The plan page sums its parents' roll-ups up the plan's shape (``parents.leaf_counts_in_plan``) instead of
walking each parent's descendants in SQL: for every parent of the demo's plans and of a deep generated
tree, at several dates, both give the same counts — and the same as the summary over the parent's leaves."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.tasks.test_parents import demo  # noqa: F401  (the demo department, loaded once per test)
from tracker import clock
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.rules.status import Box
from tracker.tasks.models import Task
from tracker.tasks.parents import leaf_counts, leaf_counts_in_plan
from tracker.tasks.queries import TaskFilter, plan_shape, summarize

DATES = (date(2023, 12, 15), date(2024, 6, 30), date(2024, 12, 15))


def _boxes(counts) -> dict:
    return {b: counts[b] for b in Box}


def _leaves(parent_of: dict, parent: int) -> list[int]:
    children: dict = {}
    for task, up in parent_of.items():
        children.setdefault(up, []).append(task)
    out, todo = [], list(children.get(parent, []))
    while todo:
        task = todo.pop()
        if task in children:
            todo.extend(children[task])
        else:
            out.append(task)
    return out


def test_the_plan_pages_rollups_equal_the_recursive_ones(app, demo):  # noqa: F811
    with app.app_context():
        for number in ("01/KH.CCHC-STTTT", "25/KH-SNV"):
            plan_id = db.session.scalar(select(Plan.id).where(Plan.number == number))
            parent_of = dict(plan_shape(plan_id))
            parents = {p for p in parent_of.values() if p is not None}
            assert parents, number
            for as_of in (*DATES, clock.today()):
                flat = leaf_counts_in_plan(plan_id, parent_of, parents, as_of)
                walked = leaf_counts(parents, as_of)
                assert {p: _boxes(c) for p, c in flat.items()} == {p: _boxes(c) for p, c in walked.items()}, (number, as_of)
                for parent in parents:
                    leaves = _leaves(parent_of, parent)
                    expected = summarize(TaskFilter(extra=[Task.id.in_(leaves)]), as_of)
                    assert _boxes(flat[parent]) == _boxes(expected), (number, parent, as_of)
            # Only some parents asked (a page of the plan): the others are not counted, the asked ones the same.
            some = sorted(parents)[::2]
            part = leaf_counts_in_plan(plan_id, parent_of, some, clock.today())
            assert set(part) == set(some)
            assert leaf_counts_in_plan(plan_id, parent_of, [], clock.today()) == {}


def test_a_deep_tree_counts_each_leaf_under_every_ancestor(app, factory):
    """Five levels, leaves at every level, parents asked at alternate levels."""
    plan = factory.plan()
    unit = factory.unit()
    chain = [factory.task(plan, unit, "Quý IV/2024", title="Gốc")]
    for level in range(1, 5):
        chain.append(factory.task(plan, unit, "Quý IV/2024", parent_id=chain[-1], title=f"Mức {level}"))
        factory.task(plan, unit, "Quý II/2024", parent_id=chain[-2], title=f"Lá {level}")
    factory.task(plan, unit, "Thường xuyên", parent_id=chain[-1], title="Lá cuối")
    with app.app_context():
        parent_of = dict(plan_shape(plan))
        asked = chain[::2]
        for as_of in DATES:
            flat = leaf_counts_in_plan(plan, parent_of, asked, as_of)
            walked = leaf_counts(asked, as_of)
            assert {p: _boxes(c) for p, c in flat.items()} == {p: _boxes(c) for p, c in walked.items()}
        # The root counts all five leaves (four "Lá" and the last); the deepest asked parent fewer.
        assert flat[chain[0]].total == 5
        assert flat[chain[4]].total == 1
