"""When a reminder fires: pure functions of a deadline, a day and the working-day calendar.

Each rule fires inside a window rather than on one exact day, so a tick that was missed (the scheduler
was down) is made good by the next one; the delivery key (rule, sequence, task, due date, recipient,
channel) makes every message go out once however many ticks see it.

* ``before_N``: N working days before the due date (default 3 and 1). With several N, each owns the days
  down to the next smaller N: with (3, 1), "before_3" fires when 3 or 2 working days remain.
* ``due``: on the due date.
* ``overdue``: on the first working day after the due date (catching up for M working days), then on
  every M-th working day after that (default 3); the sequence number tells the repeats apart. A repeat
  goes out on its own day only, so a task long overdue is not re-announced by every restart, and the
  first tick of a new installation does not flood people with one message per old task.
* ``escalate``: once, after K working days overdue (default 5), to lãnh đạo and văn phòng; its window is
  M working days long.
Nothing fires on a day off.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from tracker.rules.calendar import WorkCalendar
from tracker.rules.labels import LabelledEnum
from tracker.rules.status import Box, TaskFacts, TaskStatus, classify

# How far back the tick looks for due dates whose overdue repeats fire today. A repeat goes out every
# M-th working day for as long as a task stays open, so without a bound the tick would enumerate every
# day since the oldest deadline in the database (a deadline typed as year 1024: 365,000 days, and a
# statement too large for SQLite). Past this many years a task is still on every overdue list and
# count; it only gets no more repeat e-mails (config ``REMINDER_REACH_YEARS``).
REMINDER_REACH_YEARS = 10


class Rule(LabelledEnum):
    """The outbox's rule names other than "before_N" (see ``before``) and the workflow events
    (``events.EventKind``). Stored in ``delivery.rule``; the label is the kind's name in the pages."""

    DUE = "due", "Đến hạn hôm nay"
    OVERDUE = "overdue", "Quá hạn"
    ESCALATE = "escalate", "Báo cáo lãnh đạo"
    NUDGE = "nudge", "Văn phòng đôn đốc"
    DIGEST = "digest", "Tổng hợp tuần"
    MONTHLY = "monthly", "Danh sách chậm tiến độ tháng"


BEFORE_PREFIX = "before_"


def before(days: int) -> str:
    """The rule name of the reminder ``days`` working days before the due date ("before_3")."""
    return f"{BEFORE_PREFIX}{days}"


@dataclass(frozen=True)
class ReminderRules:
    before_days: tuple[int, ...] = (3, 1)
    on_due: bool = True
    overdue_every: int = 3
    escalate_after: int = 5

    def to_json(self) -> str:
        data = asdict(self)
        data["before_days"] = list(self.before_days)
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str | None) -> ReminderRules | None:
        if not text:
            return None
        data = json.loads(text)
        return cls(
            before_days=tuple(int(n) for n in data.get("before_days", (3, 1))),
            on_due=bool(data.get("on_due", True)),
            overdue_every=int(data.get("overdue_every", 3)),
            escalate_after=int(data.get("escalate_after", 5)),
        )

    def validate(self) -> dict[str, str]:
        errors = {}
        if any(n < 1 or n > 60 for n in self.before_days):
            errors["before_days"] = "Số ngày nhắc trước hạn phải từ 1 đến 60."
        if not 0 <= self.overdue_every <= 60:
            errors["overdue_every"] = "Chu kỳ nhắc quá hạn phải từ 0 (không nhắc) đến 60 ngày làm việc."
        if not 0 <= self.escalate_after <= 250:
            errors["escalate_after"] = "Số ngày quá hạn trước khi báo lãnh đạo phải từ 0 (không báo) đến 250."
        return errors


DEFAULT_RULES = ReminderRules()


@dataclass(frozen=True, order=True)
class Firing:
    rule: str
    seq: int = 0


