"""A task belongs to the period that holds its deadline as written (or as extended), never the day
Điều 148 moved it to; whether it is on time is still judged against the moved day (domain.md,
"Periods and cut-offs"). Checked through the roll-up on both of its paths (``task_tally`` and the task
indexes), the trend, the lists, and the dashboard's figures and their links."""

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import login
from tracker import clock
from tracker.accounts.models import Role, User
from tracker.dashboard import queries as dq
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.rules.periods import PeriodKind, Question, Scheme, counted_at, period, question_label, question_of
from tracker.rules.status import Box, TaskStatus, classify, written_due
from tracker.tasks import operations as ops
from tracker.tasks.models import Task
from tracker.tasks.queries import TaskFilter, summarize, task_list

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(days, st.none() | days, st.integers(0, 5))
def test_the_written_deadline_decides_the_period_whatever_the_shift(due, extended, shift):
    effective = (extended or due) + timedelta(days=shift)
    assert written_due(due, extended, effective) == (extended or due)
    assert written_due(due, extended, None) is None
    assert written_due(None, None, effective) == effective  # a row with only a deadline in force


@given(days, days, st.sampled_from(list(PeriodKind)), st.sampled_from(list(Scheme)), st.integers(2001, 2099))
def test_a_period_is_counted_inside_itself(as_of, today, kind, scheme, year):
    p = period(kind, year, 1, scheme)
    at = counted_at(p, as_of, today)
    assert p.start <= at <= p.end
    if p.start <= as_of:
        assert at == min(as_of, p.end)
    assert counted_at(None, as_of, today) == as_of


def test_each_figure_says_which_question_it_answers():
    q3 = period(PeriodKind.QUARTER, 2023, 3)
    assert question_of(None) is Question.PROGRESS and question_of(q3) is Question.DUE_IN_PERIOD
    assert question_label(None, date(2023, 12, 15)) == "Tiến độ thực hiện kế hoạch tính đến ngày 15/12/2023"
    assert question_label(q3, date(2023, 9, 30)) == (
        "Nhiệm vụ đến hạn trong kỳ Quý III/2023 (từ 01/07/2023 đến 30/09/2023), tính đến ngày 30/09/2023"
    )


@pytest.fixture
def shifted(app, factory):
    """One unit's tasks whose deadlines fall on days off, next to ordinary ones."""
    unit = factory.unit()
    plan = factory.plan(year=2023)
    ids = {
        "year_sunday": factory.task(plan, unit, "Trong năm 2023"),  # 31/12/2023, Sunday -> 02/01/2024
        "q3_saturday": factory.task(plan, unit, "Quý III/2023"),  # 30/09/2023, Saturday -> 02/10/2023
        "q3_done_monday": factory.task(plan, unit, "Quý III/2023"),  # done 02/10/2023: on time
        "q3_plain": factory.task(plan, unit, "15/09/2023"),
        "q4_plain": factory.task(plan, unit, "15/10/2023"),
        "jan_2024": factory.task(plan, unit, "02/01/2024"),  # written in 2024
        "nd09_saturday": factory.task(plan, unit, "14/12/2024"),  # Saturday -> 16/12/2024
    }
    office = factory.user_id(factory.user(Role.OFFICE))
    with app.app_context():
        task = db.session.get(Task, ids["q3_done_monday"])
        ops.update_progress(
            task,
            ops.ProgressInput(status=TaskStatus.DONE, progress=100, completed_on=date(2023, 10, 2)),
            db.session.get(User, office),
            date(2024, 10, 1),
        )
        db.session.commit()
        dues = dict(db.session.execute(select(Task.id, Task.effective_due).where(Task.plan_id == plan)).all())
    assert dues[ids["year_sunday"]] == date(2024, 1, 2) and dues[ids["q3_saturday"]] == date(2023, 10, 2)
    return plan, unit, ids


