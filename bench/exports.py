"""Benchmark: the XLSX exports (a plan's task list, the overdue list, the plan list) and the director's
dashboard with and without the previous-period comparison (issue 15, items 10 and 13).

    .venv/bin/python bench/exports.py --n 10000 --n 100000 [--database-url postgresql+psycopg://…]

The shared workload (../shared/bench/gen_workload.py, "today" 01/10/2024) loaded as bench/dashboard.py
loads it; medians over --repeat requests through the whole Flask stack, in-process. The comparison costs
one more grouped roll-up query (the previous period's), so "dashboard, Quý III/2024" minus "dashboard,
Quý III/2024 without comparison" is what item 10 adds; the latter is measured by the same request with
the comparison switched off in the process (dashboard.queries.period_changes replaced by a no-op).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.workload import load, make_app  # noqa: E402

WORKLOAD_NOW = "2024-10-01T09:00:00"


def _client(app):
    from tracker.accounts.models import User
    from tracker.extensions import db

    with app.app_context():
        user = db.session.query(User).filter_by(username="leader1").one()
        user.set_password("matkhau-bench")
        db.session.commit()
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    client.post("/login", data={"csrf_token": csrf, "username": "leader1", "password": "matkhau-bench"})
    return client


def _median_ms(client, url: str, repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for i in range(repeat + 1):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.data)
        if i:  # one warm-up request
            times.append(elapsed)
    return statistics.median(times) * 1000, size


def _largest_plan(app) -> tuple[int, int]:
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.tasks.models import Task

    with app.app_context():
        row = db.session.execute(
            select(Task.plan_id, func.count()).group_by(Task.plan_id).order_by(func.count().desc()).limit(1)
        ).one()
        return int(row[0]), int(row[1])


def measure(app, repeat: int) -> dict[str, tuple[float, int]]:
    from tracker.dashboard import queries as dq

    client = _client(app)
    plan, plan_tasks = _largest_plan(app)
    urls = {
        f"task export, one plan ({plan_tasks:,} rows)": f"/tasks/export.xlsx?plan={plan}&as_of=01/10/2024",
        "plan list export": "/plans/export.xlsx?as_of=01/10/2024",
        "dashboard, no period": "/dashboard?as_of=01/10/2024",
        "dashboard, Quý III/2024": "/dashboard?as_of=01/10/2024&period=quarter&index=3&year=2024",
    }
    out = {name: _median_ms(client, url, repeat) for name, url in urls.items()}
    original = dq.period_changes
    dq.period_changes = lambda scope, counts: None  # the same page without the comparison
    try:
        out["dashboard, Quý III/2024 without comparison"] = _median_ms(client, urls["dashboard, Quý III/2024"], repeat)
    finally:
        dq.period_changes = original
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, action="append")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from tracker import clock
    from tracker.extensions import db

    for n in args.n or [10_000, 100_000]:
        clock.freeze(datetime.fromisoformat(WORKLOAD_NOW))
        app = make_app(args.database_url)
        load(app, n)
        with app.app_context():
            dialect = db.engine.dialect.name
        results = measure(app, args.repeat)
        print(f"\n{dialect}, {n:,} tasks (shared workload, as of 01/10/2024), median of {args.repeat}:")
        for name, (ms, size) in results.items():
            print(f"  {name:<48} {ms:>9.1f} ms  {size / 1024:>9.1f} KB")
        with app.app_context():
            db.engine.dispose()
        clock.freeze(None)


if __name__ == "__main__":
    main()
