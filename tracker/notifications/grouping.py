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


def group(items: list[Item], max_per_section: int = 300) -> list[Section]:
    """Sections in the fixed order, plans by name, tasks by due date then number; at most
    ``max_per_section`` tasks listed per section (``hidden`` counts the rest)."""
    by_section: dict[str, list[Item]] = {}
    for item in items:
        by_section.setdefault(section_of(item.rule), []).append(item)
    sections = []
    for key, label in SECTIONS:
        members = by_section.get(key)
        if not members:
            continue
        members = sorted(members, key=lambda i: (i.plan_name, i.due or date.max, _ordinal_key(i.ordinal), i.title, i.url))
        shown = members[:max_per_section]
        plans: dict[str, PlanGroup] = {}
        for item in shown:
            plans.setdefault(item.plan_name, PlanGroup(item.plan_name)).items.append(item)
        sections.append(Section(key, label, len(members), list(plans.values()), len(members) - len(shown)))
    return sections


def _ordinal_key(ordinal: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in ordinal.replace(")", ".").split(".") if p)


def batch_subject(items: list[Item]) -> str:
    """One message keeps its own subject; several say how many of each kind."""
    if len(items) == 1:
        return items[0].subject
    counts = Counter(section_of(i.rule) for i in items)
    parts = [f"{counts[key]} {SECTION_WORDS[key]}" for key, _ in SECTIONS if counts.get(key)]
    prefix = "[Nhắc việc]" if any(subject_prefix(i.rule) == "[Nhắc việc]" for i in items) else "[Thông báo]"
    return f"{prefix} {len(items)} thông báo: {', '.join(parts)}"
