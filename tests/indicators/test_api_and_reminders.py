"""The JSON API (list, create, enter, confirm, return, forms; 422 with Vietnamese messages by field,
the same permissions as the pages) and the reminders of missing results (once per indicator, period
and unit head, however often the tick runs)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from tests.indicators.conftest import at
from tracker import clock
from tracker.accounts.models import User
from tracker.extensions import db
from tracker.indicators.jobs import RULE, queue_reminders
from tracker.indicators.models import Indicator, IndicatorResult
from tracker.notifications.models import Delivery
from tracker.plans.models import Plan
from tracker.tasks import operations as task_ops


def _token(app, username: str) -> dict:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        token = user.new_api_token()
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}


def test_indicators_through_the_api(app, client, cds):
    at(date(2024, 4, 10))
    office, head, other = (_token(app, u) for u in (cds.office, cds.head, cds.staff_other))
    listed = client.get(f"/api/v1/plans/{cds.plan_id}/indicators?as_of=2024-04-10", headers=head).get_json()
    assert len(listed["indicators"]) == 12
    seven = listed["indicators"][6]
    assert [(p["comparator"], p["value"], p["unit"]) for p in seven["parts"]] == [
        ("eq", "100", "%"),
        ("eq", "100", "%"),
        ("gt", "50", "%"),
    ]
    assert listed["indicators"][11]["flagged"] is True and listed["indicators"][11]["parts"][0]["comparator"] is None
    ind = seven["id"]
    r = client.post(
        f"/api/v1/indicators/{ind}/results", json={"period": "Q1-2024", "values": ["80,45%", "79,80%", "82,72%"]}, headers=head
    )
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    q1 = next(p for p in body["periods"] if p["period"] == "Q1-2024")
    assert q1["verdicts"] == ["not_met", "not_met", "met"] and q1["verdict"] == "not_met" and q1["state"] == "pending"
    bad = client.post(
        f"/api/v1/indicators/{ind}/results", json={"period": "Q1-2024", "values": ["80%", "abc", "1"]}, headers=head
    )
    assert bad.status_code == 422 and "Không đọc được số" in bad.get_json()["error"]["fields"]["value-1"]
    assert client.post(f"/api/v1/indicators/{ind}/results", json=[1], headers=head).status_code == 422
    assert (
        client.post(
            f"/api/v1/indicators/{ind}/results", json={"period": "Q1-2024", "values": ["1%"] * 3}, headers=other
        ).status_code
        == 403
    )
    assert client.post(f"/api/v1/indicator-results/{body['result_id']}/confirm", headers=head).status_code == 403
    refused = client.post(f"/api/v1/indicator-results/{body['result_id']}/return", json={"reason": " "}, headers=office)
    # The body is known (tracker.api.fields): the message is prefixed with the form's label, as for tasks and plans.
    assert refused.status_code == 422 and refused.get_json()["error"]["fields"]["reason"] == (
        "Lý do trả lại: Vui lòng nêu lý do trả lại."
    )
    done = client.post(f"/api/v1/indicator-results/{body['result_id']}/confirm", headers=office)
    assert done.status_code == 200 and done.get_json()["periods"][0]["state"] == "confirmed"
    created = client.post(
        f"/api/v1/plans/{cds.plan_id}/indicators", json={"title": "Giảm ít nhất 10% thời gian giải quyết TTHC"}, headers=office
    )
    assert created.status_code == 201 and created.get_json()["parts"][0]["change"] == "decrease"
    assert client.post(f"/api/v1/plans/{cds.plan_id}/indicators", json={"title": ""}, headers=office).status_code == 422
    assert client.post(f"/api/v1/plans/{cds.plan_id}/indicators", json={"title": "x"}, headers=head).status_code == 403
    assert client.get("/api/v1/indicators/999999", headers=head).status_code == 404
    assert client.get(f"/api/v1/plans/{cds.plan_id}/indicators").status_code == 401
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IndicatorResult)) == 1
        assert db.session.scalar(select(func.count()).select_from(Indicator)) == 13


def _duty(app, cds) -> None:
    """The plan's quarterly reporting duty, "trước ngày 15 của tháng cuối quý", with its occurrences."""
    with app.app_context():
        plan = db.session.get(Plan, cds.plan_id)
        lead = db.session.get(Indicator, cds.indicator_ids[0]).lead_units[0]
        task_ops.create_task(
            plan,
            task_ops.TaskInput(
                title="Báo cáo kết quả thực hiện", lead_unit_id=lead.id, deadline_text="trước ngày 15 của tháng cuối quý"
            ),
            None,
        )
        db.session.commit()


