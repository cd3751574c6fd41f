"""A nhiệm vụ with phần việc has no box of its own: the lists and the task page show its children's
roll-up, box filters never list it, and each figure of a plan equals the length of its list."""

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests.conftest import count_statements, login
from tests.test_api import token_for
from tracker import clock
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.formatting import parse_date
from tracker.plans.models import Plan
from tracker.rules.status import Box, TaskStatus, classify
from tracker.tasks import operations as ops
from tracker.tasks.models import ExtensionRequest, Task
from tracker.tasks.parents import leaf_counts, pending_extensions, rollups
from tracker.tasks.queries import BOX_GROUPS, TaskFilter, plan_tasks, summarize, task_list

TODAY = date(2024, 10, 1)


def _office(app) -> User:
    user = db.session.scalar(select(User).where(User.role == Role.OFFICE))
    if user is None:
        user = User(username="vp.parents", full_name="Văn phòng", role=Role.OFFICE)
        db.session.add(user)
        db.session.flush()
    return user


def _progress(app, task_id: int, status: TaskStatus, completed_on: date | None = None) -> None:
    with app.app_context():
        ops.update_progress(
            db.session.get(Task, task_id), ops.ProgressInput(status, completed_on=completed_on), _office(app), TODAY
        )
        db.session.commit()


@pytest.fixture
def tree(app, factory):
    """A plan with a three-level tree and every kind of leaf:

    P "Trong năm 2024"
      a  Quý II/2024, done 01/06/2024 (on time)
      b  Tháng 8/2024, open (overdue from 01/09/2024)
      d  Tháng 7/2024, done 15/08/2024 (late; open and overdue before that)
      C  Quý IV/2024 (a parent itself)
        c1 Quý IV/2024, open (in time)
        c2 Thường xuyên, done 10/09/2024 (no deadline)
        c3 Quý III/2024, cancelled (never counted)
    Q "Quý IV/2024" with one leaf q1 Thường xuyên, open; R a leaf with no children.
    """
    unit = factory.unit()
    plan = factory.plan(requires_confirmation=False)
    ids = {"unit": unit, "plan": plan}
    ids["P"] = factory.task(plan, unit, "Trong năm 2024", title="Nhiệm vụ P")
    ids["a"] = factory.task(plan, unit, "Quý II/2024", parent_id=ids["P"])
    ids["b"] = factory.task(plan, unit, "Tháng 8/2024", parent_id=ids["P"])
    ids["d"] = factory.task(plan, unit, "Tháng 7/2024", parent_id=ids["P"])
    ids["C"] = factory.task(plan, unit, "Quý IV/2024", parent_id=ids["P"], title="Nhiệm vụ C")
    ids["c1"] = factory.task(plan, unit, "Quý IV/2024", parent_id=ids["C"])
    ids["c2"] = factory.task(plan, unit, "Thường xuyên", parent_id=ids["C"])
    ids["c3"] = factory.task(plan, unit, "Quý III/2024", parent_id=ids["C"])
    ids["Q"] = factory.task(plan, unit, "Quý IV/2024", title="Nhiệm vụ Q")
    ids["q1"] = factory.task(plan, unit, "Thường xuyên", parent_id=ids["Q"])
    ids["R"] = factory.task(plan, unit, "Quý IV/2024", title="Nhiệm vụ R")
    _progress(app, ids["a"], TaskStatus.DONE, date(2024, 6, 1))
    _progress(app, ids["d"], TaskStatus.DONE, date(2024, 8, 15))
    _progress(app, ids["c2"], TaskStatus.DONE, date(2024, 9, 10))
    _progress(app, ids["c3"], TaskStatus.CANCELLED)
    return ids


DATES = (date(2024, 6, 15), date(2024, 8, 1), date(2024, 8, 20), TODAY, date(2024, 12, 31))


