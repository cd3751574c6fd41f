"""Benchmark: the task list's "Tìm" (``/tasks?q=…``, issue 15) through the search index, against the
``ilike`` it replaced, over the shared workload, through the whole Flask stack.

    .venv/bin/python bench/task_list_search.py --n 100000 [--database-url postgresql+psycopg://…] [--repeat 7]

Loads the shared workload (../shared/bench/gen_workload.py, titles like "Review budget #123") through
bench.workload (SQLite: the FTS index built after the load, as bench/search.py does), then times the
HTML page ``/tasks?q=…`` (count + first page of 50, sorted by deadline) for a common word, two words,
a task's number and an absent word: median of --repeat requests after 2 warm-ups. The same requests
with the former condition (``title ILIKE '%q%' OR ordinal ILIKE '%q%'``) are timed for comparison, by
swapping ``tracker.tasks.filters.search_condition`` for it in this process only.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import downgrade, upgrade  # noqa: E402
from sqlalchemy import or_  # noqa: E402

from bench.workload import load, make_app  # noqa: E402
from tracker.tasks import filters  # noqa: E402
from tracker.tasks.models import Task  # noqa: E402

QUERIES = [
    ("common word (1 task in 16)", "budget"),
    ("two words (1 in 240)", "review budget"),
    ("a task's number", "#123"),
    ("absent word", "zzqx"),
]


def former(typed: str):
    like = f"%{typed.strip()}%"
    return or_(Task.title.ilike(like), Task.ordinal.ilike(like))


def sign_in(client) -> None:
    from tracker.accounts.models import User
    from tracker.extensions import db

    with client.application.app_context():
        db.session.query(User).filter_by(username="leader1").one().set_password("matkhau-bench")
        db.session.commit()
    html = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    client.post("/login", data={"csrf_token": csrf, "username": "leader1", "password": "matkhau-bench"})


def timed(client, url: str, repeat: int) -> tuple[float, str]:
    times, html = [], ""
    for i in range(repeat + 2):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        html = response.get_data(as_text=True)
        if i >= 2:
            times.append(elapsed)
    total = re.search(r'data-testid="total">([\d.]+) nhiệm vụ', html)
    return statistics.median(times) * 1000, total.group(1) if total else "?"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, action="append")
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    index_condition = filters.search_condition
    for n in args.n or [100_000]:
        app = make_app(args.database_url)
        app.config["FROZEN_NOW"] = None
        db_name = "PostgreSQL" if (args.database_url or "").startswith("postgresql") else "SQLite"
        if db_name == "SQLite":
            with app.app_context():
                downgrade(revision="0012")
        info = load(app, n)
        if db_name == "SQLite":
            with app.app_context():
                upgrade()
        print(f"{db_name}: {info['tasks']:,} tasks loaded in {info['load_seconds']:.0f} s")
        client = app.test_client()
        sign_in(client)
        print("| database | tasks | query | found | index (now) | ilike (before) |")
        for label, query in QUERIES:
            filters.search_condition = index_condition
            now_ms, found = timed(client, f"/tasks?q={quote(query)}", args.repeat)
            filters.search_condition = former
            before_ms, found_before = timed(client, f"/tasks?q={quote(query)}", args.repeat)
            filters.search_condition = index_condition
            print(
                f"| {db_name} | {n:,} | {label}: `{query}` | {found} (before: {found_before}) | {now_ms:.1f} ms | {before_ms:.1f} ms |",
                flush=True,
            )


if __name__ == "__main__":
    main()
