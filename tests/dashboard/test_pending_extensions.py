"""Issue 10 item 7: "Đề nghị gia hạn chờ duyệt" on the director's dashboard, each decided there in one
step with a note, returning to the dashboard (as well as on the task page)."""

from datetime import date

from tests.conftest import login
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.tasks.models import ExtensionRequest, ExtensionState, Task


def _request(app, client_factory, factory, unit, title, proposed="31/10/2024", reason="Chờ ý kiến của Bộ Nội vụ."):
    """The unit head asks for an extension through the task page; returns (task id, request id)."""
    plan = factory.plan()
    task = factory.task(plan, unit, "15/10/2024", title=title)
    head = client_factory()
    token = login(head, factory.user(Role.UNIT_HEAD, unit))
    response = head.post(f"/tasks/{task}/extensions", data={"csrf_token": token, "e-proposed_due": proposed, "e-reason": reason})
    assert response.status_code == 302
    with app.app_context():
        req = db.session.query(ExtensionRequest).filter_by(task_id=task).one()
        return task, req.id


def _decide(client, token, req, decision, note="", next_="/dashboard"):
    return client.post(
        f"/extensions/{req}/decide", data={"csrf_token": token, "d-decision": decision, "d-decision_note": note, "next": next_}
    )


def test_the_director_sees_each_request_with_what_he_needs_to_decide(client, factory, app):
    unit = factory.unit("Phòng Cải cách hành chính")
    task, req = _request(app, app.test_client, factory, unit, "Xây dựng bộ chỉ số CCHC")
    login(client, factory.user(Role.LEADER, username="giamdoc"))
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Đề nghị gia hạn chờ duyệt (1)" in html
    row = html.split(f'data-testid="pending-extension-{req}"')[1].split("</li>")[0]
    assert "Xây dựng bộ chỉ số CCHC" in row and "Phòng Cải cách hành chính" in row
    assert "Thời hạn hiện tại <strong>15/10/2024</strong> → đề nghị <strong>31/10/2024</strong>" in row
    assert "Chờ ý kiến của Bộ Nội vụ." in row and "Đề nghị bởi Người dùng unit_head" in row and "01/10/2024" in row
    assert f'action="/extensions/{req}/decide"' in row


def test_approving_from_the_list_moves_the_deadline_and_returns_to_the_dashboard(client, factory, app):
    unit = factory.unit()
    task, req = _request(app, app.test_client, factory, unit, "Việc cần gia hạn")
    token = login(client, factory.user(Role.LEADER))
    response = _decide(client, token, req, "approve", "Đồng ý.", f"/dashboard?unit={unit}")
    assert response.status_code == 302 and response.headers["Location"] == f"/dashboard?unit={unit}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã duyệt gia hạn." in html and "Đề nghị gia hạn chờ duyệt (0)" in html
    with app.app_context():
        t = db.session.get(Task, task)
        r = db.session.get(ExtensionRequest, req)
        assert t.extended_due == date(2024, 10, 31) and t.effective_due == date(2024, 10, 31)
        assert r.state is ExtensionState.APPROVED and r.decision_note == "Đồng ý." and r.decided_by.role is Role.LEADER


def test_rejecting_needs_a_note_and_changes_nothing_without_one(client, factory, app):
    unit = factory.unit()
    task, req = _request(app, app.test_client, factory, unit, "Việc xin gia hạn")
    token = login(client, factory.user(Role.LEADER))
    response = _decide(client, token, req, "reject")
    assert response.status_code == 422
    assert "Vui lòng nêu lý do không duyệt." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ExtensionRequest, req).state is ExtensionState.PENDING
    response = _decide(client, token, req, "reject", "Không có căn cứ.")
    assert response.headers["Location"] == "/dashboard"
    assert "Đã ghi quyết định không duyệt gia hạn." in client.get("/dashboard").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ExtensionRequest, req).state is ExtensionState.REJECTED
        assert db.session.get(Task, task).effective_due == date(2024, 10, 15)


def test_the_list_follows_the_unit_filter_and_is_shown_only_to_those_who_decide(client, factory, app):
    unit, other = factory.unit(), factory.unit()
    _, mine = _request(app, app.test_client, factory, unit, "Việc của phòng A")
    _, theirs = _request(app, app.test_client, factory, other, "Việc của phòng B")
    login(client, factory.user(Role.LEADER))
    html = client.get(f"/dashboard?unit={unit}").get_data(as_text=True)
    assert f"pending-extension-{mine}" in html and f"pending-extension-{theirs}" not in html
    head = app.test_client()
    login(head, factory.user(Role.UNIT_HEAD, unit))
    assert "Đề nghị gia hạn chờ duyệt" not in head.get("/dashboard").get_data(as_text=True)
    office = app.test_client()
    login(office, factory.user(Role.OFFICE))
    assert "Đề nghị gia hạn chờ duyệt (2)" in office.get("/dashboard").get_data(as_text=True)


def test_a_next_address_elsewhere_is_ignored(client, factory, app):
    unit = factory.unit()
    task, req = _request(app, app.test_client, factory, unit, "Việc khác")
    token = login(client, factory.user(Role.LEADER))
    response = _decide(client, token, req, "approve", next_="//evil.example/")
    assert response.headers["Location"] == f"/tasks/{task}"


def test_a_decision_from_a_dashboard_shown_before_another_change_is_refused(client, factory, app):
    """The dashboard's form carries the task's version: when someone changed the task after the director
    opened the page, the decision is refused (409) with what changed, and the request stays pending."""
    import re

    from sqlalchemy import update

    unit = factory.unit()
    task, req = _request(app, app.test_client, factory, unit, "Việc xin gia hạn lần hai")
    token = login(client, factory.user(Role.LEADER))
    html = client.get("/dashboard").get_data(as_text=True)
    row = html.split(f'data-testid="pending-extension-{req}"')[1].split("</form>")[0]
    version = re.search(r'name="d-version" value="(\d+)"', row).group(1)
    with app.app_context():  # someone else renames the task meanwhile (as the edit form does: version + 1)
        db.session.execute(update(Task).where(Task.id == task).values(title="Việc đã đổi tên", version=Task.version + 1))
        db.session.commit()
    response = client.post(
        f"/extensions/{req}/decide",
        data={"csrf_token": token, "d-decision": "approve", "d-decision_note": "", "d-version": version, "next": "/dashboard"},
    )
    assert response.status_code == 409
    assert "Người khác đã sửa nhiệm vụ này" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ExtensionRequest, req).state is ExtensionState.PENDING
