"""Reads for search: the ids the database's index finds, then the rows as the lists show them.

Tasks go through the trigram index of migration 0016 (SQLite: the FTS5 table ``task_search``;
PostgreSQL: the table ``task_search`` of folded texts under a trigram index), newest first, at most ``limit`` of them (one
more is read to know there are more; nothing counts every match). Plans and units are few: their
folded text is compared in Python by the same fold (rules.search.matches). Reading plans and tasks is open to every signed-in account
(tracker.permissions), so every account searches everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Integer, Select, String, column, select, table, text
from sqlalchemy.orm import selectinload

from tracker.accounts.models import Unit
from tracker.extensions import db
from tracker.plans.models import Issuer, Plan
from tracker.rules.search import (
    MIN_TERM,
    Piece,
    fts_match,
    highlight,
    like_pattern,
    matches,
    query_terms,
    snippet,
)
from tracker.rules.status import classify
from tracker.tasks.models import Task
from tracker.tasks.rows import ROW_FIELDS, TaskRow

LIMIT = 50
MAX_QUERY = 200
TOO_SHORT = f"Nhập ít nhất {MIN_TERM} ký tự (chữ hoặc số) để tìm."


@dataclass
class TaskHit:
    row: TaskRow
    box: str | None
    title: list[Piece]
    # Where the description or the result matched, highlighted (empty when only the title did).
    context: list[Piece]


@dataclass
class PlanHit:
    plan: Plan
    number: list[Piece]
    title: list[Piece]
    issuer: list[Piece]


@dataclass
class UnitHit:
    unit: Unit
    name: list[Piece]
    short_name: list[Piece]


@dataclass
class Results:
    query: str
    terms: list[str]
    message: str = ""
    tasks: list[TaskHit] = field(default_factory=list)
    plans: list[PlanHit] = field(default_factory=list)
    units: list[UnitHit] = field(default_factory=list)
    more_tasks: bool = False
    more_plans: bool = False

    @property
    def total_shown(self) -> int:
        return len(self.tasks) + len(self.plans) + len(self.units)


def _sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def task_ids(terms: list[str], limit: int) -> list[int]:
    """Ids of the tasks whose folded title, description or result holds every phrase, newest first."""
    if _sqlite():
        sql = "SELECT rowid FROM task_search WHERE task_search MATCH :m ORDER BY rowid DESC LIMIT :n"
        return list(db.session.scalars(text(sql), {"m": fts_match(terms), "n": limit}))
    params = {f"t{i}": like_pattern(term) for i, term in enumerate(terms)}
    where = " AND ".join(f"body LIKE :t{i} ESCAPE '\\'" for i in range(len(terms)))
    sql = f"SELECT id FROM task_search WHERE {where} ORDER BY id DESC LIMIT :n"  # nosec B608 (only :tN placeholders are joined in; the terms are bound)
    return list(db.session.scalars(text(sql), {**params, "n": limit}))


def task_id_query(terms: list[str]) -> Select:
    """The ids of the tasks ``task_ids`` finds, unordered and unlimited, as a sub-query for a list's
    condition (``Task.id.in_(...)``: the task list's "Tìm" filter, tracker.tasks.filters)."""
    if _sqlite():
        fts = table("task_search", column("rowid", Integer))
        return select(fts.c.rowid).where(
            text("task_search MATCH :task_search_match").bindparams(task_search_match=fts_match(terms))
        )
    folded = table("task_search", column("id", Integer), column("body", String))
    return select(folded.c.id).where(*(folded.c.body.like(like_pattern(term), escape="\\") for term in terms))


def plan_ids(terms: list[str], limit: int) -> list[int]:
    """Plans are few (hundreds): their number, title and issuer are read and folded here by the same
    function (``matches``). In SQL, PostgreSQL's ``translate`` over the fold's 168 characters cost
    ~0,2 ms a row, 40 ms for 200 plans, more than the whole task search."""
    rows = db.session.execute(
        select(Plan.id, Plan.number, Plan.title, Issuer.name)
        .join(Issuer, Issuer.id == Plan.issuer_id)
        .order_by(Plan.year.desc(), Plan.id.desc())
    )
    return [ident for ident, number, title, issuer in rows if matches(f"{number}\n{title}\n{issuer}", terms)][:limit]


def unit_ids(terms: list[str], limit: int) -> list[int]:
    rows = db.session.execute(select(Unit.id, Unit.name, Unit.short_name).where(Unit.active).order_by(Unit.position, Unit.id))
    return [ident for ident, name, short in rows if matches(f"{name}\n{short}", terms)][:limit]


def _task_hits(ids: list[int], terms: list[str], as_of: date) -> list[TaskHit]:
    """The found tasks as list rows (one read), each leaf with its box at ``as_of``; a task with
    sub-tasks has none (its page shows the roll-up: computing it for 50 parents here cost more than
    the search)."""
    if not ids:
        return []
    stmt = (
        select(*(getattr(Task, f) for f in ROW_FIELDS), Plan.number, Unit.name, Task.description)
        .join(Plan, Plan.id == Task.plan_id)
        .join(Unit, Unit.id == Task.lead_unit_id)
        .where(Task.id.in_(ids))
    )
    by_id = {}
    for *fields_, description in db.session.execute(stmt):
        by_id[fields_[0]] = (TaskRow(*fields_), description or "")
    hits = []
    for ident in ids:
        if ident not in by_id:
            continue
        row, description = by_id[ident]
        context = snippet(description, terms) or snippet(row.result or "", terms)
        box = classify(row.facts, as_of) if row.is_leaf else None
        hits.append(TaskHit(row, box.value if box else None, highlight(row.title, terms), highlight(context, terms)))
    return hits


def search(query: str, as_of: date, limit: int = LIMIT) -> Results:
    """Everything ``query`` finds, grouped by kind, each with the matched words marked."""
    query = (query or "").strip()[:MAX_QUERY]
    terms = query_terms(query)
    results = Results(query=query, terms=terms)
    if not terms:
        results.message = TOO_SHORT if query else ""
        return results
    ids = task_ids(terms, limit + 1)
    results.more_tasks = len(ids) > limit
    results.tasks = _task_hits(ids[:limit], terms, as_of)
    found_plans = plan_ids(terms, limit + 1)
    results.more_plans = len(found_plans) > limit
    plans = db.session.scalars(select(Plan).options(selectinload(Plan.issuer)).where(Plan.id.in_(found_plans[:limit])))
    by_id = {p.id: p for p in plans}
    results.plans = [
        PlanHit(p, highlight(p.number, terms), highlight(p.title, terms), highlight(p.issuer.name, terms))
        for p in (by_id[i] for i in found_plans[:limit])
    ]
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids(terms, limit))))}
    results.units = [
        UnitHit(u, highlight(u.name, terms), highlight(u.short_name, terms))
        for u in sorted(units.values(), key=lambda u: u.position)
    ]
    return results


