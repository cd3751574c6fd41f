"""Benchmark: what ``plan_tally``'s triggers (migration 0023) cost the writes of tasks.

    .venv/bin/python bench/tally_writes.py --database-url postgresql+psycopg://…/copy [--rows 10000]

On a database loaded with the shared workload (``bench/workload.py --keep``; use a COPY: the writes are
rolled back, but the database is upgraded first), times in one transaction, then rolled back:

* a bulk UPDATE moving ``--rows`` leaves to another lead unit (what a reassignment or an import's
  update does), and moving them back;
* an INSERT of ``--rows`` new tasks (what an import of a large plan does);

each with the plan_tally triggers in place and, in a second transaction, with them dropped (the DDL is
rolled back with the rest), so the difference is the triggers' cost alone. Median of --repeat.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


DROP = ("plan_tally_insert", "plan_tally_delete", "plan_tally_update")


def _writes(conn, rows: int) -> dict[str, float]:
    from sqlalchemy import bindparam, text

    from tracker.tasks.models import Task

    ids = [r[0] for r in conn.execute(text("SELECT id FROM task WHERE is_leaf ORDER BY id LIMIT :n"), {"n": rows})]
    units = [r[0] for r in conn.execute(text("SELECT id FROM unit ORDER BY id LIMIT 2"))]
    plan = conn.execute(text("SELECT min(id) FROM plan")).scalar_one()
    expanding = bindparam("ids", expanding=True)
    move = text("UPDATE task SET lead_unit_id = :u WHERE id IN :ids").bindparams(expanding)
    started = time.perf_counter()
    conn.execute(move, {"u": units[0], "ids": ids})
    conn.execute(move, {"u": units[1], "ids": ids})
    out = {"bulk update (2 x)": time.perf_counter() - started}
    columns = [c.name for c in Task.__table__.columns if c.name not in ("id", "plan_id", "parent_id")]
    copy = text(
        f"INSERT INTO task (plan_id, {', '.join(columns)}) SELECT :p, {', '.join(columns)} FROM task WHERE id IN :ids"
    ).bindparams(expanding)
    started = time.perf_counter()
    conn.execute(copy, {"p": plan, "ids": ids})
    out["insert"] = time.perf_counter() - started
    return out


def _run(engine, rows: int, drop: bool) -> dict[str, float]:
    from sqlalchemy import text

    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as conn:
        trans = conn.begin()
        try:
            if drop:
                for name in DROP:
                    conn.execute(text(f"DROP TRIGGER {name} ON task" if postgres else f"DROP TRIGGER {name}"))
            return _writes(conn, rows)
        finally:
            trans.rollback()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from bench.workload import reuse
    from tracker.extensions import db

    app, info = reuse(args.database_url)
    with app.app_context():
        engine = db.engine
        results: dict[str, dict[str, list[float]]] = {"with triggers": {}, "without": {}}
        for _ in range(args.repeat):
            for label, drop in (("with triggers", False), ("without", True)):
                for step, seconds in _run(engine, args.rows, drop).items():
                    results[label].setdefault(step, []).append(seconds)
    print(f"{engine.dialect.name}, {info['tasks']:,} tasks, {args.rows:,} rows per write, median of {args.repeat}")
    for label, steps in results.items():
        print(f"  {label:14}", "  ".join(f"{step}: {statistics.median(v):.3f} s" for step, v in steps.items()))


if __name__ == "__main__":
    main()
