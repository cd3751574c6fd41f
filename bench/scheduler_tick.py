"""Benchmark: one whole scheduler tick on the shared workload ("today" 01/10/2024 07:00), delivery included.

    .venv/bin/python bench/scheduler_tick.py --n 100000 --n 1000000 [--database-url postgresql+psycopg://…]

For each size, the tick as the scheduler runs it (``notifications.jobs.tick``): the pass that finds
everything due and overdue and queues the messages (reminders, escalations, digests), then the delivery
of every queued message — one e-mail per person, to a local SMTP server (aiosmtpd in its own process, as
a real mail server is). Timed on a fresh queue each time (median of --repeat), with the SQL statements
of each part (they must not grow with the number of tasks), then a replay of the same moment (which must
queue and send nothing).
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402

from bench.workload import load, make_app, reuse  # noqa: E402


def one_tick(engine, now: datetime) -> dict:
    """The scheduler's tick (queue, then deliver), each part timed and its SQL statements counted."""
    from tracker.extensions import db
    from tracker.notifications.jobs import queue_digests, queue_reminders, send_pending

    counter = {"n": 0}

    def count(*_args, **_kw):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        started = time.perf_counter()
        queued = queue_reminders(now)
        digests = queue_digests(now)
        db.session.commit()
        queue_s, queue_sql = time.perf_counter() - started, counter["n"]
        counter["n"] = 0
        started = time.perf_counter()
        report = send_pending(now)
        send_s, send_sql = time.perf_counter() - started, counter["n"]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return {
        "queue_s": queue_s,
        "send_s": send_s,
        "total_s": queue_s + send_s,
        "queue_sql": queue_sql,
        "send_sql": send_sql,
        "queued": queued.total + digests.total,
        "by_rule": {**queued.by_rule, **digests.by_rule},
        "emails": report.emails,
        "messages": report.messages,
        "failed": len(report.failed),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, action="append", help="number of tasks (repeatable)")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (wiped); default: a new SQLite file")
    parser.add_argument("--repeat", type=int, default=3, help="ticks timed (on fresh queues) for the median")
    parser.add_argument("--keep", action="store_true", help="reuse the workload already in --database-url (one --n)")
    args = parser.parse_args()
    sizes = args.n or [100_000, 1_000_000]

    from tracker import clock
    from tracker.extensions import db
    from tracker.notifications.models import Delivery

    port = 8125
    sink = subprocess.Popen(
        [sys.executable, str(Path(__file__).parent / "smtp_sink.py"), str(port)], stdout=subprocess.PIPE, text=True
    )
    assert sink.stdout.readline().strip() == "ready"
    rows = []
    try:
        for n in sizes:
            if args.keep:
                app, info = reuse(args.database_url)
            else:
                app = make_app(args.database_url)
                info = load(app, n)
            app.config["SMTP_HOST"], app.config["SMTP_PORT"] = "127.0.0.1", port
            now = datetime(2024, 10, 1, 7, 0, tzinfo=clock.timezone_info())
            clock.freeze(now)
            runs = []
            with app.app_context():
                engine = db.engine
                dialect = engine.dialect.name
                for _ in range(args.repeat):
                    db.session.execute(Delivery.__table__.delete())
                    db.session.commit()
                    runs.append(one_tick(engine, now))
                replay = one_tick(engine, now)
            median = sorted(runs, key=lambda r: r["total_s"])[len(runs) // 2]
            rows.append(
                {
                    "db": dialect,
                    "tasks": n,
                    "load_s": info["load_seconds"],
                    "median": median,
                    "max_s": max(r["total_s"] for r in runs),
                    "replay": replay,
                }
            )
            clock.freeze(None)
            with app.app_context():
                db.engine.dispose()
    finally:
        sink.send_signal(signal.SIGTERM)
        received = int(sink.stdout.readline().strip() or 0)
        sink.wait(timeout=10)

    print()
    print("Scheduler tick on the shared workload (gen_workload.py, seed 20241001, today 01/10/2024 07:00),")
    print("delivery to a local SMTP server included; median of the whole tick over fresh queues")
    print(
        f"{'db':<10} {'tasks':>9} {'load s':>7} {'tick s':>7} {'max s':>6} {'queue s':>8} {'send s':>7} "
        f"{'SQL q+s':>8} {'messages':>9} {'e-mails':>8} {'replay':>20}"
    )
    for r in rows:
        m, rp = r["median"], r["replay"]
        print(
            f"{r['db']:<10} {r['tasks']:>9,} {r['load_s']:>7.1f} {m['total_s']:>7.3f} {r['max_s']:>6.3f} "
            f"{m['queue_s']:>8.3f} {m['send_s']:>7.3f} {m['queue_sql']:>4}+{m['send_sql']:<3} {m['messages']:>9,} "
            f"{m['emails']:>8,} {rp['queued']:>3} queued {rp['emails']:>2} sent {rp['total_s']:.3f} s"
        )
    for r in rows:
        m = r["median"]
        print(
            f"  {r['db']} {r['tasks']:,}: "
            + ", ".join(f"{k} {v:,}" for k, v in m["by_rule"].items())
            + f"; {m['emails']} e-mails carried {m['messages']:,} messages ({m['failed']} failed)"
        )
    print(f"  the SMTP server received {received:,} e-mails in all")


if __name__ == "__main__":
    main()
