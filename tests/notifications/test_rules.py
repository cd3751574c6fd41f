"""When reminders fire, on real Vietnamese calendars (Tết 2025, 30/4–1/5/2024 with its make-up Saturday)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tracker.notifications.rules import Firing, ReminderRules, firings_for_due, monthly_list_key, weekly_digest_key
from tracker.rules.calendar import WorkCalendar

CAL = WorkCalendar()
RULES = ReminderRules()


def fired(due: date, start: date, end: date, rules: ReminderRules = RULES) -> dict[date, list[Firing]]:
    out = {}
    day = start
    while day <= end:
        f = firings_for_due(due, day, rules, CAL)
        if f:
            out[day] = f
        day += timedelta(days=1)
    return out


def test_before_and_on_the_due_date_around_30_4():
    # Due Monday 06/05/2024; 29/4 bridge day off, 30/4 and 1/5 holidays, Saturday 04/05 a make-up working day.
    days = fired(date(2024, 5, 6), date(2024, 4, 25), date(2024, 5, 6))
    assert days == {
        date(2024, 5, 2): [Firing("before_3")],
        date(2024, 5, 3): [Firing("before_3")],
        date(2024, 5, 4): [Firing("before_1")],
        date(2024, 5, 6): [Firing("due")],
    }


def test_before_tet_2025():
    # Due Monday 03/02/2025, right after Tết (27/1–1/2/2025 off): three working days before is 22/01.
    days = fired(date(2025, 2, 3), date(2025, 1, 15), date(2025, 2, 3))
    assert min(days) == date(2025, 1, 22) and days[date(2025, 1, 22)] == [Firing("before_3")]
    assert days[date(2025, 1, 24)] == [Firing("before_1")]
    assert all(CAL.is_working_day(d) for d in days)
    assert date(2025, 1, 27) not in days and date(2025, 2, 1) not in days


def test_overdue_then_every_three_working_days_and_escalation_after_five():
    # Due Friday 26/04/2024. First working day after: Thursday 02/05.
    days = fired(date(2024, 4, 26), date(2024, 4, 27), date(2024, 5, 16))
    overdue = {d: [f.seq for f in fs if f.rule == "overdue"] for d, fs in days.items()}
    assert overdue[date(2024, 5, 2)] == [0]
    firsts = {}
    for d, seqs in sorted(overdue.items()):
        for s in seqs:
            firsts.setdefault(s, d)
    assert firsts == {0: date(2024, 5, 2), 1: date(2024, 5, 6), 2: date(2024, 5, 9), 3: date(2024, 5, 14)}
    # The first notice catches up for three working days; a repeat fires on its own day only.
    assert overdue[date(2024, 5, 4)] == [0]
    assert overdue.get(date(2024, 5, 7), []) == [] and overdue.get(date(2024, 5, 8), []) == []
    escalations = sorted(d for d, fs in days.items() if Firing("escalate") in fs)
    assert escalations[0] == date(2024, 5, 7)  # 5 working days late: 2, 3, 4 (Sat, make-up), 6, 7 May


def test_nothing_fires_on_a_day_off():
    assert firings_for_due(date(2024, 5, 6), date(2024, 5, 5), RULES, CAL) == []  # Sunday
    assert firings_for_due(date(2024, 4, 26), date(2024, 4, 30), RULES, CAL) == []  # 30/4


def test_rules_can_be_switched_off():
    quiet = ReminderRules(before_days=(5,), on_due=False, overdue_every=0, escalate_after=0)
    days = fired(date(2024, 6, 14), date(2024, 6, 1), date(2024, 7, 31), quiet)
    assert set(days) == {date(2024, 6, 7), date(2024, 6, 10), date(2024, 6, 11), date(2024, 6, 12), date(2024, 6, 13)}
    assert ReminderRules.from_json(quiet.to_json()) == quiet


@given(st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31)))
def test_each_before_rule_fires_in_one_unbroken_run_of_working_days(due):
    days = fired(due, due - timedelta(days=40), due)
    for rule in ("before_3", "before_1"):
        run = sorted(d for d, fs in days.items() if Firing(rule) in fs)
        if run:
            working = [
                d for d in (run[0] + timedelta(days=i) for i in range((run[-1] - run[0]).days + 1)) if CAL.is_working_day(d)
            ]
            assert run == working


def test_digest_and_monthly_moments():
    from datetime import datetime

    assert weekly_digest_key(datetime(2024, 6, 17, 7, 29)) is None  # Monday, before 07:30
    assert weekly_digest_key(datetime(2024, 6, 17, 7, 30)) == "2024-W25"
    assert weekly_digest_key(datetime(2024, 6, 20, 9, 0)) == "2024-W25"
    assert monthly_list_key(date(2024, 6, 1), CAL) is None  # Saturday: the first working day is Monday 03/06
    assert monthly_list_key(date(2024, 6, 3), CAL) == "2024-06"
    assert monthly_list_key(date(2025, 2, 3), CAL) == "2025-02"
