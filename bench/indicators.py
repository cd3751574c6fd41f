"""Benchmark: indicators.

    .venv/bin/python bench/indicators.py [--plans 200] [--repeat 5] [--database-url postgresql+psycopg://…]

Loads the demo (its 25/KH-SNV carries seed 004's twelve indicators with three quarters of results),
then adds ``--plans`` copies of that plan's indicators (twelve each, four confirmed quarterly results
each: 2,400 indicators and 9,600 results at 200 plans), and times (median of --repeat):
* the plan page (/plans/<id>, with its indicator panel) and the plan's indicator list for 25/KH-SNV;
* the director's dashboard (/dashboard), which counts this period's verdict of every indicator of the
  active plans;
* Phụ lục II for one plan (``report_rows``) and for all plans;
* the parse of every target and result of seeds 004 and 000 (pure).
Prints the workload size with the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench")
    from config import Config
    from tracker import clock, create_app
    from tracker.accounts.models import Unit, User
    from tracker.demo import load_demo
    from tracker.extensions import db
    from tracker.indicators import operations as ops
    from tracker.indicators import queries as q
    from tracker.indicators.demo import RESULTS, seed_004_indicators
    from tracker.maintenance import rebuild_schema
    from tracker.plans.models import Issuer, Plan
    from tracker.rules.indicators import parse_results, split_parts

    with tempfile.TemporaryDirectory() as tmp:

        class BenchConfig(Config):
            INSTANCE_DIR = Path(tmp)
            SQLALCHEMY_DATABASE_URI = args.database_url or f"sqlite:///{tmp}/bench.db"
            WTF_CSRF_ENABLED = False

        app = create_app(BenchConfig)
        rebuild_schema(app)
        clock.freeze(datetime(2025, 6, 2, 8, 30))  # the demo needs its finished work in the past
        with app.app_context():
            load_demo()
            db.session.commit()
        clock.freeze(datetime(2024, 12, 20, 9, 0))  # then the figures of Q4 2024
        with app.app_context():
            units = {u.short_name or u.name: u for u in db.session.query(Unit)}
            units = {"VP": units["VP"], "CCHC": units["CCHC"], "CCVC": units["CCVC"]}
            office = db.session.query(User).filter_by(username="vanphong").one()
            head = db.session.query(User).filter_by(username="truongphong").one()
            ccvc = db.session.query(User).filter_by(username="tp.ccvc").one()
            issuer = db.session.query(Issuer).first()
            start = time.perf_counter()
            for n in range(args.plans):
                plan = Plan(
                    number=f"{n + 100}/KH-BENCH",
                    title="Kế hoạch chuyển đổi số (bench)",
                    issuer_id=issuer.id,
                    issued_on=date(2024, 2, 20),
                    year=2024,
                    monitoring_unit_id=units["VP"].id,
                )
                db.session.add(plan)
                db.session.flush()
                for i, ind in enumerate(seed_004_indicators(plan, units, office)):
                    for quarter in range(1, 5):
                        typed = RESULTS[i][min(quarter, 3) - 1]
                        day = date(2024, 3 * quarter, 12)
                        r = ops.enter_result(
                            ind,
                            ops.ResultInput(f"Q{quarter}-2024", tuple(v.strip() for v in typed.split(";"))),
                            ccvc if i in (3, 4) else head,
                            day,
                        )
                        ops.confirm_result(r, office, day + timedelta(days=2))
                db.session.commit()
            load_s = time.perf_counter() - start
            demo_plan = db.session.query(Plan).filter_by(number="25/KH-SNV").one()
            all_ids = [p.id for p in db.session.query(Plan)]
            n_ind = len(q.indicators_of(all_ids))
            n_res = sum(len(v) for v in q.results_of([i.id for i in q.indicators_of(all_ids)]).values())
        print(
            f"workload: {args.plans} plans × 12 indicators + the demo's: {n_ind} indicators, {n_res} results "
            f"(loaded in {load_s:.1f} s); database {'PostgreSQL' if args.database_url else 'SQLite file'}"
        )
        client = app.test_client()
        client.post("/login", data={"username": "giamdoc", "password": "demo-2026-tracker"})
        office_client = app.test_client()
        office_client.post("/login", data={"username": "vanphong", "password": "demo-2026-tracker"})
        rows = [
            ("plan page 25/KH-SNV (with indicators)", lambda: client.get(f"/plans/{demo_plan.id}")),
            ("indicator list of 25/KH-SNV", lambda: client.get(f"/plans/{demo_plan.id}/indicators")),
            ("director dashboard", lambda: client.get("/dashboard")),
            ("office board (missing / waiting)", lambda: office_client.get("/board")),
        ]
        for name, fn in rows:
            assert fn().status_code == 200, name
            print(f"{name:44} {median_ms(fn, args.repeat):9.1f} ms")
        with app.app_context():
            print(
                f"{'Phụ lục II, one plan':44} {median_ms(lambda: q.report_rows([demo_plan.id], date(2024, 12, 20), None), args.repeat):9.1f} ms"
            )
            print(
                f"{'Phụ lục II, all plans':44} {median_ms(lambda: q.report_rows(all_ids, date(2024, 12, 20), None), args.repeat):9.1f} ms"
            )
        targets = [t for t, _lead, _key in __import__("tracker.indicators.demo", fromlist=["SEED_004"]).SEED_004]
        results = [v for r in RESULTS for v in r]
        pure = median_ms(lambda: ([split_parts(t) for t in targets], [parse_results(r) for r in results]), args.repeat)
        print(f"{'parse 12 targets + 36 results (pure)':44} {pure:9.2f} ms")


if __name__ == "__main__":
    main()