def _leaves_under(tasks: list[Task], parent_id: int) -> list[Task]:
    kids = [t for t in tasks if t.parent_id == parent_id]
    out = []
    for kid in kids:
        out.extend(_leaves_under(tasks, kid.id) if any(t.parent_id == kid.id for t in tasks) else [kid])
    return out


def test_a_parents_rollup_equals_the_summary_of_its_leaves(app, tree):
    with app.app_context():
        tasks = plan_tasks(tree["plan"])
        for as_of in DATES:
            got = leaf_counts([tree["P"], tree["C"], tree["Q"]], as_of)
            for parent in ("P", "C", "Q"):
                leaves = _leaves_under(tasks, tree[parent])
                expected = summarize(TaskFilter(extra=[Task.id.in_([t.id for t in leaves])]), as_of)
                by_python = {b: sum(1 for t in leaves if classify(t.facts, as_of) is b) for b in Box}
                assert {b: got[tree[parent]][b] for b in Box} == {b: expected[b] for b in Box} == by_python, (parent, as_of)
        # The figures of the sentence, at three dates.
        at = {as_of: rollups([tree["P"]], as_of)[tree["P"]] for as_of in DATES}
        # P counts a, b, d, c1, c2 (c3 cancelled): at 01/08 d is open past 31/07; at 20/08 d is done late.
        assert at[date(2024, 8, 1)].text == "1/5 phần việc hoàn thành, 1 quá hạn"
        assert at[date(2024, 8, 20)].text == "2/5 phần việc hoàn thành"
        assert at[TODAY].text == "3/5 phần việc hoàn thành, 1 quá hạn"
        assert rollups([tree["C"]], TODAY)[tree["C"]].text == "1/2 phần việc hoàn thành"
        # A leaf asked about has nothing under it; nothing asked, no query.
        assert leaf_counts([tree["R"]], TODAY)[tree["R"]].total == 0
        assert leaf_counts([], TODAY) == {}


def test_the_demo_parents_match_the_summary(app, demo):
    with app.app_context():
        for number in ("01/KH.CCHC-STTTT", "25/KH-SNV"):
            plan_id = db.session.scalar(select(Plan.id).where(Plan.number == number))
            tasks = plan_tasks(plan_id)
            parent_ids = {t.parent_id for t in tasks if t.parent_id}
            assert parent_ids, number
            for as_of in (date(2023, 12, 15), date(2024, 6, 30), date(2024, 12, 15), clock.today()):
                got = leaf_counts(parent_ids, as_of)
                for parent in parent_ids:
                    leaves = [t.id for t in _leaves_under(tasks, parent)]
                    expected = summarize(TaskFilter(extra=[Task.id.in_(leaves)]), as_of)
                    assert {b: got[parent][b] for b in Box} == {b: expected[b] for b in Box}, (number, parent, as_of)
                # Over all top-level nhiệm vụ the roll-ups add up to the plan's figures (47 phần việc for seed 003).
                tops = [t.id for t in tasks if t.parent_id is None and t.id in parent_ids]
                loose = [t.id for t in tasks if t.parent_id is None and t.id not in parent_ids]
                plan_counts = summarize(TaskFilter(plan_id=plan_id), as_of)
                loose_counts = summarize(TaskFilter(extra=[Task.id.in_(loose)]), as_of)
                assert sum(got[t].total for t in tops) + loose_counts.total == plan_counts.total
                assert sum(got[t].completed for t in tops) + loose_counts.completed == plan_counts.completed


