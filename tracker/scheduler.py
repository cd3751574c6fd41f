"""Periodic jobs, declared in one table with stable ids.

The scheduler runs as its own process (``flask --app wsgi scheduler run``), never inside
``create_app`` and never once per web worker. Every job is idempotent and takes the moment it runs
for as an argument, so ``scheduler tick --now …`` can replay any moment.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module

from flask import Flask

from tracker import clock
from tracker.extensions import db
from tracker.settings.services import set_state


def heartbeat(now: datetime) -> list[str]:
    """Record that the scheduler is alive, so the administrator can see it on the calendar page."""
    set_state("scheduler.heartbeat", now.isoformat())
    db.session.commit()
    return [f"heartbeat {now.astimezone(clock.timezone_info()).strftime('%d/%m/%Y %H:%M')}"]


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[datetime], list[str]]
    trigger: str
    trigger_args: dict


def reminders(now: datetime) -> list[str]:
    """Queue the reminders due at ``now`` and deliver what is pending (e-mail, webhook)."""
    from tracker.notifications.services import tick

    return tick(now)


JOBS: list[Job] = [
    Job("heartbeat", heartbeat, "interval", {"minutes": 1}),
    Job(
        "indicator_reminders",
        lambda now: import_module("tracker.indicators.jobs").queue_reminders(now),
        "interval",
        {"minutes": 5},
    ),
    Job("reminders", reminders, "interval", {"minutes": 5}),
]


def run_once(app: Flask, now: datetime) -> list[str]:
    """One pass of every job as if at ``now``; returns what each did."""
    lines: list[str] = []
    with app.app_context():
        for job in JOBS:
            try:
                lines.extend(f"[{job.id}] {line}" for line in job.func(now))
            except Exception:  # one failing job must not stop the others
                db.session.rollback()
                app.logger.exception("job %s failed", job.id)
                lines.append(f"[{job.id}] LỖI (xem nhật ký)")
    return lines


def run_forever(app: Flask) -> None:
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(timezone=app.config["TIMEZONE"])

    def wrap(job: Job):
        def call() -> None:
            with app.app_context():
                try:
                    job.func(clock.now())
                except Exception:
                    db.session.rollback()
                    app.logger.exception("job %s failed", job.id)

        return call

    for job in JOBS:
        scheduler.add_job(
            wrap(job),
            job.trigger,
            id=job.id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            next_run_time=clock.now(),
            **job.trigger_args,
        )

    def stop(signum, frame):
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("Bộ lập lịch đang chạy (Ctrl-C để dừng).", flush=True)
    scheduler.start()
