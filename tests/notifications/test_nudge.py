"""Đôn đốc (issue 10, item 10): offered only where someone can receive it, decided in one function and
enforced by the server, journaled only when sent, once a day, and văn phòng stays on the board."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select

from tests.conftest import login
from tracker import clock
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.notifications.jobs import tick
from tracker.notifications.models import Delivery
from tracker.notifications.rules import nudge_refusal
from tracker.tasks.models import TaskEvent


def nudges_journaled(app, task: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(TaskEvent).where(TaskEvent.task_id == task, TaskEvent.action == "nudged")
        )


def nudge_rows(app, task: int) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Delivery.key).where(Delivery.rule == "nudge", Delivery.task_id == task)))


def chase_row(html: str, title: str) -> str:
    start = html.index(title, html.index('data-testid="chase"'))
    return html[start : html.index("</tr>", start)]


def test_the_rule_in_words():
    assert nudge_refusal(True, 1, False) is None
    assert nudge_refusal(True, 2, False) is None
    assert "chưa có trưởng đơn vị" in nudge_refusal(True, 0, False)
    assert "đã được đôn đốc hôm nay" in nudge_refusal(True, 1, True)
    assert "đã hoàn thành hoặc đã hủy" in nudge_refusal(False, 1, False)
    # Nobody to receive it outranks "already today" (nothing could have been sent today anyway).
    assert "chưa có trưởng đơn vị" in nudge_refusal(True, 0, True)


def test_board_offers_nudge_only_where_someone_receives_it_and_keeps_the_user_there(app, factory, client, mailbox):
    headed = factory.unit("Phòng Cải cách hành chính")
    factory.user(Role.UNIT_HEAD, headed, username="truong")
    headless = factory.unit("Trung tâm Lưu trữ lịch sử")
    staffed = factory.unit("Thanh tra Sở")
    inspector = factory.user(Role.STAFF, staffed, username="thanhtra")
    factory.user(Role.UNIT_HEAD, headless, username="nghi", active=False)  # a head who left does not count
    plan = factory.plan()
    chased = factory.task(plan, headed, "16/09/2024", title="Rà soát thủ tục hành chính")
    orphan = factory.task(plan, headless, "16/09/2024", title="Chỉnh lý tài liệu lưu trữ")
    assigned = factory.task(plan, staffed, "16/09/2024", title="Thanh tra công vụ", assignee_id=factory.user_id(inspector))
    token = login(client, factory.user(Role.OFFICE, username="vanphong"))

    board = client.get("/board").get_data(as_text=True)
    assert 'aria-label="Đôn đốc Rà soát thủ tục hành chính"' in board
    assert 'aria-label="Đôn đốc Thanh tra công vụ"' in board  # no head, but someone is assigned
    row = chase_row(board, "Chỉnh lý tài liệu lưu trữ")
    assert "Đôn đốc Chỉnh lý" not in row and "đơn vị chưa có trưởng đơn vị, chưa giao cho ai" in row
    assert f'href="/admin/units/{headless}"' in row

    # The server refuses what the board does not offer: nothing queued, nothing journaled, a message.
    refused = client.post(f"/tasks/{orphan}/nudge", data={"csrf_token": token, "next": "/board"}, follow_redirects=True)
    assert "Không có người nhận đôn đốc" in refused.get_data(as_text=True)
    assert nudge_rows(app, orphan) == [] and nudges_journaled(app, orphan) == 0

    # Nor a finished task, though its unit has a head (the board lists only overdue ones; the URL is open).
    with app.app_context():
        from tracker.rules.status import TaskStatus
        from tracker.tasks.models import Task

        finished = db.session.get(Task, factory.task(plan, headed, "16/09/2024", title="Việc đã xong"))
        finished.status, finished.progress, finished.completed_on = TaskStatus.DONE, 100, finished.due_date
        finished_id = finished.id
        db.session.commit()
    refused = client.post(f"/tasks/{finished_id}/nudge", data={"csrf_token": token, "next": "/board"}, follow_redirects=True)
    assert "Nhiệm vụ đã hoàn thành hoặc đã hủy, không cần đôn đốc." in refused.get_data(as_text=True)
    assert nudge_rows(app, finished_id) == [] and nudges_journaled(app, finished_id) == 0

    # Nudging from the board goes back to the board (with its filters), and is journaled once.
    response = client.post(f"/tasks/{chased}/nudge", data={"csrf_token": token, "next": "/board?unit=" + str(headed)})
    assert response.status_code == 302 and response.headers["Location"] == f"/board?unit={headed}"
    assert len(nudge_rows(app, chased)) == 1 and nudges_journaled(app, chased) == 1
    # Another site is never a place to go back to.
    client.post(f"/tasks/{assigned}/nudge", data={"csrf_token": token, "next": "//evil.example/x"})
    assert nudges_journaled(app, assigned) == 1

    # The second nudge the same day: said so, nothing more queued or journaled; the board shows it.
    again = client.post(f"/tasks/{chased}/nudge", data={"csrf_token": token, "next": "/board"}, follow_redirects=True)
    page = again.get_data(as_text=True)
    assert again.request.path == "/board"
    assert "Nhiệm vụ này đã được đôn đốc hôm nay; có thể đôn đốc lại từ ngày mai." in page
    assert len(nudge_rows(app, chased)) == 1 and nudges_journaled(app, chased) == 1
    assert "Đã đôn đốc hôm nay" in chase_row(page, "Rà soát thủ tục hành chính")

    # The next day it may go again.
    clock.freeze(datetime(2024, 10, 2, 9, 0))
    assert 'aria-label="Đôn đốc Rà soát thủ tục hành chính"' in client.get("/board").get_data(as_text=True)
    assert client.post(f"/tasks/{chased}/nudge", data={"csrf_token": token, "next": "/board"}).status_code == 302
    assert len(nudge_rows(app, chased)) == 2 and nudges_journaled(app, chased) == 2

    # Delivered: the head gets one e-mail for both days' nudges (one per tick), with văn phòng's words.
    with app.app_context():
        tick(clock.now())
    mine = [m for m in mailbox if m["To"].addresses[0].username == "truong"]
    assert len(mine) == 1 and "Văn phòng đôn đốc thực hiện" in mine[0].get_body(("plain",)).get_content()


def test_task_page_says_why_there_is_no_nudge(app, factory, client):
    headless = factory.unit()
    task = factory.task(factory.plan(), headless, "16/09/2024", title="Việc không người nhận")
    login(client, factory.user(Role.OFFICE))
    page = client.get(f"/tasks/{task}").get_data(as_text=True)
    assert "Gửi đôn đốc" not in page
    assert "Không có người nhận đôn đốc" in page and f'href="/admin/units/{headless}"' in page
    factory.user(Role.UNIT_HEAD, headless, username="truongmoi")
    page = client.get(f"/tasks/{task}").get_data(as_text=True)
    assert "Gửi đôn đốc" in page and "Không có người nhận đôn đốc" not in page
    # The note is sent with it; the flash says to how many people.
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    done = client.post(
        f"/tasks/{task}/nudge", data={"csrf_token": token, "n-note": "Báo cáo trước thứ Sáu"}, follow_redirects=True
    )
    assert done.request.path == f"/tasks/{task}" and "(1 người nhận)" in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Delivery.note).where(Delivery.rule == "nudge")) == "Báo cáo trước thứ Sáu"
