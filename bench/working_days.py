"""Benchmark: working-day arithmetic (issue 16, item 3), and the pages that lean on it at the bounds.

    .venv/bin/python bench/working_days.py [--n 100000] [--database-url postgresql+psycopg://…]

Part 1 times ``working_days_between`` and ``add_working_days`` on spans of 1 to 2,023 years, against the
former day-by-day walk (kept here as the reference). Part 2 loads the shared workload
(../shared/bench/gen_workload.py) with ``--n`` tasks and measures the CPU time (time.process_time) of
``GET /unit`` and ``GET /board`` at the oldest and newest accepted as-of dates and at 0001-01-01 (refused,
400), signed in as the office.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import timeit
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.rules.calendar import WorkCalendar  # noqa: E402

ONE = timedelta(days=1)


def old_between(cal: WorkCalendar, start: date, end: date) -> int:
    count, day = 0, start + ONE
    while day <= end:
        count += cal.is_working_day(day)
        day += ONE
    return count


def per_call(fn, repeat: int) -> float:
    """The best of five rounds (the machine is shared: the minimum is the least disturbed)."""
    return min(timeit.repeat(fn, number=repeat, repeat=5)) / repeat


def arithmetic() -> None:
    cal = WorkCalendar(extra_days_off=frozenset({date(2024, 9, 3)}), makeup_working_days=frozenset({date(2024, 9, 7)}))
    end = date(2024, 10, 1)
    print("span                 between new   between old (day by day)   add new      (old add: same walk)")
    for years in (0, 1, 10, 100, 2023):
        start = date(end.year - years, 1, 1) if years else end - 7 * ONE
        n = cal.working_days_between(start, end)
        assert n == old_between(cal, start, end)
        new = per_call(lambda start=start: cal.working_days_between(start, end), 200)
        old = per_call(lambda start=start: old_between(cal, start, end), 1 if years > 10 else 20)
        add = per_call(lambda start=start, n=n: cal.add_working_days(start, n), 200)
        print(
            f"{(f'{years} years' if years else '7 days'):>11} {n:>7} wd   {new * 1e6:>9.1f} µs   {old * 1e3:>12.2f} ms        {add * 1e6:>9.1f} µs"
        )


def pages(n: int, database_url: str | None) -> None:
    from bench.workload import load, make_app
    from tracker import clock
    from tracker.accounts.models import User
    from tracker.extensions import db

    app = make_app(database_url)
    started = time.perf_counter()
    load(app, n)
    print(
        f"\nshared workload: {n:,} tasks loaded in {time.perf_counter() - started:.0f} s ({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]})"
    )
    clock.freeze(clock.now().replace(year=2024, month=10, day=1))
    with app.app_context():
        user = db.session.query(User).filter(User.username.like("office%")).first()
        user.set_password("matkhau-bench")
        name = user.username
        db.session.commit()
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    client.post("/login", data={"csrf_token": csrf, "username": name, "password": "matkhau-bench"})
    print("request                              status   CPU (process_time)")
    for url in [
        "/unit",
        "/unit?as_of=2000-01-01",
        "/unit?as_of=2100-12-31",
        "/unit?as_of=0001-01-01",
        "/board?as_of=2000-01-01",
        "/board?as_of=2100-12-31",
        "/board?as_of=0001-01-01",
    ]:
        client.get(url)  # warm
        cpu = time.process_time()
        status = client.get(url).status_code
        print(f"{url:<36} {status:>6}   {time.process_time() - cpu:>8.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=0, help="tasks of the shared workload for part 2 (0: skip)")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    arithmetic()
    if args.n:
        pages(args.n, args.database_url)


if __name__ == "__main__":
    main()
