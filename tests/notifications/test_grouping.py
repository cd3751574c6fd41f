"""The combined e-mail's grouping (pure): every message once, in the fixed order of kinds, by plan."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tracker.notifications.grouping import SECTIONS, Item, Ref, batch_subject, group, headline, order_key, pick, section_of

RULES = ["before_3", "before_1", "due", "overdue", "escalate", "nudge", "ev_ext_requested", "ev_assigned", "digest"]


def item(rule: str, n: int, plan: str = "Kế hoạch số 1/KH", due: date | None = date(2024, 5, 6)) -> Item:
    head = headline(rule, "06/05/2024", 4)
    return Item(
        rule=rule,
        head=head,
        subject=f"[Nhắc việc] {head}: Việc {n}",
        url=f"/tasks/{n}",
        title=f"Việc {n}",
        plan_name=plan,
        due=due,
        ordinal=str(n),
    )


items_strategy = st.lists(
    st.builds(
        item,
        st.sampled_from(RULES),
        st.integers(1, 10_000),
        st.sampled_from(["Kế hoạch số 1/KH", "Kế hoạch số 2/KH", "Công văn số 7/CV"]),
        st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2025, 12, 31))),
    ),
    min_size=1,
    max_size=60,
)


@given(items_strategy, st.integers(1, 80))
def test_every_message_is_in_exactly_one_section_in_order(items, cap):
    sections = group(items, cap)
    keys = [s.key for s in sections]
    assert keys == [k for k, _ in SECTIONS if k in keys]  # the fixed order, no section twice
    assert set(keys) == {section_of(i.rule) for i in items}  # no empty section, none missing
    assert sum(s.count for s in sections) == len(items)
    for s in sections:
        shown = [i for p in s.plans for i in p.items]
        assert len(shown) == min(s.count, cap) and s.hidden == s.count - len(shown)
        assert all(section_of(i.rule) == s.key for i in shown)
        names = [p.name for p in s.plans]
        assert names == sorted(set(names))  # plans grouped, each once, by name
        for p in s.plans:
            dues = [i.due or date.max for i in p.items]
            assert dues == sorted(dues)  # earliest deadline first inside a plan
    if cap >= len(items):
        listed = sorted(id(i) for s in sections for p in s.plans for i in p.items)
        assert listed == sorted(id(i) for i in items)


@given(items_strategy)
def test_subject_counts_add_up(items):
    subject = batch_subject(items)
    if len(items) == 1:
        assert subject == items[0].subject
    else:
        head, counts = subject.split(" thông báo: ")
        assert head.endswith(str(len(items)))
        assert sum(int(part.split()[0]) for part in counts.split(", ")) == len(items)


def test_wording():
    assert section_of("before_7") == "soon" and section_of("ev_deadline_changed") == "workflow"
    assert headline("before_3", "06/05/2024", 0) == "Còn 3 ngày làm việc đến hạn (06/05/2024)"
    assert headline("overdue", "06/05/2024", 4) == "Đã quá hạn 4 ngày làm việc (hạn 06/05/2024)"
    assert headline("ev_completion_returned", "", 0) == "Báo hoàn thành bị trả lại"
    many = [item("overdue", 1), item("overdue", 2), item("before_3", 3), item("ev_assigned", 4)]
    assert batch_subject(many) == "[Nhắc việc] 4 thông báo: 2 quá hạn, 1 sắp đến hạn, 1 cần xử lý"
    assert batch_subject([item("ev_assigned", 1), item("ev_ext_decided", 2)]) == "[Thông báo] 2 thông báo: 2 cần xử lý"


@given(items_strategy, st.integers(1, 20))
def test_pick_lists_the_first_of_each_section_and_counts_them_all(items, cap):
    refs = [Ref(n, i.rule, i.plan_name, i.due, i.ordinal) for n, i in enumerate(items)]
    shown, totals = pick(refs, cap)
    assert sum(totals.values()) == len(items)
    for key, count in totals.items():
        members = [r for r in refs if section_of(r.rule) == key]
        assert len(members) == count
        chosen = sorted((r for r in members if r.id in shown), key=lambda r: order_key(r.plan_name, r.due, r.ordinal, r.id))
        everyone = sorted(members, key=lambda r: order_key(r.plan_name, r.due, r.ordinal, r.id))
        assert chosen == everyone[:cap]  # the first ones of the section, in its order
    # Grouping only the listed ones, with the totals, tells how many more each section has.
    listed = [i for n, i in enumerate(items) if n in shown]
    for section in group(listed, cap, totals):
        assert section.count == totals[section.key] and section.hidden == max(totals[section.key] - cap, 0)
    assert batch_subject(listed, totals).count("thông báo") == (0 if len(items) == 1 else 1)
