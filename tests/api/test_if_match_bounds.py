"""An If-Match no stored version can have (beyond the integer column) is unreadable, answered 422 in
Vietnamese, nothing saved — the API fuzzing sent 447094994642309829 and PostgreSQL answered "integer out of
range" with a 500."""

from __future__ import annotations

import pytest

from tests.test_api import token_for
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.tasks.models import Task


@pytest.mark.parametrize("sent", ['"447094994642309829"', str(2**31), '"99999999999"'])
def test_a_version_beyond_the_column_is_unreadable(client, app, factory, sent):
    unit = factory.unit()
    task_id = factory.task(factory.plan(), unit, title="Việc cũ")
    auth = token_for(app, factory.user(Role.OFFICE))
    response = client.patch(f"/api/v1/tasks/{task_id}", headers={**auth, "If-Match": sent}, json={"title": "Việc mới"})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "If-Match không hợp lệ" in response.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.get(Task, task_id).title == "Việc cũ"
