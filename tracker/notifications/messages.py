"""Composing what people receive: one message's title and link (the in-app centre, the webhook), one
person's e-mail of a tick (all their messages, grouped by ``grouping``), the weekly digest and the
monthly list. Reads only; sending is ``delivery``, the outbox bookkeeping ``jobs``.

A person's e-mail lists at most ``EMAIL_MAX_TASKS_PER_SECTION`` tasks of each kind. The database counts
each kind and returns only the rows that can be among the listed ones (a window ``rank`` over plan name
and deadline, ties included), so a person with 30,000 overdue tasks costs a few hundred rows, not
30,000; ``grouping.pick`` then settles the order exactly (task numbers like 1.10 after 1.9).
"""

from __future__ import annotations

import email.policy
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr

from flask import current_app, render_template
from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from tracker import clock
from tracker.accounts.models import Role, Unit, User
from tracker.extensions import db
from tracker.formatting import fmt_date
from tracker.notifications.grouping import (
    EVENT_LABELS,
    SUMMARY_RULES,
    Item,
    Ref,
    batch_subject,
    group,
    headline,
    pick,
    subject_prefix,
)
from tracker.notifications.models import Delivery, among
from tracker.notifications.rules import BEFORE_PREFIX, Rule
from tracker.plans.models import Plan
from tracker.rules.board import due_soon_horizon
from tracker.rules.calendar import WorkCalendar
from tracker.rules.documents import DocumentType
from tracker.rules.status import Box, Standing
from tracker.settings.queries import load_calendar
from tracker.tasks.conditions import box_condition, leaf, standing_is
from tracker.tasks.models import Task

log = logging.getLogger(__name__)

# An e-mail lists at most this many tasks of each kind, then "… và N nhiệm vụ khác" with a link to the
# full list (config ``EMAIL_MAX_TASKS_PER_SECTION``); every task is still its own notification in the app.
EMAIL_MAX_TASKS_PER_SECTION = 100
# Headers folded at 78 columns lose the space between two encoded words on the way back (CPython's
# folding of long non-ASCII subjects, which every Vietnamese subject is): fold only at SMTP's 998.
MAIL_POLICY = email.policy.default.clone(max_line_length=998)


@dataclass
class Message:
    subject: str
    text: str
    html: str
    url: str
    payload: dict


def base_url() -> str:
    return current_app.config.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")


def summary_title(rule: str, sent_on: date) -> str:
    if rule == Rule.DIGEST:
        return "Tổng hợp tuần: nhiệm vụ quá hạn và sắp đến hạn"
    return f"Danh sách đơn vị, cá nhân chậm tiến độ tháng {sent_on.month:02d}/{sent_on.year}"


def summary_url(as_of: date) -> str:
    return f"{base_url()}/tasks?box=open_overdue&leaves=1&as_of={fmt_date(as_of)}"


def describe(delivery: Delivery, task: Task | None, unit: Unit | None, plan: Plan | None, calendar: WorkCalendar) -> Message:
    """One message's title, link and webhook payload (the in-app centre lists these; the e-mail of a
    tick combines them, see ``compose``). ``calendar`` is loaded once by the caller for all of them."""
    sent_on = delivery.created_at.astimezone(clock.timezone_info()).date()
    rule = delivery.rule
    if rule in SUMMARY_RULES:
        as_of = delivery.due_date or sent_on
        return Message(summary_title(rule, sent_on), "", "", summary_url(as_of), {"rule": rule, "as_of": as_of.isoformat()})
    assert task is not None
    due = fmt_date(task.effective_due)
    late = calendar.working_days_between(delivery.due_date, sent_on) if delivery.due_date else 0
    head = headline(rule, due, late)
    url = f"{base_url()}/tasks/{task.id}"
    payload = {
        "rule": rule,
        "seq": delivery.seq,
        "task_id": task.id,
        "title": task.title,
        "plan": plan.number if plan else None,
        "lead_unit": unit.name if unit else None,
        "due_date": task.effective_due.isoformat() if task.effective_due else None,
        "url": url,
        "message": head,
    }
    if delivery.note:
        payload["note"] = delivery.note
    return Message(f"{subject_prefix(rule)} {head}: {task.title[:120]}", "", "", url, payload)


