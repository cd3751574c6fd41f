"""Issue 15: the "Người thực hiện" filter on every task list and the API (item 8), and the list's "Tìm"
through the search index, insensitive to case, diacritics and tone placement. Run on SQLite and on
PostgreSQL (TEST_DATABASE_URL): the index differs (FTS5 trigram / pg_trgm), the answers must not."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import login
from tests.test_api import token_for
from tracker.accounts.models import Role
from tracker.rules.status import Box
from tracker.tasks.filters import TaskFilter, search_condition, with_ancestors
from tracker.tasks.models import Task
from tracker.tasks.queries import summarize, task_list

AS_OF = date(2024, 10, 1)


@pytest.fixture
def team(factory):
    """A unit with two people: An has two tasks (one a phần việc), Bình one, one task is nobody's."""
    unit = factory.unit("Phòng Xây dựng chính quyền")
    an = factory.user(Role.STAFF, unit, username="an")
    binh = factory.user(Role.STAFF, unit, username="binh")
    plan = factory.plan("12/KH-SNV")
    an_id, binh_id = factory.user_id(an), factory.user_id(binh)
    parent = factory.task(plan, unit, title="Số hóa thủ tục hành chính", deadline="31/12/2024")
    child = factory.task(plan, unit, parent_id=parent, title="Rà soát hồ sơ", deadline="30/09/2024", assignee_id=an_id)
    own = factory.task(plan, unit, title="Cập nhật cơ sở dữ liệu", deadline="31/12/2024", assignee_id=an_id)
    other = factory.task(plan, unit, title="Báo cáo quý", deadline="30/09/2024", assignee_id=binh_id)
    loose = factory.task(plan, unit, title="Tập huấn số hoá", deadline="31/12/2024")
    return {"unit": unit, "plan": plan, "an": an_id, "binh": binh_id, "parent": parent, "child": child, "own": own,
            "other": other, "loose": loose}  # fmt: skip


def _ids(app, flt: TaskFilter) -> set[int]:
    with app.app_context():
        rows, total = task_list(flt, AS_OF, per_page=200)
        assert total == len(rows)
        return {t.id for t, _ in rows}


def test_assignee_filter_in_the_shared_filter(app, team):
    assert _ids(app, TaskFilter(assignee_id=team["an"])) == {team["child"], team["own"]}
    assert _ids(app, TaskFilter(assignee_id=team["binh"])) == {team["other"]}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(who=st.sampled_from(["an", "binh", None]), box=st.sampled_from([None, *Box]))
def test_figure_equals_list_with_the_assignee(app, team, who, box):
    """The counts a page shows and the list its links open are one filter: same number."""
    flt = TaskFilter(assignee_id=team[who] if who else None, leaves_only=True)
    with app.app_context():
        counts = summarize(flt, AS_OF)
        figure = counts[box] if box else sum(counts[b] for b in Box)
        _, total = task_list(TaskFilter(assignee_id=flt.assignee_id, leaves_only=True, box=box), AS_OF, per_page=10)
    assert figure == total


def test_tasks_page_unit_page_and_plan_page_filter_by_assignee(client, factory, team):
    login(client, factory.user(Role.OFFICE))
    html = client.get(f"/tasks?assignee={team['an']}").get_data(as_text=True)
    assert "Rà soát hồ sơ" in html and "Cập nhật cơ sở dữ liệu" in html and "Báo cáo quý" not in html
    assert 'for="assignee">Người thực hiện</label>' in html
    assert f'<option value="{team["an"]}" selected>Người dùng an</option>' in html
    html = client.get(f"/unit?unit={team['unit']}&assignee={team['binh']}").get_data(as_text=True)
    assert "Báo cáo quý" in html and "Rà soát hồ sơ" not in html and "Tập huấn" not in html
    assert f"assignee={team['binh']}" in html  # the counts link to the same filtered list
    html = client.get(f"/plans/{team['plan']}?assignee={team['an']}").get_data(as_text=True)
    # An's phần việc under its parent (so the tree still nests), not the others' tasks.
    assert "Rà soát hồ sơ" in html and "Số hóa thủ tục hành chính" in html and "Báo cáo quý" not in html
    assert "Tập huấn số hoá" not in html


def test_api_list_filters_by_assignee_id(client, app, factory, team):
    headers = token_for(app, factory.user(Role.OFFICE))
    body = client.get(f"/api/v1/tasks?assignee_id={team['an']}", headers=headers).get_json()
    assert {item["id"] for item in body["items"]} == {team["child"], team["own"]} and body["total"] == 2
    bad = client.get("/api/v1/tasks?assignee_id=abc", headers=headers)
    assert bad.status_code == 422 and "assignee_id" in bad.get_json()["error"]["fields"]


def test_with_ancestors_keeps_the_parents_in_order(app, team):
    with app.app_context():
        from tracker.tasks.queries import plan_shape

        shape = plan_shape(team["plan"])
        kept = with_ancestors(dict(shape), {team["child"]})
    assert kept == {team["parent"], team["child"]}
    assert len(shape) > len(kept)  # the plan has others, left out


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("so hoa", {"parent", "loose"}),  # no diacritics: "Số hóa" and "số hoá" (the tone on the other vowel)
        ("THỦ TỤC", {"parent"}),
        ("số hoá", {"parent", "loose"}),
        ("Số hóa", {"parent", "loose"}),
        ("co so du lieu", {"own"}),
        ("bao cao", {"other"}),
        ("xyz không có", set()),
    ],
)
def test_search_filter_ignores_case_diacritics_and_tone_placement(app, team, typed, expected):
    assert _ids(app, TaskFilter(plan_id=team["plan"], search=typed)) == {team[k] for k in expected}


def test_search_filter_on_the_page_and_by_ordinal(client, factory, app, team):
    login(client, factory.user(Role.OFFICE))
    html = client.get("/tasks?q=THU+TUC").get_data(as_text=True)
    assert "Số hóa thủ tục hành chính" in html and "Báo cáo quý" not in html
    with app.app_context():
        child = task_list(TaskFilter(extra=[Task.id == team["child"]]), AS_OF)[0][0][0]
    # An ordinal ("1.1") and a text too short for the trigram index are still matched as typed.
    assert team["child"] in _ids(app, TaskFilter(plan_id=team["plan"], search=child.ordinal))
    assert _ids(app, TaskFilter(plan_id=team["plan"], search="Rà")) == {team["child"]}
    with app.app_context():
        assert search_condition("so hoa") is not None


def test_unit_board_says_when_it_shows_only_the_nearest(client, factory, monkeypatch):
    """Beyond UNIT_BOARD_LIMIT the board says how many it shows of how many, and links to the list."""
    from tracker.tasks import queries

    monkeypatch.setattr(queries, "UNIT_BOARD_LIMIT", 2)
    unit = factory.unit()
    plan = factory.plan()
    for day in ("10/06/2024", "20/06/2024", "30/06/2024"):
        factory.task(plan, unit, day)
    login(client, factory.user(Role.UNIT_HEAD, unit_id=unit))
    html = client.get("/unit?as_of=01/06/2024").get_data(as_text=True)
    assert 'data-testid="board-cut"' in html and "hiện 2 việc gần hạn nhất trong tổng số 3" in html
    monkeypatch.setattr(queries, "UNIT_BOARD_LIMIT", 3)
    assert 'data-testid="board-cut"' not in client.get("/unit?as_of=01/06/2024").get_data(as_text=True)