CASES = [
    (period(PeriodKind.YEAR, 2023), {"year_sunday", "q3_saturday", "q3_done_monday", "q3_plain", "q4_plain"}),
    (period(PeriodKind.YEAR, 2024), {"jan_2024", "nd09_saturday"}),
    (period(PeriodKind.QUARTER, 2023, 3), {"q3_saturday", "q3_done_monday", "q3_plain"}),
    (period(PeriodKind.QUARTER, 2023, 4), {"year_sunday", "q4_plain"}),
    (period(PeriodKind.QUARTER, 2024, 1), {"jan_2024"}),
    (period(PeriodKind.MONTH, 2023, 12), {"year_sunday"}),
    (period(PeriodKind.YEAR, 2024, scheme=Scheme.DECREE_09), {"year_sunday", "jan_2024", "nd09_saturday"}),
    (period(PeriodKind.YEAR, 2025, scheme=Scheme.DECREE_09), set()),
    (period(PeriodKind.QUARTER, 2023, 4, Scheme.DECREE_09), {"q3_saturday", "q3_done_monday", "q3_plain", "q4_plain"}),
]


@pytest.mark.parametrize("p, expected", CASES, ids=[p.label for p, _ in CASES])
def test_periods_hold_the_tasks_written_for_them_on_both_paths(app, shifted, p, expected):
    plan, unit, ids = shifted
    at = min(p.end, clock.today())
    with app.app_context():
        tasks = {name: db.session.get(Task, i) for name, i in ids.items()}
        want = [classify(tasks[name].facts, at) for name in expected]
        by_plan = TaskFilter(plan_id=plan, due_from=p.start, due_to=p.end, leaves_only=True)
        by_unit = TaskFilter(unit_id=unit, due_from=p.start, due_to=p.end, leaves_only=True)
        assert by_plan.tally_conditions() is None and by_unit.tally_conditions() is not None
        for flt in (by_plan, by_unit):  # the task indexes, the tally
            counts = summarize(flt, at)
            assert counts.total == len(expected), (p.label, flt)
            for box in Box:
                assert counts[box] == want.count(box), (p.label, box)
            rows, total = task_list(flt, at, per_page=100)
            assert total == len(expected) and {t.id for t, _ in rows} == {ids[n] for n in expected}


def test_on_time_is_still_judged_against_the_shifted_deadline(app, shifted):
    plan, unit, ids = shifted
    q3 = period(PeriodKind.QUARTER, 2023, 3)
    with app.app_context():
        at_end = summarize(TaskFilter(unit_id=unit, due_from=q3.start, due_to=q3.end), q3.end)
        # At 30/09 the Saturday deadlines are not yet passed: open in time; only 15/09 is overdue.
        assert at_end[Box.OPEN_IN_TIME] == 2 and at_end[Box.OPEN_OVERDUE] == 1
        later = summarize(TaskFilter(unit_id=unit, due_from=q3.start, due_to=q3.end), date(2023, 10, 3))
        # Done on Monday 02/10 counts as on time; the other two are overdue from 03/10.
        assert later[Box.DONE_ON_TIME] == 1 and later[Box.OPEN_OVERDUE] == 2 and later[Box.DONE_LATE] == 0
        on_time = summarize(TaskFilter(unit_id=unit, due_from=q3.start, due_to=q3.end), date(2023, 10, 2))
        assert on_time[Box.OPEN_OVERDUE] == 1  # 15/09 passed; the shifted ones are due that very day


def test_an_extension_moves_the_task_to_the_period_of_the_extended_date(app, shifted):
    plan, unit, ids = shifted
    with app.app_context():
        task = db.session.get(Task, ids["q3_plain"])
        task.extended_due = date(2023, 11, 30)
        ops.refresh_effective_due(task)
        db.session.commit()
        q3, q4 = period(PeriodKind.QUARTER, 2023, 3), period(PeriodKind.QUARTER, 2023, 4)
        for flt_kw in ({"plan_id": plan}, {"unit_id": unit}):
            assert summarize(TaskFilter(due_from=q3.start, due_to=q3.end, **flt_kw), q3.end).total == 2
            assert summarize(TaskFilter(due_from=q4.start, due_to=q4.end, **flt_kw), q4.end).total == 3


def test_the_trend_buckets_deadlines_by_the_month_written(app, shifted):
    plan, unit, ids = shifted
    year = period(PeriodKind.YEAR, 2023)
    with app.app_context():
        for scope in (
            dq.Scope(as_of=date(2024, 10, 1), plan_id=plan, period=year),
            dq.Scope(as_of=date(2024, 10, 1), unit_id=unit, period=year),
        ):
            due = {p.label: p.due for p in dq.trend(scope) if p.due}
            assert due == {"09/2023": 3, "10/2023": 1, "12/2023": 1}, scope


