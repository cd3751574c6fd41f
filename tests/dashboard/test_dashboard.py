"""The director's dashboard, the office board, XLSX export, and the fixed number of queries per page."""

import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from tests.conftest import count_statements, login
from tracker import clock
from tracker.accounts.models import Role
from tracker.extensions import db


def test_director_lands_on_the_dashboard_with_the_report_figures(client, demo):
    login(client, "giamdoc", "demo-2026-tracker")
    assert client.get("/").headers["Location"].endswith("/dashboard")
    html = client.get(f"/dashboard?plan={demo}&as_of=15/12/2023").get_data(as_text=True)
    assert re.search(r"Đã hoàn thành <a[^>]*>41</a>/<a[^>]*>47</a> nhiệm vụ, đạt 87,23%", html)
    done_link, all_link = re.findall(r'data-testid="headline">Đã hoàn thành <a href="([^"]+)">41</a>/<a href="([^"]+)">', html)[0]
    assert 'data-testid="total">41 nhiệm vụ' in client.get(done_link.replace("&amp;", "&")).get_data(as_text=True)
    assert 'data-testid="total">47 nhiệm vụ' in client.get(all_link.replace("&amp;", "&")).get_data(as_text=True)
    assert 'data-testid="rate-due">93,18%' in html
    assert 'data-testid="trend"' in html and "<svg" in html


def test_every_figure_links_to_exactly_the_tasks_behind_it(client, demo):
    login(client, "giamdoc", "demo-2026-tracker")
    html = client.get(f"/dashboard?plan={demo}&as_of=15/12/2023").get_data(as_text=True)
    link = re.search(r'<a class="text-danger" href="([^"]+)" data-testid="overdue-total">(\d+) quá hạn', html)
    href, shown = link.group(1).replace("&amp;", "&"), int(link.group(2))
    listing = client.get(href).get_data(as_text=True)
    assert f'data-testid="total">{shown} nhiệm vụ' in listing
    assert listing.count("Đang thực hiện quá hạn</span>") == shown
    # Per unit: the figures add up to the headline, and each links to its own list.
    table = html[html.index('data-testid="overdue-by-unit"') : html.index('data-testid="ranking"')]
    unit_links = re.findall(r'href="([^"]+)">(\d+)</a>', table)
    assert sum(int(n) for _, n in unit_links) == shown
    for href, n in unit_links:
        assert f'data-testid="total">{n} nhiệm vụ' in client.get(href.replace("&amp;", "&")).get_data(as_text=True)
    # How late the oldest is, in days; the ranking shows each unit's on-time rate.
    assert re.search(r'<td class="text-end">\d+ ngày</td>', table)
    ranking = html[html.index('data-testid="ranking"') : html.index('data-testid="due-soon"')]
    # Văn phòng Sở: 17 on time of 18 come due = 94,44 %.
    assert re.search(r'>17</a></td>\s*<td class="text-end">18</td><td class="text-end">94,44%</td>', ranking)


def test_decree_09_period_counts_the_tasks_due_in_it(client, demo):
    login(client, "giamdoc", "demo-2026-tracker")
    html = client.get(f"/dashboard?plan={demo}&period=year&year=2023&scheme=nd09&as_of=01/06/2025").get_data(as_text=True)
    assert "Năm 2023 (từ 15/12/2022 đến 14/12/2023)" in html
    assert "tính tại ngày 14/12/2023" in html
    # "Trong năm 2023" deadlines (02/01/2024 after Điều 148) fall outside this period.
    match = re.search(r"Đã hoàn thành <a[^>]*>(\d+)</a>/<a[^>]*>(\d+)</a> nhiệm vụ", html)
    assert int(match.group(2)) < 47


def test_bad_period_is_explained(client, demo):
    login(client, "giamdoc", "demo-2026-tracker")
    html = client.get("/dashboard?period=quarter&index=7").get_data(as_text=True)
    assert "Kỳ báo cáo không hợp lệ" in html


