"""What the scheduler calls: remind the lead units of results that are due and missing.

Through the notifications package's outbox (``notifications.operations.insert_deliveries``): one in-app
message (e-mailed by the next delivery like every reminder) per indicator, period and unit head, with
the key ``indicator:<indicator>:<period>:<user>``, so a replayed tick, a restarted scheduler or two
schedulers send it once. The message hangs on the plan's reporting-duty occurrence of that period (the
task the unit reports under), so its link opens that task; the note names the indicator.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from tracker import clock
from tracker.accounts.models import Role, User
from tracker.extensions import db
from tracker.indicators.queries import Missing, missing_results
from tracker.notifications.models import Channel, DeliveryStatus
from tracker.settings.queries import load_calendar
from tracker.tasks.models import Task

log = logging.getLogger(__name__)

RULE = "indicator_due"
# Results due longer ago than this are listed on văn phòng's board but not reminded again by e-mail.
LOOKBACK_DAYS = 31


def _duty_occurrence(plan_id: int, start, end) -> int | None:
    return db.session.scalar(
        select(Task.id)
        .where(Task.plan_id == plan_id, Task.period_start.is_not(None), Task.due_date >= start, Task.due_date <= end)
        .order_by(Task.due_date, Task.id)
        .limit(1)
    )


def _rows(missing: list[Missing], now: datetime) -> list[dict]:
    unit_ids = {u.id for m in missing for u in m.indicator.lead_units}
    heads: dict[int, list[User]] = {}
    if unit_ids:
        for user in db.session.scalars(select(User).where(User.unit_id.in_(unit_ids), User.role == Role.UNIT_HEAD, User.active)):
            heads.setdefault(user.unit_id or 0, []).append(user)
    rows = []
    for m in missing:
        p = m.period
        task_id = _duty_occurrence(m.indicator.plan_id, p.due.replace(day=1), p.end)
        if task_id is None:
            log.info("indicator %s %s: no reporting duty occurrence to remind under", m.indicator.id, p.code)
            continue
        note = (
            f"Chưa nhập kết quả chỉ tiêu “{m.indicator.ordinal}. {m.indicator.title[:150]}” kỳ {p.label} (hạn {p.due:%d/%m/%Y})."
        )
        for unit in m.indicator.lead_units:
            for user in heads.get(unit.id, []):
                rows.append(
                    {
                        "key": f"{RULE}:{m.indicator.id}:{p.code}:{user.id}",
                        "rule": RULE,
                        "seq": 0,
                        "task_id": task_id,
                        "due_date": p.due,
                        "recipient_id": user.id,
                        "channel": Channel.INAPP,
                        "status": DeliveryStatus.PENDING if user.email and user.email_reminders else DeliveryStatus.NONE,
                        "next_attempt_at": now,
                        "created_at": now,
                        "note": note,
                    }
                )
    return rows


def queue_reminders(now: datetime) -> list[str]:
    """Queue a reminder to each lead unit's head for every result due and missing (working days, from
    07:00, as the task reminders). Idempotent: the outbox's unique key drops what was queued before."""
    from tracker.notifications.operations import insert_deliveries

    local = now.astimezone(clock.timezone_info())
    today = local.date()
    if local.hour < 7 or not load_calendar().is_working_day(today):
        return []
    recent = [m for m in missing_results(today) if m.period.due >= today - timedelta(days=LOOKBACK_DAYS)]
    queued = insert_deliveries(_rows(recent, now))
    db.session.commit()
    return [f"nhắc nhập kết quả chỉ tiêu: {queued}"] if queued else []
