"""Benchmark: search (issue 15 item 2) over the shared workload, through the whole Flask stack.

    .venv/bin/python bench/search.py --n 1000000 [--database-url postgresql+psycopg://…] [--repeat 15]

Loads the shared workload (../shared/bench/gen_workload.py, titles like "Review budget #123", plans
numbered "42/KH-BENCH") through bench.workload, then times ``GET /api/v1/search?q=…`` and the HTML
page ``/search?q=…`` for queries from common to absent: median of --repeat requests after 2 warm-ups.
The target: under 100 ms median at 1,000,000 tasks on both databases.
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

from bench.workload import load, make_app, reuse  # noqa: E402

QUERIES = [
    ("common word (1 task in 16)", "budget"),
    ("two words (1 in 240)", "review budget"),
    ("a task's number", "#123456"),
    ("a plan number", "42/KH-BENCH"),
    ("Vietnamese, no match", "số hoá"),
    ("absent word", "zzqx"),
]


def login(client) -> tuple[str, str]:
    from tracker.accounts.models import User
    from tracker.extensions import db

    with client.application.app_context():
        user = db.session.query(User).filter_by(username="leader1").one()
        user.set_password("matkhau-bench")
        token = user.new_api_token()
        db.session.commit()
    html = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    client.post("/login", data={"csrf_token": csrf, "username": "leader1", "password": "matkhau-bench"})
    return token, csrf


def timed(client, url: str, headers: dict, repeat: int) -> tuple[float, object]:
    times = []
    response = None
    for i in range(repeat + 2):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
        if i >= 2:
            times.append(elapsed)
    return statistics.median(times) * 1000, response


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, action="append")
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="reuse the workload already in --database-url (one --n)")
    parser.add_argument("--index-while-loading", action="store_true", help="SQLite: keep the FTS triggers during the load")
    args = parser.parse_args()
    for n in args.n or [1_000_000]:
        db_name = "PostgreSQL" if (args.database_url or "").startswith("postgresql") else "SQLite"
        if args.keep:
            app, info = reuse(args.database_url)
            _report(app, db_name, n, info, "", args.repeat)
            continue
        app = make_app(args.database_url)
        app.config["FROZEN_NOW"] = None
        after = db_name == "SQLite" and not args.index_while_loading
        if after:
            # A million single-row FTS5 inserts through the trigger crawl on a loaded machine (320,000 in
            # 25 min here); build the index after the load the way migration 0016 does for existing tasks
            # (one INSERT ... SELECT), which also puts the triggers back. The index is the same.
            with app.app_context():
                downgrade(revision="0012")
        info = load(app, n)
        note = ""
        if after:
            started = time.perf_counter()
            with app.app_context():
                upgrade()
            note = f", search index built after the load in {time.perf_counter() - started:.0f} s"
        _report(app, db_name, n, info, note, args.repeat)


def _report(app, db_name: str, n: int, info: dict, note: str, repeat: int) -> None:
    print(
        f"{db_name}: {info['tasks']:,} tasks, {info['plans']} plans, {info['units']} units loaded in {info['load_seconds']:.0f} s{note}"
    )
    client = app.test_client()
    token, _ = login(client)
    print("| database | tasks | query | tasks found (shown) | API JSON median | HTML page median |")
    for label, query in QUERIES:
        api_ms, response = timed(client, f"/api/v1/search?q={quote(query)}", {"Authorization": f"Bearer {token}"}, repeat)
        body = response.get_json()
        found = f"{len(body['tasks'])}{'+' if body['more']['tasks'] else ''} tasks, {len(body['plans'])} plans"
        html_ms, _ = timed(client, f"/search?q={quote(query)}", {}, repeat)
        print(f"| {db_name} | {n:,} | {label}: `{query}` | {found} | {api_ms:.1f} ms | {html_ms:.1f} ms |", flush=True)


if __name__ == "__main__":
    main()
