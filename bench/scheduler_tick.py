"""Benchmark: one scheduler tick on the shared workload ("today" 01/10/2024 07:00), and e-mail delivery.

    .venv/bin/python bench/scheduler_tick.py --n 100000 --n 1000000 [--database-url postgresql+psycopg://…]

For each size: the time of the pass that finds everything due and overdue and queues the messages
(reminders, escalations, digests), the number of SQL statements it issued (it must not grow with the
number of tasks), the deliveries queued, a replay of the same tick (which must queue nothing), and the
rate at which queued e-mails are delivered to a local SMTP server (aiosmtpd on 127.0.0.1).
"""

from __future__ import annotations

import argparse
import signal
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, select  # noqa: E402

from bench.workload import load, make_app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, action="append", help="number of tasks (repeatable)")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (wiped); default: a new SQLite file")
    parser.add_argument("--emails", type=int, default=2000, help="how many queued e-mails to deliver for the rate")
    parser.add_argument("--repeat", type=int, default=3, help="ticks timed (on fresh queues) for the median")
    args = parser.parse_args()
    sizes = args.n or [100_000, 1_000_000]

    from tracker import clock
    from tracker.extensions import db
    from tracker.notifications.models import Delivery, DeliveryStatus
    from tracker.notifications.services import queue_digests, queue_reminders, send_pending

    rows = []
    for n in sizes:
        app = make_app(args.database_url)
        info = load(app, n)
        now = datetime(2024, 10, 1, 7, 0, tzinfo=clock.timezone_info())
        clock.freeze(now)
        timings, statements = [], []
        with app.app_context():
            engine = db.engine
            dialect = engine.dialect.name
            counter = {"n": 0}

            def count(*_args, _counter=counter, **_kw):
                _counter["n"] += 1

            for _ in range(args.repeat):
                db.session.execute(Delivery.__table__.delete())
                db.session.commit()
                event.listen(engine, "before_cursor_execute", count)
                counter["n"] = 0
                started = time.perf_counter()
                queued = queue_reminders(now)
                digests = queue_digests(now)
                db.session.commit()
                timings.append(time.perf_counter() - started)
                event.remove(engine, "before_cursor_execute", count)
                statements.append(counter["n"])
            total = db.session.scalar(select(func.count()).select_from(Delivery))
            emails = db.session.scalar(
                select(func.count()).select_from(Delivery).where(Delivery.status == DeliveryStatus.PENDING)
            )
            started = time.perf_counter()
            again = queue_reminders(now).total + queue_digests(now).total
            db.session.commit()
            replay = time.perf_counter() - started
            # Delivery rate: keep only --emails pending e-mails, send them to a local SMTP server.
            keep = (
                select(Delivery.id)
                .where(Delivery.status == DeliveryStatus.PENDING)
                .order_by(Delivery.id)
                .limit(args.emails)
                .scalar_subquery()
            )
            db.session.execute(
                Delivery.__table__.update()
                .where(Delivery.status == DeliveryStatus.PENDING, Delivery.id.not_in(keep))
                .values(status=DeliveryStatus.SENT)
            )
            db.session.commit()
            port = 8125
            sink = subprocess.Popen(
                [sys.executable, str(Path(__file__).parent / "smtp_sink.py"), str(port)], stdout=subprocess.PIPE, text=True
            )
            assert sink.stdout.readline().strip() == "ready"
            app.config["SMTP_HOST"], app.config["SMTP_PORT"] = "127.0.0.1", port
            started = time.perf_counter()
            report = send_pending(now)
            send_seconds = time.perf_counter() - started
            sink.send_signal(signal.SIGTERM)
            received = int(sink.stdout.readline().strip() or 0)
            sink.wait(timeout=10)
        rows.append(
            {
                "db": dialect,
                "tasks": n,
                "load_s": info["load_seconds"],
                "tick_s": statistics.median(timings),
                "tick_max_s": max(timings),
                "statements": max(statements),
                "queued": total,
                "emails": emails,
                "by_rule": {**queued.by_rule, **digests.by_rule},
                "replay_queued": again,
                "replay_s": replay,
                "sent": len(report.sent),
                "received": received,
                "rate": received / send_seconds if send_seconds else 0,
            }
        )
        clock.freeze(None)
        with app.app_context():
            db.engine.dispose()

    print()
    print("Scheduler tick on the shared workload (gen_workload.py, seed 20241001, today 01/10/2024 07:00)")
    print(
        f"{'db':<10} {'tasks':>9} {'load s':>8} {'tick s (median)':>16} {'max s':>7} {'SQL stmts':>9} {'queued':>8} "
        f"{'of which e-mail':>15} {'replay queued':>13} {'replay s':>8} {'e-mails/s':>10}"
    )
    for r in rows:
        print(
            f"{r['db']:<10} {r['tasks']:>9,} {r['load_s']:>8.1f} {r['tick_s']:>16.3f} {r['tick_max_s']:>7.3f} "
            f"{r['statements']:>9} {r['queued']:>8,} {r['emails']:>15,} {r['replay_queued']:>13} {r['replay_s']:>8.3f} "
            f"{r['rate']:>10.0f}"
        )
    for r in rows:
        print(
            f"  {r['db']} {r['tasks']:,}: "
            + ", ".join(f"{k} {v:,}" for k, v in r["by_rule"].items())
            + f"; delivered {r['received']:,}/{r['sent']:,} e-mails to a local SMTP server"
        )


if __name__ == "__main__":
    main()
