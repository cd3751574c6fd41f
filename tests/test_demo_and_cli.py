"""The demo data, the summary command and the scheduler's replay, as a newcomer meets them."""

import json
import re
from datetime import datetime

import pytest

from tests.conftest import login
from tracker import clock
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.settings.models import AppState
from tracker.tasks.models import Task


@pytest.fixture
def demo(runner):
    # The demo records work finished up to early 2025, so it is loaded on a later "today".
    clock.freeze(datetime(2025, 6, 2, 8, 30))
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "Đã nạp dữ liệu minh hoạ" in result.output
    return runner


def test_demo_is_loaded_once(demo):
    again = demo.invoke(args=["demo", "load", "--if-empty"])
    assert again.exit_code == 0 and "giữ nguyên" in again.output
    forced = demo.invoke(args=["demo", "load"])
    assert forced.exit_code != 0


def test_summary_of_the_cchc_plan_at_the_report_date(demo):
    result = demo.invoke(args=["summary", "01/KH.CCHC-STTTT", "--as-of", "2023-12-15"])
    assert result.exit_code == 0, result.output
    assert "Đã thực hiện 41/47 phần việc, đạt tỷ lệ 87,23%" in result.output
    data = json.loads(demo.invoke(args=["summary", "01/KH.CCHC-STTTT", "--as-of", "2023-12-15", "--json"]).output)
    assert (data["total"], data["completed"], data["rate_all"]) == (47, 41, "87,23")
    assert data["done_on_time"] + data["done_late"] == 41
    assert data["open_overdue"] > 0 and data["done_late"] > 0
    assert data["rate_due"] == "93,18"  # 41 / (41 + 3 open past deadline)


def test_figures_for_a_past_date_do_not_change_when_work_is_finished_later(demo):
    later = json.loads(demo.invoke(args=["summary", "01/KH.CCHC-STTTT", "--as-of", "2024-06-30", "--json"]).output)
    assert later["completed"] == 43  # two tasks were finished after 15/12/2023
    again = json.loads(demo.invoke(args=["summary", "01/KH.CCHC-STTTT", "--as-of", "2023-12-15", "--json"]).output)
    assert again["completed"] == 41


def test_summary_errors(demo):
    assert "Không có văn bản số" in demo.invoke(args=["summary", "99/KH-XYZ"]).output
    assert "không tồn tại" in demo.invoke(args=["summary", "01/KH.CCHC-STTTT", "--as-of", "2023-02-30"]).output


def test_seed_004_plan_has_its_sections_and_reporting_duty(demo, app):
    with app.app_context():
        plan = db.session.query(Plan).filter_by(number="25/KH-SNV").one()
        assert "199/KH-UBND" in plan.parent_reference
    client = app.test_client()
    login(client, "vanphong", "demo-2026-tracker")
    html = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    for text in (
        "Công tác tuyên truyền",
        "Thể chế số",
        "An toàn thông tin mạng",
        "Dữ liệu số",
        "trước ngày 15 của tháng cuối quý",
        "Thường xuyên",
        "Chưa xác định thời hạn",
        "Chờ xác nhận",
        "Gia hạn",
    ):
        assert text in html, text


@pytest.mark.parametrize("username", ["vanphong", "giamdoc", "truongphong", "chuyenvien", "admin", "tp.ccvc"])
def test_every_demo_role_sees_its_pages(demo, app, username):
    client = app.test_client()
    login(client, username, "demo-2026-tracker")
    home = client.get("/", follow_redirects=True)
    assert home.status_code == 200
    with app.app_context():
        plan_id = db.session.query(Plan.id).filter_by(number="01/KH.CCHC-STTTT").scalar()
        task_id = db.session.query(Task.id).filter_by(plan_id=plan_id).order_by(Task.id).limit(1).scalar()
    for url in ("/plans", "/tasks", "/unit", f"/plans/{plan_id}", f"/plans/{plan_id}?as_of=15/12/2023", f"/tasks/{task_id}"):
        assert client.get(url).status_code == 200, url


def test_plan_page_shows_the_headline_for_the_report_date(demo, app):
    client = app.test_client()
    login(client, "giamdoc", "demo-2026-tracker")
    with app.app_context():
        plan_id = db.session.query(Plan.id).filter_by(number="01/KH.CCHC-STTTT").scalar()
    html = client.get(f"/plans/{plan_id}?as_of=15/12/2023").get_data(as_text=True)
    assert "Đã thực hiện 41/47 phần việc, đạt tỷ lệ 87,23%" in html
    # Each nhiệm vụ rolls up its phần việc: the first has 7, one still open at 15/12/2023 — the same
    # sentence as in the lists, with the overdue count when there is one.
    assert "6/7 phần việc hoàn thành" in html
    assert re.search(r"\d+/\d+ phần việc hoàn thành, \d+ quá hạn", html)


def test_scheduler_tick_replays_a_moment(runner, app):
    result = runner.invoke(args=["scheduler", "tick", "--now", "2024-06-14T07:00"])
    assert result.exit_code == 0, result.output
    assert "[heartbeat] heartbeat 14/06/2024 07:00" in result.output
    with app.app_context():
        assert db.session.get(AppState, "scheduler.heartbeat").value.startswith("2024-06-14T00:00")
    bad = runner.invoke(args=["scheduler", "tick", "--now", "hôm qua"])
    assert bad.exit_code != 0 and "không hợp lệ" in bad.output


def test_every_command_is_registered_from_one_place_under_its_old_name(app):
    commands = app.cli.list_commands(None)
    for name in ("users", "demo", "scheduler", "mailsink", "tally", "summary", "report", "import-plan"):
        assert name in commands, name
    assert set(app.cli.get_command(None, "users").list_commands(None)) == {"create", "set-password", "token"}
    assert set(app.cli.get_command(None, "scheduler").list_commands(None)) == {"run", "tick"}


def test_tally_check_agrees_on_a_fresh_database(runner):
    result = runner.invoke(args=["tally", "check"])
    assert result.exit_code == 0 and "Bảng đếm khớp" in result.output, result.output


def test_importing_config_writes_no_secret_key_and_start_up_writes_one_that_lasts(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["TRACKER_INSTANCE_DIR"] = str(tmp_path / "instance")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.db'}"
    code = "import config; print(repr(config.Config.SECRET_KEY))"
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "''"
    assert not (tmp_path / "instance").exists()
    start = (
        "from tracker import create_app; a = create_app(); b = create_app(); "
        "assert a.config['SECRET_KEY'] == b.config['SECRET_KEY']; print(a.config['SECRET_KEY'])"
    )
    first = subprocess.run([sys.executable, "-c", start], cwd=root, env=env, capture_output=True, text=True, check=True)
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.read_text().strip() == first.stdout.strip() and len(first.stdout.strip()) == 64
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in (tmp_path / "instance").iterdir() if p.name.startswith(".secret")] == []
    again = subprocess.run([sys.executable, "-c", start], cwd=root, env=env, capture_output=True, text=True, check=True)
    assert again.stdout == first.stdout  # sessions survive a restart
    env["SECRET_KEY"] = "from-the-environment"
    chosen = subprocess.run([sys.executable, "-c", start], cwd=root, env=env, capture_output=True, text=True, check=True)
    assert chosen.stdout.strip() == "from-the-environment"


def test_the_tests_use_a_fixed_key_and_never_touch_the_instance_key(app):
    from pathlib import Path

    import config

    assert app.config["SECRET_KEY"] == config.TestConfig.SECRET_KEY
    assert not (Path(app.instance_path) / "secret_key").exists()
