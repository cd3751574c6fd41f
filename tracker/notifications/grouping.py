"""What one person receives in one tick, as one e-mail: pure functions, no Flask, no database.

Every outbox row stays one message (one in-app notification, one exactly-once key per rule, task and
recipient); only the e-mail is combined. Its sections follow the urgency of what they ask for — overdue,
escalations, due today, due soon, nudges, workflow events (requests and decisions waiting on the person),
the periodic summaries — and inside a section the tasks are grouped by plan, each with its own link.
A section lists at most ``max_per_section`` tasks and says how many more there are, with a link to the
full list (a unit head with 3,000 overdue tasks gets a readable e-mail, not a 3 MB one).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

EVENT_LABELS = {
    "ev_ext_requested": "Đề nghị gia hạn chờ duyệt",
    "ev_ext_decided": "Kết quả đề nghị gia hạn",
    "ev_completion_pending": "Báo hoàn thành chờ xác nhận",
    "ev_completion_returned": "Báo hoàn thành bị trả lại",
    "ev_assigned": "Được giao thực hiện",
    "ev_deadline_changed": "Thời hạn đã thay đổi",
}
SUMMARY_RULES = ("digest", "monthly")

# (key, heading); the order is the order of the e-mail.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("overdue", "Quá hạn"),
    ("escalate", "Báo cáo lãnh đạo: quá hạn kéo dài"),
    ("due", "Đến hạn hôm nay"),
    ("soon", "Sắp đến hạn"),
    ("nudge", "Văn phòng đôn đốc"),
    ("workflow", "Cần xử lý: gia hạn, xác nhận, giao việc, thời hạn"),
    ("summary", "Tổng hợp"),
)
SECTION_LABELS = dict(SECTIONS)
# The short words of the subject line ("3 quá hạn, 2 sắp đến hạn").
SECTION_WORDS = {
    "overdue": "quá hạn",
    "escalate": "báo lãnh đạo",
    "due": "đến hạn hôm nay",
    "soon": "sắp đến hạn",
    "nudge": "đôn đốc",
    "workflow": "cần xử lý",
    "summary": "tổng hợp",
}


def section_of(rule: str) -> str:
    if rule.startswith("before_"):
        return "soon"
    if rule in EVENT_LABELS:
        return "workflow"
    if rule in SUMMARY_RULES:
        return "summary"
    if rule in ("overdue", "escalate", "due", "nudge"):
        return rule
    return "soon"


def headline(rule: str, due_text: str, late_days: int) -> str:
    """The one line that says why the person gets this message (also the in-app notification's title)."""
    if rule.startswith("before_"):
        return f"Còn {rule.split('_', 1)[1]} ngày làm việc đến hạn ({due_text})"
    if rule == "due":
        return f"Hôm nay đến hạn ({due_text})"
    if rule == "overdue":
        return f"Đã quá hạn {late_days} ngày làm việc (hạn {due_text})"
    if rule == "escalate":
        return f"Báo cáo lãnh đạo: quá hạn {late_days} ngày làm việc (hạn {due_text})"
    if rule == "nudge":
        return "Văn phòng đôn đốc thực hiện"
    if rule in EVENT_LABELS:
        return EVENT_LABELS[rule]
    return "Nhắc việc"


def subject_prefix(rule: str) -> str:
    return "[Thông báo]" if rule in EVENT_LABELS else "[Nhắc việc]"


@dataclass(frozen=True)
class Item:
    """One message of the e-mail: a task line, or a summary whose text and HTML are already rendered."""

    rule: str
    head: str
    subject: str
    url: str
    title: str = ""
    ordinal: str = ""
    plan_id: int | None = None
    plan_name: str = ""
    unit_name: str = ""
    due: date | None = None
    due_text: str = ""
    note: str = ""
    text: str = ""
    html: str = ""


@dataclass
class PlanGroup:
    name: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Section:
    key: str
    label: str
    count: int
    plans: list[PlanGroup] = field(default_factory=list)
    hidden: int = 0
    list_url: str = ""


class Ref(NamedTuple):
    """What choosing the listed tasks needs of a message, read for every message of a person (cheap:
    a tuple, as there may be 76,000 of them in a tick); the rest of an ``Item`` is read only for the
    ones listed."""

    id: int
    rule: str
    plan_name: str = ""
    due: date | None = None
    ordinal: str = ""


def order_key(plan_name: str, due: date | None, ordinal: str, tiebreak) -> tuple:
    """The order of a section: plans by name, then the earliest deadline first, then the task number."""
    return (plan_name, due or date.max, _ordinal_key(ordinal), tiebreak)


def pick(refs: list[Ref], max_per_section: int = 100) -> tuple[set[int], Counter[str]]:
    """Which messages the e-mail lists (the first ``max_per_section`` of each section, in its order),
    and how many each section has in all."""
    by_section: dict[str, list[Ref]] = {}
    for ref in refs:
        by_section.setdefault(section_of(ref.rule), []).append(ref)
    shown: set[int] = set()
    for members in by_section.values():
        members.sort(key=lambda r: order_key(r.plan_name, r.due, r.ordinal, r.id))
        shown.update(r.id for r in members[:max_per_section])
    return shown, Counter({key: len(members) for key, members in by_section.items()})


def group(items: list[Item], max_per_section: int = 100, totals: Counter[str] | None = None) -> list[Section]:
    """Sections in the fixed order, plans by name, tasks by due date then number; at most
    ``max_per_section`` tasks listed per section. ``totals`` (from ``pick``) counts messages not passed
    in; ``hidden`` is how many a section has beyond those listed."""
    by_section: dict[str, list[Item]] = {}
    for item in items:
        by_section.setdefault(section_of(item.rule), []).append(item)
    sections = []
    for key, label in SECTIONS:
        members = by_section.get(key)
        if not members:
            continue
        members = sorted(members, key=lambda i: order_key(i.plan_name, i.due, i.ordinal, i.url))
        shown = members[:max_per_section]
        plans: dict[str, PlanGroup] = {}
        for item in shown:
            plans.setdefault(item.plan_name, PlanGroup(item.plan_name)).items.append(item)
        count = max(len(members), totals.get(key, 0) if totals is not None else 0)
        sections.append(Section(key, label, count, list(plans.values()), count - len(shown)))
    return sections


def _ordinal_key(ordinal: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in ordinal.replace(")", ".").split(".") if p)


def batch_subject(items: list[Item], totals: Counter[str] | None = None) -> str:
    """One message keeps its own subject; several say how many of each kind (``totals`` from ``pick``
    when not every message is passed in)."""
    counts = totals or Counter(section_of(i.rule) for i in items)
    total = sum(counts.values())
    if total == 1 and len(items) == 1:
        return items[0].subject
    parts = [f"{counts[key]} {SECTION_WORDS[key]}" for key, _ in SECTIONS if counts.get(key)]
    prefix = "[Nhắc việc]" if any(subject_prefix(i.rule) == "[Nhắc việc]" for i in items) else "[Thông báo]"
    return f"{prefix} {total} thông báo: {', '.join(parts)}"
