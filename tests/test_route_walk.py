"""Walk every route as every role with bad ids and bad form data: never a 500, never a half-saved row."""

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import login
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.tasks.models import ExtensionRequest, Task, TaskEvent

BAD_IDS = ["0", "999999", "abc", "-5", "1.5", "99999999999999999999999", "%00"]
GARBAGE = {
    "title": "",
    "number": "??",
    "issued_on": "32/13/2024",
    "year": "năm",
    "lead_unit_id": "x",
    "cooperating_unit_ids": ["y", "999999"],
    "deadline_text": "31/02/2024",
    "due_date": "hôm nay",
    "start_date": "0/0/0",
    "p-status": "xong",
    "p-progress": "-7",
    "p-completed_on": "31/04/2024",
    "a-assignee_id": "999999",
    "r-reason": "",
    "e-proposed_due": "abc",
    "e-reason": "",
    "d-decision": "maybe",
    "m-parent_id": "-1",
    "m-position": "0",
    "name": "",
    "kind": "ufo",
    "parent_id": "zz",
    "role": "king",
    "unit_id": "q",
    "username": "a b",
    "day": "30/02/2025",
    "email": "không-phải-email",
    "doc_type": "thu",
    "status": "??",
}
ROLES = [None, Role.ADMIN, Role.OFFICE, Role.LEADER, Role.UNIT_HEAD, Role.STAFF]


def _counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Task, TaskEvent, ExtensionRequest))


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_every_route_with_bad_input(client, factory, app, role):
    unit = factory.unit()
    plan = factory.plan()
    task = factory.task(plan, unit)
    username = factory.user(role, unit) if role else None
    token = login(client, username) if role else None
    api_headers = {}
    if role:
        with app.app_context():
            user = db.session.query(User).filter_by(username=username).one()
            api_headers = {"Authorization": f"Bearer {user.new_api_token()}"}
            db.session.commit()
    # Logging out would turn the rest of the walk into an anonymous one; deleting a real task is a valid action.
    rules = [
        r
        for r in app.url_map.iter_rules()
        if r.endpoint not in ("static", "accounts.logout") and not r.endpoint.startswith("bootstrap")
    ]
    before = _counts(app)
    seen = 0
    for rule in rules:
        names = list(rule.arguments)
        id_sets = [dict.fromkeys(names, bad) for bad in BAD_IDS] if names else [{}]
        id_sets.append({n: str(task if "task" in n else plan if "plan" in n else unit) for n in names})
        for ids in id_sets:
            url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m, ids=ids: ids[m.group(1)], rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if method == "POST" and rule.endpoint == "tasks.delete" and ids.get("task_id") == str(task):
                    continue
                data = {**GARBAGE, "csrf_token": token} if token else GARBAGE
                if method == "GET":
                    response = client.get(url, query_string={"as_of": "99/99/9999", "page": "-3", "box": "xx", "plan": "abc"})
                elif url.startswith("/api/"):
                    response = client.open(
                        url,
                        method=method,
                        headers=api_headers,
                        json={"status": 5, "approve": "x", "issued_on": 7, "lead_unit_id": "a", "cooperating_unit_ids": "b"},
                    )
                else:
                    response = client.open(url, method=method, data=data)
                seen += 1
                assert response.status_code < 500, (role, method, url, response.status_code)
                if response.status_code >= 400 and not url.startswith("/api/"):
                    text = response.get_data(as_text=True)
                    assert 'lang="vi"' in text, (method, url)
                response.close()
    assert seen > 100
    if role is not None:
        assert client.get("/plans").status_code == 200  # still signed in: the walk ran as this role
    # Garbage never half-saves anything (a valid "cancel" or "delete" is not garbage, so none happened).
    assert _counts(app)[0] == before[0]
    assert _counts(app)[2] == before[2]