def digest_context(as_of: date, rule: str) -> dict:
    """Overdue (and, for the weekly digest, due soon) by lead unit, and late people: two queries."""
    # The app's one "due soon" horizon (rules.board), as on the unit page and the dashboard.
    soon_days = current_app.config["DUE_SOON_WORKING_DAYS"]
    horizon = due_soon_horizon(as_of, load_calendar(), soon_days)
    is_overdue = box_condition(Box.OPEN_OVERDUE, as_of)
    is_soon = and_(box_condition(Box.OPEN_IN_TIME, as_of), Task.effective_due <= horizon)
    overdue = func.sum(case((is_overdue, 1), else_=0))
    soon = func.sum(case((is_soon, 1), else_=0))
    # Only tasks counted in one of the two sums are read: for today (the digests' date) that is a range
    # of the open tasks' partial index, not every task of the department.
    counted = and_(Task.effective_due <= horizon, or_(is_overdue, is_soon))
    if as_of >= clock.today():
        counted = and_(standing_is(Standing.OPEN), counted)
    stmt = (
        select(Unit.name, overdue, soon)
        .join(Unit, Unit.id == Task.lead_unit_id)
        .where(leaf(), counted)
        .group_by(Unit.name)
        .order_by(overdue.desc(), Unit.name)
    )
    rows = [{"unit": name, "overdue": int(o or 0), "due_soon": int(s or 0)} for name, o, s in db.session.execute(stmt)]
    rows = [r for r in rows if r["overdue"] or (rule == Rule.DIGEST and r["due_soon"])]
    people = []
    if rule == Rule.MONTHLY:
        people = [
            {"name": name, "unit": unit, "overdue": int(n)}
            for name, unit, n in db.session.execute(
                select(User.full_name, Unit.name, func.count())
                .join(Task, Task.assignee_id == User.id)
                .join(Unit, Unit.id == Task.lead_unit_id)
                .where(leaf(), box_condition(Box.OPEN_OVERDUE, as_of))
                .group_by(User.full_name, Unit.name)
                .order_by(func.count().desc())
            )
        ]
    return {"rows": rows, "people": people, "as_of": fmt_date(as_of), "soon_days": soon_days}


# ------------------------------------------------------------------ one person's e-mail


def section_sql(rule: ColumnElement[str] | InstrumentedAttribute[str]) -> ColumnElement[str]:
    """``grouping.section_of`` in SQL (a test checks the two agree on every rule name)."""
    return case(
        (rule.startswith(BEFORE_PREFIX, autoescape=True), literal("soon")),
        (rule.in_(list(EVENT_LABELS)), literal("workflow")),
        (rule.in_(list(SUMMARY_RULES)), literal("summary")),
        (rule.in_([Rule.OVERDUE.value, Rule.ESCALATE.value, Rule.DUE.value, Rule.NUDGE.value]), rule),
        else_=literal("soon"),
    )


def plan_name_sql() -> ColumnElement:
    """``Plan.display_name`` in SQL ("Kế hoạch số 12/KH-SNV"), so the database can order by it."""
    label = case({t.value: t.label for t in DocumentType}, value=Plan.doc_type, else_="")
    return label + literal(" số ") + Plan.number


def _binary(expr: ColumnElement) -> ColumnElement:
    """Order strings by code point, as Python does (PostgreSQL's "C" collation; SQLite's default)."""
    return expr.collate("C") if db.engine.dialect.name == "postgresql" else expr


@dataclass
class Batch:
    """One person's e-mail of this pass: the items it lists and how many messages each kind has."""

    items: list[Item] = field(default_factory=list)
    totals: Counter = field(default_factory=Counter)


def read_batch(ids: list[int], summaries: dict) -> Batch:
    """What the e-mail carrying the messages ``ids`` lists: one windowed query for the candidates and
    the counts, one for the wording of the listed ones. A message about a deleted task says nothing."""
    cap = current_app.config.get("EMAIL_MAX_TASKS_PER_SECTION", EMAIL_MAX_TASKS_PER_SECTION)
    d = Delivery
    section = section_sql(d.rule)
    name = plan_name_sql()
    ranked = (
        select(
            d.id,
            d.rule,
            Task.plan_id,
            Task.effective_due,
            Task.ordinal,
            name.label("plan_name"),
            func.count().over(partition_by=section).label("total"),
            func.rank()
            .over(partition_by=section, order_by=(_binary(func.coalesce(name, "")), Task.effective_due.nulls_last()))
            .label("place"),
            section.label("section"),
        )
        .select_from(d)
        .outerjoin(Task, Task.id == d.task_id)
        .outerjoin(Plan, Plan.id == Task.plan_id)
        .where(among(d.id, ids), or_(Task.id.is_not(None), d.rule.in_(list(SUMMARY_RULES))))
        .subquery()
    )
    rows = db.session.execute(select(ranked).where(ranked.c.place <= cap)).all()
    refs = [Ref(r.id, r.rule, r.plan_name or "", r.effective_due, r.ordinal or "") for r in rows]
    shown, _ = pick(refs, cap)
    plans = {r.plan_id: r.plan_name for r in rows if r.plan_id}
    batch = Batch(totals=Counter({r.section: r.total for r in rows}))
    batch.items = list(_items(sorted(shown), plans, summaries).values())
    return batch