def as_json(results: Results) -> dict:
    """The API's body: the same groups, each match given as the spans of the text that matched."""

    def marks(pieces: list[Piece]) -> list[str]:
        return [p.text for p in pieces if p.hit]

    return {
        "query": results.query,
        "terms": results.terms,
        "tasks": [
            {
                "id": h.row.id,
                "ordinal": h.row.ordinal,
                "title": h.row.title,
                "plan": {"id": h.row.plan_id, "number": h.row.plan_number},
                "lead_unit": {"id": h.row.lead_unit_id, "name": h.row.lead_unit_name},
                "effective_due": h.row.effective_due.isoformat() if h.row.effective_due else None,
                "box": h.box,
                "matched": marks(h.title) + marks(h.context),
                "context": "".join(p.text for p in h.context),
            }
            for h in results.tasks
        ],
        "plans": [
            {
                "id": h.plan.id,
                "number": h.plan.number,
                "doc_type": h.plan.doc_type.value,
                "title": h.plan.title,
                "issuer": h.plan.issuer.name,
                "year": h.plan.year,
                "matched": marks(h.number) + marks(h.title) + marks(h.issuer),
            }
            for h in results.plans
        ],
        "units": [
            {
                "id": h.unit.id,
                "name": h.unit.name,
                "short_name": h.unit.short_name,
                "matched": marks(h.name) + marks(h.short_name),
            }
            for h in results.units
        ],
        "more": {"tasks": results.more_tasks, "plans": results.more_plans},
    }
