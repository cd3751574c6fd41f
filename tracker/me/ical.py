"""A person's deadlines as an iCalendar feed (RFC 5545) that Outlook, Google Calendar and phone
calendars subscribe to: one all-day event per task on its deadline in force, its box in the summary,
the plan, the lead unit and a link in the description. The UID is stable per task, so a moved
deadline moves the event instead of adding one."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from tracker.formatting import fmt_date
from tracker.rules.status import Box
from tracker.tasks.rows import TaskRow

PRODID = "-//Theo doi nhiem vu//Lich thoi han//VI"


def summary(row: TaskRow, box: str | None) -> str:
    state = Box(box).label if box else "Đã hủy"
    return f"[{state}] {row.title}"


def build_feed(
    rows: Iterable[tuple[TaskRow, str | None]], name: str, now: datetime, link: Callable[[int], str], host: str
) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for row, box in rows:
        if row.effective_due is None:
            continue
        event = Event()
        event.add("uid", f"task-{row.id}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", row.effective_due)
        event.add("dtend", row.effective_due + timedelta(days=1))
        event.add("summary", summary(row, box))
        lines = [
            f"Kế hoạch: {row.plan_number}",
            f"Đơn vị chủ trì: {row.lead_unit_name}",
            f"Thời hạn: {fmt_date(row.effective_due)}" + (f" ({row.deadline_text})" if row.deadline_text else ""),
            link(row.id),
        ]
        event.add("description", "\n".join(lines))
        event.add("url", link(row.id))
        event.add("transp", "TRANSPARENT")
        event.add("categories", [Box(box).label if box else "Đã hủy"])
        cal.add_component(event)
    return cal.to_ical()
