"""Search on the real database (SQLite here, PostgreSQL with TEST_DATABASE_URL): every case of issue 15
items 1-2, the index kept by the database whatever writes the tasks, the page, the API and the CLI."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import text

from tests.conftest import login
from tests.test_api import token_for
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.rules.search import FOLD_TABLE, search_fold
from tracker.rules.status import TaskStatus
from tracker.search import queries as q
from tracker.tasks import operations as ops
from tracker.tasks.models import Task


@pytest.fixture
def world(factory):
    unit = factory.unit("Phòng Cải cách hành chính")
    other = factory.unit("Phòng Công chức, viên chức")
    plan = factory.plan("25/KH-SNV", title="Kế hoạch chuyển đổi số năm 2024", issuer="Sở Nội vụ tỉnh Bắc Giang")
    other_plan = factory.plan("7/CT-UBND", title="Chỉ thị về kỷ luật hành chính", issuer="Ủy ban nhân dân tỉnh")
    ids = {
        "hoa": factory.task(plan, unit, title="Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính"),
        "hoa2": factory.task(plan, other, title="Số hoá tài liệu lưu trữ"),
        "upper": factory.task(other_plan, unit, title="RÀ SOÁT THỦ TỤC HÀNH CHÍNH"),
        "plain": factory.task(other_plan, other, title="Đánh giá công chức năm 2024"),
        "desc": factory.task(
            other_plan, other, title="Kiểm tra định kỳ", description="Trong đó có nội dung số hóa quy trình nội bộ."
        ),
    }
    return {"unit": unit, "other": other, "plan": plan, "other_plan": other_plan, **ids}


def found(app, query: str):
    with app.app_context():
        r = q.search(query, date(2024, 10, 1))
        return {h.row.id for h in r.tasks}, {h.plan.id for h in r.plans}, {h.unit.id for h in r.units}


@pytest.mark.parametrize("query", ["số hóa", "số hoá", "so hoa", "SỐ HOÁ", "Số Hóa", "so  hoa"])
def test_every_spelling_of_so_hoa_finds_every_so_hoa(app, world, query):
    tasks, _, _ = found(app, query)
    assert tasks == {world["hoa"], world["hoa2"], world["desc"]}


@pytest.mark.parametrize("query", ["THỦ TỤC", "thủ tục", "thu tuc", "Thu Tuc"])
def test_thu_tuc_in_any_case(app, world, query):
    tasks, _, _ = found(app, query)
    assert tasks == {world["hoa"], world["upper"]}


@pytest.mark.parametrize("query", ["25/KH-SNV", "KH-SNV", "kh-snv", "25/kh"])
def test_the_plan_number_finds_the_plan(app, world, query):
    _, plans, _ = found(app, query)
    assert plans == {world["plan"]}


def test_plans_by_title_and_issuer_and_units_by_name(app, world):
    assert found(app, "chuyen doi so")[1] == {world["plan"]}
    assert found(app, "uy ban nhan dan")[1] == {world["other_plan"]}
    assert found(app, "cai cach")[2] == {world["unit"]}
    assert found(app, "CÔNG CHỨC")[2] == {world["other"]}
    assert found(app, "công chức")[0] == {world["plain"]}


def test_words_need_not_be_adjacent_but_all_must_occur(app, world):
    assert found(app, "hồ sơ thủ tục")[0] == {world["hoa"]}
    assert found(app, "tục thủ")[0] == {world["hoa"], world["upper"]}
    assert found(app, "thu tuc luu tru")[0] == set()


def test_nothing_and_too_short(app, world):
    with app.app_context():
        assert q.search("xyzw", date(2024, 10, 1)).total_shown == 0
        short = q.search("ab", date(2024, 10, 1))
        assert short.message == q.TOO_SHORT and not short.tasks


def test_the_index_follows_edits_results_and_deletes(app, world):
    with app.app_context():
        task = db.session.get(Task, world["plain"])
        office = User(username="vp-search", full_name="Văn phòng", role=Role.OFFICE, email="")
        db.session.add(office)
        db.session.flush()
        ops.edit_task(
            task,
            ops.TaskInput(title="Nâng cấp phần mềm một cửa", lead_unit_id=task.lead_unit_id, deadline_text="Quý IV/2024"),
            office,
        )
        db.session.commit()
    assert world["plain"] not in found(app, "danh gia cong chuc")[0]
    assert world["plain"] in found(app, "phan mem mot cua")[0]
    with app.app_context():
        task = db.session.get(Task, world["plain"])
        office = db.session.query(User).filter_by(username="vp-search").one()
        ops.update_progress(
            task, ops.ProgressInput(TaskStatus.IN_PROGRESS, 50, "Đã hoàn thành ĐỐI SOÁT dữ liệu"), office, date(2024, 10, 1)
        )
        db.session.commit()
    assert world["plain"] in found(app, "doi soat")[0]
    with app.app_context():
        task = db.session.get(Task, world["hoa2"])
        office = db.session.query(User).filter_by(username="vp-search").one()
        assert ops.delete_task(task, office) == "deleted"
        db.session.commit()
    assert found(app, "so hoa")[0] == {world["hoa"], world["desc"]}


def test_rows_written_by_raw_sql_are_found_too(app, world):
    """The database keeps the index (triggers / an expression index), not the Python write path."""
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO task (plan_id, position, ordinal, title, description, lead_unit_id, deadline_text, deadline_kind,"
                " status, progress, confirmation, result, created_at, updated_at)"
                " VALUES (:p, 99, '', 'Tích hợp CỔNG DỊCH VỤ CÔNG', '', :u, '', 'fixed', 'not_started', 0, 'none', '', :now, :now)"
            ),
            {"p": world["plan"], "u": world["unit"], "now": "2024-10-01 02:00:00"},
        )
        new_id = db.session.scalar(text("SELECT max(id) FROM task"))
        db.session.execute(text("UPDATE task SET description = 'Thử nghiệm tra cứu' WHERE id = :i"), {"i": world["upper"]})
        db.session.commit()
    assert found(app, "cong dich vu")[0] == {new_id}
    assert found(app, "tra cuu")[0] == {world["upper"]}


def test_the_database_fold_equals_the_python_fold_on_every_character(app, db_session):
    sample = "".join(FOLD_TABLE) + " 0123456789/-.,;:()&#%_ çñ€ 中文"
    with app.app_context():
        assert db.session.scalar(text("SELECT tracker_fold(:t)"), {"t": sample}) == search_fold(sample)


def test_newest_first_and_a_limit_with_more(app, factory):
    unit = factory.unit()
    plan = factory.plan("9/KH-SNV")
    ids = [factory.task(plan, unit, title=f"Báo cáo tháng {i}") for i in range(5)]
    with app.app_context():
        r = q.search("bao cao thang", date(2024, 10, 1), limit=3)
    assert [h.row.id for h in r.tasks] == ids[::-1][:3]
    assert r.more_tasks


def test_the_page_groups_and_highlights(client, factory, world):
    factory.user(Role.STAFF, world["unit"], username="cv-search")
    login(client, "cv-search")
    html = client.get("/search?q=so+hoa").get_data(as_text=True)
    assert 'data-testid="search-tasks"' in html
    assert "<mark>Số hóa</mark> hồ sơ" in html and "<mark>Số hoá</mark> tài liệu" in html
    assert "nội dung <mark>số hóa</mark> quy trình" in html  # the description's match, in context
    assert f'href="/tasks/{world["hoa"]}"' in html
    html = client.get("/search?q=KH-SNV").get_data(as_text=True)
    assert 'data-testid="search-plans"' in html and "25/<mark>KH-SNV</mark>" in html
    assert f'href="/plans/{world["plan"]}"' in html
    html = client.get("/search?q=c%E1%BA%A3i+c%C3%A1ch").get_data(as_text=True)  # "cải cách"
    assert 'data-testid="search-units"' in html and "<mark>Cải</mark> <mark>cách</mark> hành chính" in html
    html = client.get("/search?q=a").get_data(as_text=True)
    assert "Nhập ít nhất 3 ký tự" in html
    html = client.get("/search?q=khongcogi").get_data(as_text=True)
    assert 'data-testid="search-none"' in html
    # The box is in the navbar of every page.
    page = client.get("/plans").get_data(as_text=True)
    assert re.search(r'<form[^>]+action="/search"[^>]*role="search"', page) and 'id="nav-search"' in page


def test_the_page_needs_a_sign_in(client, db_session):
    response = client.get("/search?q=so+hoa")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_api(client, app, factory, world):
    factory.user(Role.UNIT_HEAD, world["unit"], username="tp-search")
    headers = token_for(app, "tp-search")
    assert client.get("/api/v1/search?q=so+hoa").status_code == 401
    body = client.get("/api/v1/search?q=so+hoa", headers=headers).get_json()
    assert {t["id"] for t in body["tasks"]} == {world["hoa"], world["hoa2"], world["desc"]}
    first = next(t for t in body["tasks"] if t["id"] == world["hoa"])
    assert first["matched"] == ["Số hóa"] and first["plan"]["number"] == "25/KH-SNV"
    assert body["more"] == {"tasks": False, "plans": False}
    body = client.get("/api/v1/search?q=25/KH-SNV", headers=headers).get_json()
    assert [p["number"] for p in body["plans"]] == ["25/KH-SNV"] and body["plans"][0]["matched"] == ["25/KH-SNV"]
    bad = client.get("/api/v1/search?q=ab", headers=headers)
    assert bad.status_code == 422 and "ít nhất 3 ký tự" in bad.get_json()["error"]["fields"]["q"]


def test_the_cli(runner, world):
    result = runner.invoke(args=["search", "số hoá"])
    assert result.exit_code == 0, result.output
    assert "Số hóa hồ sơ" in result.output and "Số hoá tài liệu" in result.output
    assert runner.invoke(args=["search", "x"]).exit_code != 0