def test_office_board(client, demo, app):
    login(client, "vanphong", "demo-2026-tracker")
    assert client.get("/").headers["Location"].endswith("/board")
    html = client.get("/board").get_data(as_text=True)
    for marker in (
        'data-testid="chase"',
        'data-testid="confirm"',
        'data-testid="extensions"',
        'data-testid="silent"',
        'data-testid="plans"',
    ):
        assert marker in html
    assert "Duy trì, nâng cấp Hệ thống chấm điểm chỉ số cải cách hành chính" in html  # awaiting confirmation
    assert "Par Index" in html  # extension waiting
    # The board's filters apply to every list on it, extension requests included.
    with app.app_context():
        from tracker.accounts.models import Unit

        archive = db.session.query(Unit.id).filter_by(name="Trung tâm Lưu trữ lịch sử").scalar()
    filtered = client.get(f"/board?unit={archive}").get_data(as_text=True)
    assert "Par Index" not in filtered.split('data-testid="extensions"')[1].split("</ul>")[0]
    head = app.test_client()
    login(head, "truongphong", "demo-2026-tracker")
    assert head.get("/board").status_code == 403


def test_xlsx_export_matches_the_list(client, demo):
    login(client, "vanphong", "demo-2026-tracker")
    listing = client.get(f"/tasks?plan={demo}&leaves=1&as_of=15/12/2023").get_data(as_text=True)
    total = int(re.search(r'data-testid="total">(\d+) nhiệm vụ', listing).group(1))
    response = client.get(f"/tasks/export.xlsx?plan={demo}&leaves=1&as_of=15/12/2023")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Danh sách nhiệm vụ, tình trạng tính đến ngày 15/12/2023"
    assert rows[3][:4] == ("Kế hoạch", "STT", "Nhiệm vụ", "Đơn vị chủ trì")
    body = rows[4:]
    assert len(body) == total == 47
    assert sum(1 for r in body if r[10] == "Hoàn thành đúng hạn") == 36
    assert isinstance(body[0][5], datetime | date)


def _task_history(app, task_id, user_ids, n):
    """Journal entries, evidence and extension requests on a task, each by its own people (so that a
    per-person load in any of the three shows, not hidden by another list having loaded them)."""
    from tracker.tasks.models import Attachment, ExtensionRequest, ExtensionState, TaskEvent

    with app.app_context():
        for i in range(n):
            by = [user_ids[(3 * i + k) % len(user_ids)] for k in range(3)]
            db.session.add(TaskEvent(task_id=task_id, user_id=by[0], action="updated", field="progress", new_value=str(i)))
            db.session.add(
                Attachment(
                    task_id=task_id,
                    filename=f"bc-{i}.pdf",
                    stored_name=f"x{n}-{i}.pdf",
                    content_type="application/pdf",
                    size=10,
                    uploaded_by_id=by[1],
                )
            )
            db.session.add(
                ExtensionRequest(
                    task_id=task_id,
                    requested_by_id=by[2],
                    reason="Lý do",
                    previous_due=date(2024, 12, 31),
                    proposed_due=date(2025, 1, 31),
                    state=ExtensionState.REJECTED,
                    decided_by_id=by[2],
                    decided_at=clock.now(),
                )
            )
        db.session.commit()


def _count_queries(app, client, url):
    def page():
        assert client.get(url).status_code == 200, url

    return count_statements(app, page)


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard",
        "/dashboard?period=quarter&index=4&year=2024",
        "/board",
        "/tasks?box=open_overdue",
        "/tasks?leaves=1",
        "/plans",
        "/unit?unit={unit}",
        "/tasks/{task}",
    ],
)
def test_pages_issue_a_fixed_number_of_queries(client, factory, app, url):
    units = [factory.unit() for _ in range(3)]
    plan = factory.plan()
    office = factory.user(Role.OFFICE)
    # Several people, so a per-person load of the journal, evidence or extensions would show.
    people = [factory.user_id(factory.user(Role.STAFF, units[0])) for _ in range(15)]
    login(client, office)
    task = factory.task(plan, units[0], "Quý IV/2024")
    factory.task(plan, units[0], "Tháng 8/2024", parent_id=task)
    _task_history(app, task, people[:3], 1)
    url = url.format(unit=units[0], task=task)
    small = _count_queries(app, client, url)
    for i in range(40):
        parent = factory.task(plan, units[i % 3], "Quý IV/2024")
        factory.task(plan, units[(i + 1) % 3], "Tháng 8/2024", parent_id=parent)
        # The task page: more sub-tasks, journal entries by people, evidence and extension requests.
        factory.task(plan, units[i % 3], "Tháng 9/2024", parent_id=task)
    _task_history(app, task, people, 20)
    large = _count_queries(app, client, url)
    assert small == large, (url, small, large)