def test_box_filters_never_list_a_parent_and_parents_carry_their_rollup(app, tree):
    parents = {tree["P"], tree["C"], tree["Q"]}
    with app.app_context():
        for as_of in DATES:
            counts = summarize(TaskFilter(plan_id=tree["plan"]), as_of)
            for box in Box:
                rows, total = task_list(TaskFilter(plan_id=tree["plan"], box=box), as_of, per_page=100)
                assert not parents & {t.id for t, _ in rows}, (box, as_of)
                assert total == len(rows) == counts[box], (box, as_of)
                assert all(name == box.value and t.rollup is None for t, name in rows)
            for group, boxes in BOX_GROUPS.items():
                rows, total = task_list(TaskFilter(plan_id=tree["plan"], boxes=boxes), as_of, per_page=100)
                assert total == len(rows) == sum(counts[b] for b in boxes), (group, as_of)
            everything, total = task_list(TaskFilter(plan_id=tree["plan"]), as_of, sort="plan", per_page=100)
            assert total == 11
            for task, name in everything:
                if task.id in parents:
                    assert name is None and not task.is_leaf
                    assert task.rollup == rollups([task.id], as_of)[task.id]
                else:
                    assert task.rollup is None and task.is_leaf
                    expected = classify(task.facts, as_of)
                    assert name == (expected.value if expected else None)


def test_the_rollups_of_a_page_cost_the_same_queries_for_two_parents_or_forty(app, factory, client):
    unit = factory.unit()
    plan = factory.plan()
    office = factory.user(Role.OFFICE)
    login(client, office)

    def grow(n):
        for _ in range(n):
            parent = factory.task(plan, unit, "Quý IV/2024")
            middle = factory.task(plan, unit, "Quý IV/2024", parent_id=parent)
            factory.task(plan, unit, "Tháng 8/2024", parent_id=middle)
            factory.task(plan, unit, "Quý IV/2024", parent_id=parent)

    def page():
        html = client.get(f"/tasks?plan={plan}&per_page=200").get_data(as_text=True)
        assert "phần việc hoàn thành" in html

    grow(2)
    small = count_statements(app, page)
    grow(38)
    large = count_statements(app, page)
    assert small == large


@pytest.fixture
def demo(runner):
    clock.freeze(datetime(2025, 6, 2, 8, 30))
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    return runner


TITLE_CELL_RE = re.compile(r'class="task-title[" ]')
TOTAL_RE = re.compile(r'data-testid="total">(\d+) nhiệm vụ<')


@pytest.mark.parametrize(
    "number,dates",
    [
        ("01/KH.CCHC-STTTT", ("15/12/2023", "30/06/2024", "02/06/2025")),
        ("25/KH-SNV", ("30/06/2024", "15/12/2024", "02/06/2025")),
    ],
)
def test_every_figure_of_a_plan_equals_its_list_page(app, demo, number, dates):
    client = app.test_client()
    login(client, "vanphong", "demo-2026-tracker")
    with app.app_context():
        plan_id = db.session.scalar(select(Plan.id).where(Plan.number == number))
    for as_of in dates:
        with app.app_context():
            counts = summarize(TaskFilter(plan_id=plan_id), parse_date(as_of))
        figures = {**{b.value: counts[b] for b in Box}, "done": counts.completed, "open": counts.open, "counted": counts.total}
        assert figures["counted"] > 0
        for box, figure in figures.items():
            html = client.get(f"/tasks?plan={plan_id}&box={box}&as_of={as_of}&per_page=200").get_data(as_text=True)
            shown = int(TOTAL_RE.search(html).group(1))
            rows = len(TITLE_CELL_RE.findall(html))
            assert shown == rows == figure, (number, as_of, box, shown, rows, figure)
            assert 'data-testid="rollup"' not in html
    # Unfiltered, the nhiệm vụ are listed with their roll-up instead of a box.
    html = client.get(f"/tasks?plan={plan_id}&as_of={dates[0]}&per_page=200").get_data(as_text=True)
    assert "phần việc hoàn thành" in html and 'data-testid="rollup"' in html


