"""Periodic jobs, declared in one table with stable ids.

The scheduler runs as its own process (``flask --app wsgi scheduler run``), never inside
``create_app`` and never once per web worker. Every job is idempotent and takes the moment it runs
for as an argument, so ``scheduler tick --now …`` can replay any moment.

Several scheduler processes may run (two servers for availability): one leads and runs the jobs, the
others wait. Leadership is a lock the database or the kernel drops when its holder dies — a PostgreSQL
session advisory lock, or on SQLite (one machine) an ``flock`` on ``instance/scheduler.lock`` — so a
killed leader is replaced at the next poll of a waiting process (``SCHEDULER_LEADER_POLL_SECONDS``, 10 s).

Every pass of the reminders (the leader's, or a ``scheduler tick`` from the command line) also holds the
*tick* lock. Outbox rows are claimed only during a pass, so a pass that holds the tick lock knows every
claim it finds belongs to a process that died mid-pass, and gives those rows back before it sends: the
messages a killed leader had claimed go out with the next pass, not after the outbox's 10-minute
stale-claim timeout. (A message whose SMTP transaction had completed when its sender died is still sent
again — at least once, never lost.)
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from pathlib import Path
from typing import IO

from flask import Flask
from sqlalchemy import create_engine, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from tracker import clock
from tracker.extensions import db
from tracker.settings.state import set_state

log = logging.getLogger(__name__)

# PostgreSQL advisory lock keys (bigint), fixed for this application.
LEADER_LOCK = 0x7472_6B72_4C45_4144  # "trkrLEAD"
TICK_LOCK = 0x7472_6B72_5449_434B  # "trkrTICK"


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
    """Queue the reminders due at ``now`` and deliver what is pending (e-mail, webhook), one pass at a
    time across every process, after giving back the claims of a pass that died."""
    from tracker.notifications.jobs import tick

    with tick_lock():
        released = release_orphaned_claims()
        lines = [f"nhận lại {released} thư của lượt chạy bị ngắt"] if released else []
        return lines + tick(now)


def release_orphaned_claims() -> int:
    """Outbox rows still claimed when no pass is running (the caller holds the tick lock): their pass
    died. Put them back to pending, unclaimed, keeping their attempts and backoff."""
    from tracker.notifications.models import Delivery, DeliveryStatus, unsent

    claimed = unsent() & (Delivery.status == DeliveryStatus.PENDING) & Delivery.claimed_at.is_not(None)
    n = db.session.execute(update(Delivery).where(claimed).values(claimed_at=None)).rowcount or 0  # type: ignore[attr-defined]
    sending = unsent() & (Delivery.status == DeliveryStatus.SENDING)
    n += db.session.execute(update(Delivery).where(sending).values(status=DeliveryStatus.PENDING, claimed_at=None)).rowcount or 0  # type: ignore[attr-defined]
    db.session.commit()
    if n:
        log.warning("released %d outbox rows claimed by a pass that died", n)
    return n


# ------------------------------------------------------------------ locks


def _is_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def _lock_connection() -> Connection:
    """A connection of its own, outside the pool: a session advisory lock lives as long as it does."""
    engine = create_engine(db.engine.url, poolclass=NullPool)
    return engine.connect()


@contextlib.contextmanager
def tick_lock() -> Iterator[None]:
    """Wait until no other process runs a pass, and hold the tick lock for this one."""
    from flask import current_app

    if _is_postgresql():
        conn = _lock_connection()
        try:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": TICK_LOCK})
            conn.commit()
            yield
        finally:
            conn.close()  # ends the session: the lock goes with it
        return
    path = Path(current_app.instance_path) / "scheduler-tick.lock"
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # released when the file closes, or the process dies
        yield


class Leadership:
    """Which of the running scheduler processes runs the jobs. Thread-safe (APScheduler runs jobs in
    threads); ``held()`` checks that the lock's connection is still alive."""

    def __init__(self, app: Flask):
        self.app = app
        self.identity = f"{socket.gethostname()}:{os.getpid()}"
        self._guard = threading.Lock()
        self._conn: Connection | None = None
        self._file: IO[str] | None = None

    def try_acquire(self) -> bool:
        """True when this process leads (it did already, or it just took over)."""
        with self._guard, self.app.app_context():
            if self._holding():
                return True
            return self._take_pg() if _is_postgresql() else self._take_file()

    def held(self) -> bool:
        with self._guard, self.app.app_context():
            return self._holding()

    def release(self) -> None:
        with self._guard:
            if self._conn is not None:
                with contextlib.suppress(Exception):
                    self._conn.close()
            if self._file is not None:
                self._file.close()
            self._conn = self._file = None

    def _holding(self) -> bool:
        if self._file is not None:
            return True
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1"))
            self._conn.commit()
            return True
        except Exception:  # the connection died: so did the lock; another process may lead now
            log.warning("scheduler %s lost its leader lock", self.identity)
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None
            return False

    def _take_pg(self) -> bool:
        conn = _lock_connection()
        got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LEADER_LOCK}).scalar())
        conn.commit()
        if got:
            self._conn = conn
        else:
            conn.close()
        return got

    def _take_file(self) -> bool:
        fh = (Path(self.app.instance_path) / "scheduler.lock").open("a")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            return False
        self._file = fh
        return True


JOBS: list[Job] = [
    Job("heartbeat", heartbeat, "interval", {"minutes": 1}),
    Job(
        "indicator_reminders",
        lambda now: import_module("tracker.indicators.jobs").queue_reminders(now),
        "interval",
        {"minutes": 5},
    ),
    Job("reminders", reminders, "interval", {"minutes": 5}),
    # Documents asked for in the background (tracker/documents): a few seconds' wait, not a minute's.
    Job("documents", lambda now: import_module("tracker.documents.jobs").build_pending(now), "interval", {"seconds": 5}),
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
    leadership = Leadership(app)

    def wrap(job: Job):
        def call() -> None:
            if not leadership.held():
                return  # a standby: the leader runs the jobs
            with app.app_context():
                try:
                    job.func(clock.now())
                except Exception:
                    db.session.rollback()
                    app.logger.exception("job %s failed", job.id)

        return call

    def lead() -> None:
        """Poll for leadership; on taking over, run every job at once (what the old leader left)."""
        if leadership.held() or not leadership.try_acquire():
            return
        print(f"Bộ lập lịch {leadership.identity}: đang điều phối (tiến trình chính).", flush=True)
        log.warning("scheduler %s is the leader", leadership.identity)
        for job in JOBS:
            scheduler.modify_job(job.id, next_run_time=_wall_now(app))

    for job in JOBS:
        scheduler.add_job(
            wrap(job),
            job.trigger,
            id=job.id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            next_run_time=_wall_now(app),
            **job.trigger_args,
        )
    poll = int(app.config.get("SCHEDULER_LEADER_POLL_SECONDS", 10))
    scheduler.add_job(
        lead, "interval", id="leadership", seconds=poll, max_instances=1, coalesce=True, next_run_time=_wall_now(app)
    )

    def stop(signum, frame):
        scheduler.shutdown(wait=False)
        leadership.release()  # hand over at once instead of at the standby's next poll

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"Bộ lập lịch {leadership.identity} đang chạy (Ctrl-C để dừng); chờ vai trò chính…", flush=True)
    scheduler.start()


def _wall_now(app: Flask) -> datetime:
    """When APScheduler should fire: the machine's real time (``clock.now()`` may be frozen for a demo)."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(app.config["TIMEZONE"]))
