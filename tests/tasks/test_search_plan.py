"""The task list's "Tìm" at a million tasks (issue 16, item 3): a query of words reads the search index,
a task number its own index, and neither reads every task — "rà soát" took 4 s on PostgreSQL when the
number was matched with ``OR ordinal ILIKE '%…%'`` beside the index, and a two-letter query over every
task still would, so it finds nothing and the page asks for three letters."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from tests.conftest import login
from tracker import clock
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.rules.search import ordinal_forms
from tracker.tasks.filters import TaskFilter
from tracker.tasks.models import Task
from tracker.tasks.queries import task_list


def _plan_of(app, typed: str) -> str:
    with app.app_context():
        stmt = select(func.count()).select_from(Task).where(*TaskFilter(search=typed).conditions(clock.today()))
        sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
        explain = "EXPLAIN QUERY PLAN "
        if db.engine.dialect.name == "postgresql":
            # A handful of rows: allowed to, PostgreSQL reads them all; forbidden, it must use an index
            # where one can answer (a full read is then still chosen when nothing else can).
            db.session.execute(text("SET LOCAL enable_seqscan = off"))
            explain = "EXPLAIN "
        plan = " ".join(str(row) for row in db.session.execute(text(explain + sql)))
        db.session.rollback()
        return plan


@pytest.mark.parametrize("typed", ["rà soát", "1.2", "II", "b)", "báo cáo 2024"])
def test_a_search_never_reads_every_task(app, typed):
    plan = _plan_of(app, typed)
    assert not re.search(r"SCAN task\b|Seq Scan on task\b", plan), plan  # SQLite: SCAN reads all, SEARCH looks up


def test_a_number_is_looked_up_in_its_index(app):
    assert "ix_task_ordinal" in _plan_of(app, "1.2")


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáạảãèéẹẻẽ ", min_size=1, max_size=30))
def test_words_are_not_task_numbers(words):
    """Anything with a space, or two or more letters that are not a Roman numeral, is words."""
    forms = ordinal_forms(words)
    stripped = words.strip()
    if " " in stripped or (len(stripped) > 1 and not set(stripped.lower()) <= set("ivxlcdm")):
        assert forms == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("1.2", {"1.2", "1.2.", "1.2)"}), ("ii", {"ii", "II", "II."}), ("b)", {"b", "b)", "B"}), ("3.", {"3", "3."})],
)
def test_the_spellings_of_a_number(typed, expected):
    assert expected <= set(ordinal_forms(typed))


@pytest.mark.parametrize("typed", ["rà soát", "Rà", "1.2 ab", "12345", "x" * 30, ""])
def test_what_is_not_a_number(typed):
    assert ordinal_forms(typed) == []


def test_short_words_find_titles_only_in_a_narrowed_list_and_the_page_says_so(client, app, factory):
    unit = factory.unit()
    plan = factory.plan()
    task = factory.task(plan, unit, "30/06/2024", title="Rà soát thủ tục")
    with app.app_context():
        db.session.get(Task, task).ordinal = "II"
        db.session.commit()

        def found(**kw) -> set[int]:
            return {row.id for row, _ in task_list(TaskFilter(**kw), clock.today(), per_page=500)[0]}

        assert task in found(search="Rà", plan_id=plan) and task in found(search="Rà", unit_id=unit)
        assert found(search="Rà") == set() and TaskFilter(search="Rà").search_too_short
        assert task in found(search="ii") and not TaskFilter(search="ii").search_too_short
        assert task in found(search="rà soát")
    login(client, factory.user(Role.OFFICE))
    page = client.get("/tasks?q=R%C3%A0").get_data(as_text=True)
    assert "Hãy gõ ít nhất 3 chữ" in page
    assert "Hãy gõ ít nhất 3 chữ" not in client.get(f"/tasks?q=R%C3%A0&plan={plan}").get_data(as_text=True)
