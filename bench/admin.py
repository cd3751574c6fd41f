"""Benchmark: the administrator's audited writes on the shared workload.

    .venv/bin/python bench/admin.py --n 10000 --n 100000 [--database-url postgresql+psycopg://…]

For each workload size (../shared/bench/gen_workload.py, loaded as bench/dashboard.py loads it): an
extra day off set and removed on the calendar page (each re-derives every fixed deadline and writes
one audit line, in one transaction), the Điều 148 switch turned off and on, and the audit page
(/admin/audit, 50 lines) read with --audit-lines lines in the trail. Medians over --repeat requests
through the whole Flask stack, in-process.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.workload import load, make_app  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _admin_client(app):
    from tracker.accounts.models import Role, User
    from tracker.extensions import db

    with app.app_context():
        user = User(username="bench.admin", full_name="Quản trị thử", role=Role.ADMIN, email="")
        user.set_password("matkhau-bench")
        db.session.add(user)
        db.session.commit()
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"csrf_token": token, "username": "bench.admin", "password": "matkhau-bench"})
    return client, CSRF.search(client.get("/admin/calendar").get_data(as_text=True)).group(1)


def _timed(client, method: str, url: str, data: dict | None = None) -> float:
    started = time.perf_counter()
    response = client.open(url, method=method, data=data)
    elapsed = time.perf_counter() - started
    assert response.status_code in (200, 302), (url, response.status_code)
    return elapsed * 1000


def _fill_trail(app, lines: int) -> None:
    from tracker.audit.operations import record
    from tracker.extensions import db

    with app.app_context():
        for n in range(lines):
            record(None, "unit.updated", "unit", n, f"Sửa đơn vị {n}", {"name": [f"Cũ {n}", f"Mới {n}"]})
        db.session.commit()


def run(n: int, database_url: str | None, repeat: int, audit_lines: int) -> dict[str, float]:
    app = make_app(database_url)
    load(app, n)
    client, token = _admin_client(app)
    day_set, day_removed, shift = [], [], []
    for _ in range(repeat):
        day_set.append(_timed(client, "POST", "/admin/calendar", {"csrf_token": token, "day": "15/11/2024", "kind": "day_off"}))
        day_removed.append(_timed(client, "POST", "/admin/calendar/delete", {"csrf_token": token, "day": "15/11/2024"}))
        shift.append(_timed(client, "POST", "/admin/calendar/shift", {"csrf_token": token}))
        shift.append(_timed(client, "POST", "/admin/calendar/shift", {"csrf_token": token, "s-shift": "y"}))
    _fill_trail(app, audit_lines)
    page = [_timed(client, "GET", "/admin/audit") for _ in range(repeat + 2)][2:]
    filtered = [_timed(client, "GET", "/admin/audit?kind=calendar") for _ in range(repeat + 2)][2:]
    return {
        "calendar day set (re-derive + audit)": statistics.median(day_set),
        "calendar day removed": statistics.median(day_removed),
        "Điều 148 switch": statistics.median(shift),
        f"audit page, {audit_lines:,} lines": statistics.median(page),
        "audit page, kind=calendar": statistics.median(filtered),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="workload size (tasks); repeatable")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--audit-lines", type=int, default=10_000)
    args = parser.parse_args()
    for n in args.n or [10_000]:
        figures = run(n, args.database_url, args.repeat, args.audit_lines)
        engine = "PostgreSQL" if args.database_url else "SQLite"
        print(f"workload n={n:,} tasks ({engine}), median of {args.repeat}:")
        for name, ms in figures.items():
            print(f"  {name:<40} {ms:9.1f} ms")


if __name__ == "__main__":
    main()
