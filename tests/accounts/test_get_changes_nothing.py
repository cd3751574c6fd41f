"""No state change on GET (issue 16): every GET route, opened by signed-in people of each kind with real
ids, leaves every table exactly as it was (each row of each table hashed before and after)."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from tests.conftest import login
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.notifications.models import Channel, Delivery

SKIP = {"static", "accounts.logout"}


def database_digest(app) -> dict[str, str]:
    """Each table's rows, in primary-key order, hashed."""
    digests = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = db.session.execute(select(table).order_by(*order)).all()
            digests[table.name] = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
    return digests


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in before if before[name] != after[name])


@pytest.mark.parametrize("role", [Role.ADMIN, Role.UNIT_HEAD], ids=lambda r: r.value)
def test_every_get_route_changes_nothing(app, factory, client, role):
    unit = factory.unit()
    plan = factory.plan()
    task = factory.task(plan, unit)
    username = factory.user(role, unit)
    login(client, username)
    user_id = factory.user_id(username)
    with app.app_context():
        delivery = Delivery(key="walk:1", rule="ev_assigned", task_id=task, recipient_id=user_id, channel=Channel.INAPP)
        db.session.add(delivery)
        db.session.commit()
        delivery_id = delivery.id
    values = {"task_id": task, "plan_id": plan, "unit_id": unit, "user_id": user_id, "delivery_id": delivery_id, "fmt": "pdf"}
    rules = [
        r
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and r.endpoint not in SKIP and not r.endpoint.startswith("bootstrap")
    ]
    before = database_digest(app)
    opened = 0
    for rule in rules:
        url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(values.get(m.group(1), 1)), rule.rule)
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        response.close()
        opened += 1
        after = database_digest(app)
        assert not changed(before, after), f"GET {url} changed {changed(before, after)}"
    assert opened > 50
    assert client.get("/plans").status_code == 200  # still signed in: the walk ran as this person
    assert client.get(f"/notifications/{delivery_id}/open").status_code == 405  # opening one is a POST now