def _reminders(app) -> list[Delivery]:
    with app.app_context():
        rows = list(db.session.scalars(select(Delivery).where(Delivery.rule == RULE).order_by(Delivery.id)))
        db.session.expunge_all()
        return rows


def test_missing_results_are_reminded_once(app, cds):
    _duty(app, cds)
    with app.app_context():
        heads = {u: db.session.scalar(select(User.id).where(User.username == u)) for u in (cds.head, cds.head_ccvc)}
    at(date(2024, 3, 14), 8)
    with app.app_context():
        assert queue_reminders(clock.now()) == []  # not yet due
    at(date(2024, 3, 15), 8)
    with app.app_context():
        assert queue_reminders(clock.now()) == ["nhắc nhập kết quả chỉ tiêu: 12"]
        assert queue_reminders(clock.now()) == []  # replayed: nothing more
    for later in (datetime(2024, 3, 15, 8, 5), datetime(2024, 3, 18, 9, 0)):  # the next tick, the next working day
        clock.freeze(later)
        with app.app_context():
            assert queue_reminders(clock.now()) == []
    sent = _reminders(app)
    assert sorted({d.recipient_id for d in sent}) == sorted(heads.values())
    assert sum(d.recipient_id == heads[cds.head_ccvc] for d in sent) == 2  # indicators 4 and 5
    assert all("kỳ Quý I/2024" in d.note for d in sent) and all(d.task_id for d in sent)
    # A result entered (even before it is confirmed) is no longer missing; the next quarter is new.
    with app.app_context():
        from tracker.indicators import operations as ops

        head = db.session.scalar(select(User).where(User.username == cds.head))
        ops.enter_result(
            db.session.get(Indicator, cds.indicator_ids[0]), ops.ResultInput("Q2-2024", ("80%",)), head, date(2024, 6, 10)
        )
        db.session.commit()
    at(date(2024, 6, 17), 8)
    with app.app_context():
        assert queue_reminders(clock.now()) == ["nhắc nhập kết quả chỉ tiêu: 11"]  # Q2 for 11; Q1 was queued already
    assert len(_reminders(app)) == 12 + 11


def test_no_reminder_on_a_day_off_or_before_seven(app, cds):
    _duty(app, cds)
    clock.freeze(datetime(2024, 3, 16, 9, 0))  # Saturday
    with app.app_context():
        assert queue_reminders(clock.now()) == []
    clock.freeze(datetime(2024, 3, 18, 6, 30))
    with app.app_context():
        assert queue_reminders(clock.now()) == []
    assert _reminders(app) == []


def test_the_office_board_lists_missing_and_waiting_results(app, cds):
    at(date(2024, 3, 20))
    from tests.indicators.conftest import enter, signed_in

    head, token = signed_in(app, cds.head)
    assert enter(head, token, cds.indicator_ids[0], "Q1-2024", "75%").status_code == 302
    office, _ = signed_in(app, cds.office)
    html = office.get("/board").get_data(as_text=True)
    assert 'data-testid="indicator-board"' in html
    assert "Kết quả chỉ tiêu chờ xác nhận (1)" in html and "Kết quả chỉ tiêu đến hạn chưa nhập (11)" in html