def _items(ids: list[int], plans: dict[int, str], summaries: dict) -> dict[int, Item]:
    """The wording of the listed messages: title, unit, deadline, why, and the task's link."""
    if not ids:
        return {}
    t, u, d = Task.__table__, Unit.__table__, Delivery.__table__
    rows = db.session.execute(
        select(
            d.c.id,
            d.c.rule,
            d.c.due_date,
            d.c.created_at,
            d.c.note,
            d.c.task_id,
            t.c.title,
            t.c.ordinal,
            t.c.effective_due,
            t.c.deadline_text,
            t.c.plan_id,
            u.c.name,
        )
        .select_from(d.outerjoin(t, t.c.id == d.c.task_id).outerjoin(u, u.c.id == t.c.lead_unit_id))
        .where(among(d.c.id, ids))
    ).all()
    tz = clock.timezone_info()
    sent_days = [r.created_at.astimezone(tz).date() for r in rows]
    late_rules = (Rule.OVERDUE, Rule.ESCALATE)
    dues = [r.due_date for r in rows if r.due_date and r.rule in late_rules]
    between = load_calendar().counter(min(dues), max(sent_days)) if dues else None
    base = base_url()
    out: dict[int, Item] = {}
    for r, sent_on in zip(rows, sent_days, strict=True):
        if r.rule in SUMMARY_RULES:
            out[r.id] = _summary_item(r.rule, r.due_date or sent_on, sent_on, summaries)
            continue
        due = fmt_date(r.effective_due)
        late = between(r.due_date, sent_on) if between and r.rule in late_rules else 0
        head = headline(r.rule, due, late)
        out[r.id] = Item(
            rule=r.rule,
            head=head,
            subject=f"{subject_prefix(r.rule)} {head}: {r.title[:120]}",
            url=f"{base}/tasks/{r.task_id}",
            title=r.title,
            ordinal=r.ordinal or "",
            plan_id=r.plan_id,
            plan_name=plans.get(r.plan_id, ""),
            unit_name=r.name or "",
            due=r.effective_due,
            due_text=due + (f" ({r.deadline_text})" if r.deadline_text and r.deadline_text != due else ""),
            note=r.note or "",
        )
    return out


def _summary_item(rule: str, as_of: date, sent_on: date, cache: dict) -> Item:
    """The weekly digest or the monthly list as one item, its figures computed once per send pass."""
    key = (rule, as_of, sent_on)
    if key not in cache:
        title = summary_title(rule, sent_on)
        url = summary_url(as_of)
        context = digest_context(as_of, rule)
        cache[key] = Item(
            rule=rule,
            head=title,
            subject=title,
            url=url,
            text=render_template(f"notifications/email/{rule}.txt", title=title, url=url, **context),
            html=render_template(f"notifications/email/{rule}.html", title=title, url=url, **context),
        )
    return cache[key]


def compose(user: User, items: list[Item], totals: Counter | None = None) -> Message:
    """One person's e-mail of a tick: every message, by kind and plan, with the links to the lists."""
    base = base_url()
    sections = group(items, current_app.config.get("EMAIL_MAX_TASKS_PER_SECTION", EMAIL_MAX_TASKS_PER_SECTION), totals)
    unit = f"&unit={user.unit_id}" if user.unit_id and user.role in (Role.UNIT_HEAD, Role.STAFF) else ""
    lists = {
        "overdue": f"{base}/tasks?box=open_overdue&leaves=1{unit}",
        "escalate": f"{base}/tasks?box=open_overdue&leaves=1",
        "due": f"{base}/tasks?box=open_in_time&leaves=1&sort=due{unit}",
        "soon": f"{base}/tasks?box=open_in_time&leaves=1&sort=due{unit}",
    }
    for section in sections:
        section.list_url = lists.get(section.key, f"{base}/notifications")
    total = sum(totals.values()) if totals else len(items)
    context = {"recipient": user, "sections": sections, "centre_url": f"{base}/notifications", "total": total}
    return Message(
        batch_subject(items, totals),
        render_template("notifications/email/batch.txt", **context),
        render_template("notifications/email/batch.html", **context),
        f"{base}/notifications",
        {},
    )


def build_email(recipient: User, message: Message) -> EmailMessage:
    """The MIME message (plain text and HTML). Raises ``ValueError`` for what no header may hold (a line
    break in a title that became the subject): the sender fails that one e-mail and goes on."""
    msg = EmailMessage(policy=MAIL_POLICY)
    msg["Subject"] = message.subject
    msg["From"] = formataddr(("Theo dõi nhiệm vụ", current_app.config["SMTP_SENDER"]))
    msg["To"] = formataddr((recipient.full_name, recipient.email))
    msg.set_content(message.text)
    msg.add_alternative(message.html, subtype="html")
    return msg
