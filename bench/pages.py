"""Benchmark: every page a day's users open, one request at a time, on a kept workload.

    .venv/bin/python bench/pages.py --database-url sqlite:////path/to/bench.db [--repeat 3]
    .venv/bin/python bench/pages.py --database-url postgresql+psycopg://…/bench1m [--only /plans/]

The database must hold the shared workload (../shared/bench/gen_workload.py) loaded by an earlier run
(``bench/load.py --keep``, ``bench/scheduler_tick.py --keep`` …: this script changes no task; it gives
the benchmark people a password and saves one draft year report). The clock is pinned to the
workload's "today" (01/10/2024 09:00) and the process freezes its start-up objects out of the garbage
collector as ``wsgi.py`` does. Each page is requested through the whole Flask stack (signed in as its
user, after one warm-up), --repeat times; printed: the median wall time, the median CPU time of this
process (the database's own CPU included for SQLite, not for PostgreSQL, a separate process) and the
page's size. Issue 16's rule: no request over a second of CPU at 1,000,000 tasks.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "matkhau-tai-benchmark"
NOW = datetime(2024, 10, 1, 9, 0)


def _pages(largest_plan: int, other_plan: int, report_id: int, unit_task: int) -> list[tuple[str, str]]:
    """(user, path): the director's, văn phòng's and a unit head's day (docs/journeys.md)."""
    return [
        ("leader1", "/dashboard"),
        ("leader1", "/dashboard?period=quarter&year=2024&index=3"),
        ("leader1", "/dashboard?period=year&year=2024"),
        ("leader1", "/dashboard?period=year&year=2024&as_of=2024-06-30"),
        ("office1", "/board"),
        ("office1", "/plans"),
        ("office1", f"/plans/{largest_plan}"),
        ("office1", f"/plans/{largest_plan}?page=100"),
        ("office1", f"/plans/{other_plan}"),
        ("office1", "/tasks"),
        ("office1", "/tasks?sort=title"),
        ("office1", "/tasks?sort=updated"),
        ("office1", "/tasks?box=open_overdue"),
        ("office1", "/tasks?q=r%C3%A0+so%C3%A1t"),
        ("office1", "/tasks?year=2024&box=done"),
        ("office1", "/me"),
        ("office1", "/search?q=k%E1%BA%BF+ho%E1%BA%A1ch"),
        ("office1", "/reports"),
        ("office1", f"/reports/{report_id}"),
        ("office1", f"/reports/{report_id}/preview"),
        ("office1", "/notifications"),
        ("office1", "/documents"),
        ("office1", f"/tasks/{unit_task}"),
        ("head1", "/unit"),
        ("head1", "/me"),
        ("head1", f"/tasks/{unit_task}"),
    ]


def prepare(database_url: str):
    from sqlalchemy import func, select
    from werkzeug.security import generate_password_hash

    from bench.workload import reuse
    from tracker import clock
    from tracker.accounts.models import User
    from tracker.extensions import db
    from tracker.reports import operations as rops
    from tracker.reports import queries as rq
    from tracker.reports.models import ReportScope
    from tracker.tasks.models import Task

    clock.freeze(NOW)
    app, info = reuse(database_url)
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        hashed = generate_password_hash(PASSWORD)
        people = db.session.scalars(select(User).where(User.username.in_(["leader1", "office1", "head1"]))).all()
        for user in people:
            user.password_hash = hashed
        office = next(u for u in people if u.username == "office1")
        head = next(u for u in people if u.username == "head1")
        rops.save_office_settings({**{k: "Sở Nội vụ" for k, _, _ in rq.OFFICE_FIELDS}, "code": "SNV"}, office)
        draft = rops.save_draft(None, rops.DraftInput(ReportScope.YEAR, date(2024, 10, 1), None, year=2024), office)
        by_size = db.session.execute(
            select(Task.plan_id, func.count()).group_by(Task.plan_id).order_by(func.count().desc()).limit(2)
        ).all()
        unit_task = db.session.scalar(select(func.min(Task.id)).where(Task.lead_unit_id == head.unit_id))
        db.session.commit()
        return app, info, _pages(by_size[0][0], by_size[1][0], draft.id, unit_task)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a database holding a kept workload")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="", help="the pages whose path starts with this")
    args = parser.parse_args()
    app, info, pages = prepare(args.database_url)
    gc.freeze()  # as wsgi.py does
    print(f"{info['tasks']:,} tasks, {info['plans']:,} plans, {info['units']:,} units; {args.database_url.split(':')[0]}")
    print(f"{'user':<8} {'page':<58} {'wall':>8} {'CPU':>8} {'size':>9}")
    clients: dict = {}
    worst = 0.0
    for user, path in pages:
        if not path.startswith(args.only):
            continue
        client = clients.get(user)
        if client is None:
            client = clients[user] = app.test_client()
            signed = client.post("/login", data={"username": user, "password": PASSWORD})
            assert signed.status_code == 302, (user, signed.status_code)
        client.get(path)  # warm-up
        walls, cpus = [], []
        for _ in range(args.repeat):
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        worst = max(worst, cpu)
        size = len(response.data)
        flag = "" if response.status_code == 200 else f"  ({response.status_code})"
        print(f"{user:<8} {path:<58} {wall * 1000:>6.0f} ms {cpu * 1000:>5.0f} ms {size / 1024:>7.0f} KB{flag}")
    print(f"the most CPU a page took: {worst:.2f} s")


if __name__ == "__main__":
    main()