def firings_for_due(
    due: date, today: date, rules: ReminderRules, calendar: WorkCalendar, between: Callable[[date, date], int] | None = None
) -> list[Firing]:
    """The reminders an open task due on ``due`` calls for on ``today``.

    ``between`` may be a precomputed ``calendar.counter(...)`` when many due dates are evaluated at once."""
    between = between or calendar.working_days_between
    if not calendar.is_working_day(today):
        return []
    if today < due:
        left = between(today, due)
        steps = sorted(set(rules.before_days), reverse=True)
        for i, n in enumerate(steps):
            lower = steps[i + 1] if i + 1 < len(steps) else 0
            if lower < left <= n:
                return [Firing(before(n))]
        return []
    if today == due:
        return [Firing(Rule.DUE)] if rules.on_due else []
    late = between(due, today)
    out: list[Firing] = []
    if rules.overdue_every > 0 and late >= 1:
        seq = (late - 1) // rules.overdue_every
        # The first overdue notice catches up for a whole period; a repeat goes out on its own day only
        # (a repeat missed while the scheduler was down is covered by the next one, not sent late).
        if seq == 0 or (late - 1) % rules.overdue_every == 0:
            out.append(Firing(Rule.OVERDUE, seq))
    window = max(rules.overdue_every, 1)
    if rules.escalate_after > 0 and rules.escalate_after <= late < rules.escalate_after + window:
        out.append(Firing(Rule.ESCALATE))
    return out


def reminded(facts: TaskFacts, today: date) -> bool:
    """Whether the reminder sweep speaks about a task at ``today``: open with a deadline (in time or
    overdue, the boxes of ``classify``) and not paused. The queueing SQL (``queries.reminded_tasks``) is
    built from the same box conditions; a test checks the two agree on every combination."""
    return facts.status is not TaskStatus.PAUSED and classify(facts, today) in (Box.OPEN_IN_TIME, Box.OPEN_OVERDUE)


def enumeration_start(today: date, reach_years: int = REMINDER_REACH_YEARS) -> date:
    """The earliest due date the tick considers: ``reach_years`` before ``today`` (1 March for a
    29 February that year lacks; never before year 1)."""
    year = max(today.year - max(reach_years, 0), 1)
    try:
        return today.replace(year=year)
    except ValueError:  # 29 February
        return date(year, 3, 1)


def horizon(rules: ReminderRules) -> timedelta:
    """How far ahead a "before" rule can reach, in calendar days (generous around Tết)."""
    return timedelta(days=max(rules.before_days, default=0) * 2 + 20)


@dataclass(frozen=True)
class DigestMoments:
    weekly_weekday: int = 0  # Monday
    weekly_hour: int = 7
    weekly_minute: int = 30
    daily_hour: int = 7  # reminders are queued by the first tick at or after 07:00


def weekly_digest_key(local_now: datetime, moments: DigestMoments = DigestMoments()) -> str | None:
    """ISO week label once this week's digest moment (Monday 07:30) has passed, else None."""
    monday = local_now.date() - timedelta(days=local_now.weekday())
    moment_day = monday + timedelta(days=moments.weekly_weekday)
    if (local_now.date(), local_now.hour, local_now.minute) < (moment_day, moments.weekly_hour, moments.weekly_minute):
        return None
    iso = local_now.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def first_working_day_of_month(day: date, calendar: WorkCalendar) -> date:
    return calendar.on_or_next_working_day(day.replace(day=1))


def monthly_list_key(today: date, calendar: WorkCalendar) -> str | None:
    """ "YYYY-MM" from the first working day of the month on, else None."""
    if today < first_working_day_of_month(today, calendar):
        return None
    return f"{today.year}-{today.month:02d}"


def nudge_refusal(task_open: bool, receivers: int, sent_today: bool) -> str | None:
    """Why văn phòng may not đôn đốc a task now (Vietnamese, shown as is), or None when it may.

    A nudge must reach someone (the lead unit's head or the assignee), is pointless on a finished or
    cancelled task, and goes at most once a day: a second click the same day would only repeat it."""
    if not task_open:
        return "Nhiệm vụ đã hoàn thành hoặc đã hủy, không cần đôn đốc."
    if receivers <= 0:
        return "Không có người nhận đôn đốc: đơn vị chủ trì chưa có trưởng đơn vị và nhiệm vụ chưa giao cho ai."
    if sent_today:
        return "Nhiệm vụ này đã được đôn đốc hôm nay; có thể đôn đốc lại từ ngày mai."
    return None


def webhook_url_problem(url: str) -> str | None:
    """Why the office's webhook address cannot be used (Vietnamese), or None. Only http and https: the
    sender's library would also open ``file://`` or ``ftp://`` addresses."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return "Địa chỉ webhook phải bắt đầu bằng http:// hoặc https:// và có tên máy chủ."
    return None
