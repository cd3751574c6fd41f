"""Load the shared workload (../shared/bench/gen_workload.py) into a fresh database through the app's models.

Used by every benchmark so figures compare across tools. The CSV files are generated once per size into
``bench/.cache`` (ignored by git).
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT.parent / "shared" / "bench" / "gen_workload.py"
CACHE = ROOT / "bench" / ".cache"
TODAY = date(2024, 10, 1)
BATCH = 20_000


def workload_dir(n: int) -> Path:
    out = CACHE / f"n{n}"
    if not (out / "tasks.csv").exists():
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(GENERATOR), "--n", str(n), "--out", str(out)], check=True, stderr=subprocess.DEVNULL)
    return out


def make_app(database_url: str | None):
    """A fresh app on a new database: a SQLite file in a temp folder, or the PostgreSQL URL given (wiped)."""
    sys.path.insert(0, str(ROOT))
    from config import Config
    from tracker import create_app
    from tracker.maintenance import rebuild_schema

    instance = Path(tempfile.mkdtemp(prefix="tracker-bench-"))

    class BenchConfig(Config):
        INSTANCE_DIR = instance
        UPLOAD_DIR = instance / "uploads"
        SQLALCHEMY_DATABASE_URI = database_url or f"sqlite:///{instance / 'bench.db'}"

    app = create_app(BenchConfig)
    rebuild_schema(app)
    return app


def reuse(database_url: str):
    """An app on a database an earlier run loaded (``--keep``): (app, the same summary ``load`` returns)."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import func, select

    from config import Config
    from tracker import create_app
    from tracker.accounts.models import Unit
    from tracker.extensions import db
    from tracker.plans.models import Plan
    from tracker.tasks.models import Task

    instance = Path(tempfile.mkdtemp(prefix="tracker-bench-"))

    class KeepConfig(Config):
        INSTANCE_DIR = instance
        UPLOAD_DIR = instance / "uploads"
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(KeepConfig)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()  # a workload loaded before the latest migrations
        counts = {
            name: db.session.scalar(select(func.count()).select_from(model))
            for name, model in (("tasks", Task), ("units", Unit), ("plans", Plan))
        }
    if not counts["tasks"]:
        raise SystemExit(f"--keep: no workload in {database_url}")
    return app, {**counts, "load_seconds": 0.0}


def load(app, n: int) -> dict:
    """Units, plans, tasks, and the people reminders go to: one head per unit, two leaders, two office staff."""
    from tracker.accounts.models import Role, Unit, User
    from tracker.extensions import db
    from tracker.plans.models import Issuer, Plan
    from tracker.rules.deadlines import DeadlineKind
    from tracker.rules.status import Confirmation, TaskStatus, effective_due
    from tracker.settings.queries import load_calendar
    from tracker.tasks.models import Task

    folder = workload_dir(n)
    started = time.perf_counter()
    with app.app_context():
        calendar = load_calendar()
        with open(folder / "units.csv") as f:
            units = list(csv.DictReader(f))
        db.session.execute(
            insert(Unit),
            [
                {
                    "id": int(u["id"]),
                    "name": u["name"],
                    "short_name": u["name"][-2:],
                    "email": u["email"],
                    "kind": "division",
                    "position": int(u["id"]),
                    "active": True,
                }
                for u in units
            ],
        )
        users = [
            {
                "username": f"head{u['id']}",
                "full_name": f"Trưởng {u['name']}",
                "role": Role.UNIT_HEAD,
                "unit_id": int(u["id"]),
                "email": u["email"],
            }
            for u in units
        ]
        users += [
            {
                "username": f"leader{i}",
                "full_name": f"Lãnh đạo {i}",
                "role": Role.LEADER,
                "unit_id": None,
                "email": f"leader{i}@example.invalid",
            }
            for i in (1, 2)
        ]
        users += [
            {
                "username": f"office{i}",
                "full_name": f"Văn phòng {i}",
                "role": Role.OFFICE,
                "unit_id": None,
                "email": f"office{i}@example.invalid",
            }
            for i in (1, 2)
        ]
        db.session.execute(insert(User), [{**u, "password_hash": "", "active": True, "email_reminders": True} for u in users])
        with open(folder / "plans.csv") as f:
            plans = list(csv.DictReader(f))
        issuer = Issuer(name="Sở", code="")
        db.session.add(issuer)
        db.session.flush()
        db.session.execute(
            insert(Plan),
            [
                {
                    "id": int(p["id"]),
                    "doc_type": "plan",
                    "number": f"{p['id']}/KH-BENCH",
                    "title": p["title"],
                    "issuer_id": issuer.id,
                    "issued_on": date(2024, 1, 1),
                    "year": 2024,
                    "parent_reference": "",
                    "status": "active",
                    "requires_confirmation": False,
                }
                for p in plans
            ],
        )
        postgres = db.engine.dialect.name == "postgresql"
        created = datetime(2024, 1, 1, tzinfo=UTC)
        shifted: dict[date, date] = {}
        status_map = {"new": TaskStatus.NOT_STARTED, "in_progress": TaskStatus.IN_PROGRESS, "closed": TaskStatus.DONE}
        batch: list[dict] = []
        with open(folder / "tasks.csv") as f:
            for row in csv.DictReader(f):
                due = date.fromisoformat(row["due_date"])
                if due not in shifted:
                    shifted[due] = effective_due(due, None, calendar)
                closed = row["closed_on"][:10]
                batch.append(
                    {
                        "id": int(row["id"]),
                        "plan_id": int(row["plan_id"]),
                        "parent_id": int(row["parent_id"]) if row["parent_id"] else None,
                        "position": int(row["id"]),
                        "ordinal": row["id"],
                        "title": row["title"],
                        "description": "",
                        "lead_unit_id": int(row["lead_unit"]),
                        "start_date": date.fromisoformat(row["start_date"]),
                        "deadline_text": row["due_date"],
                        "deadline_kind": DeadlineKind.FIXED,
                        "due_date": due,
                        "effective_due": shifted[due],
                        "status": status_map[row["status"]],
                        "progress": 100 if closed else 0,
                        "completed_on": date.fromisoformat(closed) if closed else None,
                        "confirmation": Confirmation.CONFIRMED if closed else Confirmation.NONE,
                        "result": "",
                        "created_at": created,
                        "updated_at": created,
                    }
                )
                if len(batch) >= BATCH:
                    _write_tasks(db, Task, batch, postgres)
                    # A commit per batch: task_tally's rows are rewritten for every task, and within one
                    # transaction each rewrite leaves a version that the next look-up must step over.
                    db.session.commit()
                    batch = []
        if batch:
            _write_tasks(db, Task, batch, postgres)
        if db.engine.dialect.name == "postgresql":
            for table in ("unit", "plan", "task"):
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
    return {"tasks": n, "units": len(units), "plans": len(plans), "load_seconds": time.perf_counter() - started}


def _write_tasks(db, Task, rows: list[dict], postgres: bool) -> None:
    """INSERT through the model's table; on PostgreSQL, COPY into the same table (the loader's speed is
    not what is measured, and executemany of a million rows takes minutes there)."""
    if not postgres:
        db.session.execute(insert(Task), rows)
        return
    columns = list(rows[0])
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY task ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([v.value if hasattr(v, "value") else v for v in (row[c] for c in columns)])