@pytest.mark.parametrize(
    "query, done, total",
    [
        ("period=year&year=2023", 42, 47),  # every task of the plan is written for 2023
        ("period=year&year=2024", 0, 0),
        ("period=quarter&index=3&year=2023", 5, 7),  # the five "Quý III/2023" (30/09, a Saturday) among them
        ("period=quarter&index=4&year=2023", 18, 22),
    ],
)
def test_dashboard_period_figures_match_their_lists(client, demo, query, done, total):
    login(client, "giamdoc", "demo-2026-tracker")
    html = client.get(f"/dashboard?plan={demo}&{query}").get_data(as_text=True)
    assert 'data-question="due_in_period"' in html
    headline = html[html.index('data-testid="headline"') :]
    shown = re.search(r"Đã hoàn thành <a href=\"([^\"]+)\">(\d+)</a>/<a href=\"([^\"]+)\">(\d+)</a>", headline)
    assert (int(shown.group(2)), int(shown.group(4))) == (done, total)
    for href, n in ((shown.group(1), done), (shown.group(3), total)):
        listing = client.get(href.replace("&amp;", "&")).get_data(as_text=True)
        assert f'data-testid="total">{n} nhiệm vụ' in listing


def test_the_page_shows_the_date_a_past_period_is_counted_at(client, demo):
    login(client, "giamdoc", "demo-2026-tracker")
    html = client.get(f"/dashboard?plan={demo}&period=year&year=2023").get_data(as_text=True)
    assert "Nhiệm vụ đến hạn trong kỳ Năm 2023 (từ 01/01/2023 đến 31/12/2023), tính đến ngày 31/12/2023" in html
    assert 'name="as_of" value="31/12/2023"' in html and "02/06/2025" not in html.split('data-testid="headline"')[0]
    progress = client.get(f"/dashboard?plan={demo}&as_of=15/12/2023").get_data(as_text=True)
    assert 'data-question="progress"' in progress
    assert "Tiến độ thực hiện kế hoạch tính đến ngày 15/12/2023" in progress
    # A cut-off left over from an earlier choice, before the period: counted at the period's end, and said.
    stale = client.get(f"/dashboard?plan={demo}&period=quarter&index=4&year=2023&as_of=31/12/2022").get_data(as_text=True)
    assert "ở trước kỳ đã chọn" in stale and "tính đến ngày 31/12/2023" in stale


@pytest.mark.parametrize("number", ["01/KH.CCHC-STTTT", "25/KH-SNV"])
@pytest.mark.parametrize(
    "query",
    [
        "",
        "period=year&year=2023",
        "period=year&year=2024",
        "period=quarter&index=1&year=2024",
        "period=quarter&index=4&year=2024&scheme=nd09",
        "period=half&year=2024",
        "period=month&index=12&year=2023",
    ],
)
def test_both_demo_plans_every_headline_figure_is_its_list(client, demo, app, number, query):
    """For each demo plan and period, each figure of the headline and of the boxes table links to a list
    holding exactly that many tasks."""
    with app.app_context():
        plan = db.session.query(Plan.id).filter_by(number=number).scalar()
    login(client, "giamdoc", "demo-2026-tracker")
    html = client.get(f"/dashboard?plan={plan}&{query}").get_data(as_text=True)
    figures = html[html.index('data-testid="headline"') : html.index('data-testid="overdue-by-unit"')]
    links = re.findall(r'<a(?: class="[^"]*")? href="(/tasks\?[^"]+)"[^>]*>(\d+)', figures)
    # The four boxes' cards: the link, then the figure inside the card.
    links += re.findall(
        r'href="(/tasks\?[^"]+)" data-testid="count-[a-z_]+">\s*<div[^>]*>\s*<div[^>]*>[^<]*</div>\s*<div[^>]*>(\d+)<', figures
    )
    assert len(links) >= 7, links  # and the undated ones where there are some
    for href, n in links:
        listing = client.get(href.replace("&amp;", "&")).get_data(as_text=True)
        assert f'data-testid="total">{n} nhiệm vụ' in listing, (number, query, href)