def test_the_task_page_of_a_parent_shows_the_rollup_not_a_box(client, app, factory, tree):
    login(client, factory.user(Role.OFFICE))
    html = client.get(f"/tasks/{tree['P']}").get_data(as_text=True)
    state = html.split('data-testid="task-state"', 1)[1].split("</div>", 1)[0]
    assert "3/5 phần việc hoàn thành, 1 quá hạn" in state
    assert "data-box" not in state and "Chưa thực hiện" not in state
    children = html.split('data-testid="children"', 1)[1].split("</ul>", 1)[0]
    # A sub-task that has sub-tasks itself shows its roll-up; the leaves show their boxes.
    assert "1/2 phần việc hoàn thành" in children
    assert 'data-box="done_on_time"' in children and 'data-box="open_overdue"' in children and 'data-box="done_late"' in children
    leaf = client.get(f"/tasks/{tree['b']}").get_data(as_text=True)
    state = leaf.split('data-testid="task-state"', 1)[1].split("</div>", 1)[0]
    assert 'data-box="open_overdue"' in state and "phần việc hoàn thành" not in state


def test_a_pending_extension_request_is_badged_in_every_list_and_on_the_task_page(client, app, factory):
    unit = factory.unit()
    plan = factory.plan()
    head = factory.user(Role.UNIT_HEAD, unit)
    leader = factory.user(Role.LEADER)
    office = factory.user(Role.OFFICE)
    asked = factory.task(plan, unit, "Tháng 9/2024", title="Việc xin gia hạn")
    other = factory.task(plan, unit, "Tháng 9/2024", title="Việc khác")
    with app.app_context():
        requester = db.session.scalar(select(User).where(User.username == head))
        ops.request_extension(db.session.get(Task, asked), requester, "Chờ số liệu", date(2024, 11, 30), TODAY)
        db.session.commit()
        assert pending_extensions([asked, other]) == {asked}
    badge = 'data-testid="extension-pending"'

    def row_of(html: str, title: str) -> str:
        return next(part for part in html.split("<tr") if title in part)

    login(client, office)
    for url in (f"/tasks?plan={plan}", f"/tasks?plan={plan}&box=open_overdue", f"/unit?unit={unit}", "/board"):
        html = client.get(url).get_data(as_text=True)
        assert html.count(badge) == 1, url
        if "<tr" in html and url != "/board":
            assert badge in row_of(html, "Việc xin gia hạn") and badge not in row_of(html, "Việc khác"), url
    assert badge in client.get(f"/tasks/{asked}").get_data(as_text=True)
    assert badge not in client.get(f"/tasks/{other}").get_data(as_text=True)
    auth = token_for(app, office)
    items = client.get(f"/api/v1/tasks?plan_id={plan}", headers=auth).get_json()["items"]
    assert {t["id"]: t["extension_pending"] for t in items} == {asked: True, other: False}
    # Decided, the badge goes.
    with app.app_context():
        req = db.session.scalar(select(ExtensionRequest).where(ExtensionRequest.task_id == asked))
        decider = db.session.scalar(select(User).where(User.username == leader))
        ops.decide_extension(req, decider, False, "Không đủ lý do", clock.now())
        db.session.commit()
        assert pending_extensions([asked, other]) == set()
    assert badge not in client.get(f"/tasks?plan={plan}").get_data(as_text=True)
    assert client.get(f"/api/v1/tasks/{asked}", headers=auth).get_json()["extension_pending"] is False


def test_the_xlsx_export_spells_out_a_parents_rollup(client, app, factory, tree):
    import io

    from openpyxl import load_workbook

    login(client, factory.user(Role.OFFICE))
    response = client.get(f"/tasks/export.xlsx?plan={tree['plan']}&sort=plan")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    header, body = rows[3], rows[4:]  # below the title, the as-of date and the filters
    state = {row[2]: row[header.index("Tình trạng")] for row in body}
    assert state["Nhiệm vụ P"] == "3/5 phần việc hoàn thành, 1 quá hạn"
    assert state["Nhiệm vụ C"] == "1/2 phần việc hoàn thành"
    assert state["Nhiệm vụ R"] == "Đang thực hiện trong hạn"
    assert len(body) == 11
