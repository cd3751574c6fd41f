"""Benchmark: rendering Báo cáo from the shared workload.

    .venv/bin/python bench/reports.py --n 100000 [--database-url postgresql+psycopg://…]

Loads the shared workload (../shared/bench/gen_workload.py, "today" 01/10/2024) through the app's
models (bench/workload.py), then, in a fresh child process on that database (so its peak memory is
the rendering's, not the loader's), times with the clock at 01/10/2024:

* the plan whose number of leaves is closest to 500: figures (snapshot) + PDF, figures + DOCX;
* the year report over every plan of 2024 (all tasks): figures + PDF, + DOCX, + XLSX;

each the median of --repeat runs after one warm-up ("figures": the snapshot alone; each format:
figures and drawing, as a download costs), and reports the child's peak resident memory
(ru_maxrss). Targets (issue 12): 500-task plan < 1 s to PDF and < 1 s to DOCX; year report < 3 s;
memory < 300 MB.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = date(2024, 10, 1)
NOW = datetime(2024, 10, 1, 9, 0)
OFFICE = {
    "governing_body": "UBND TỈNH BẮC GIANG",
    "name": "SỞ NỘI VỤ",
    "code": "SNV",
    "place": "Bắc Giang",
    "head_title": "GIÁM ĐỐC",
    "signer_title": "GIÁM ĐỐC",
    "signer_name": "Nguyễn Văn A",
    "recipients": "UBND tỉnh (để báo cáo)",
    "archive": "VT",
}


def _timed(fn, repeat: int) -> tuple[float, int]:
    fn()  # warm-up
    times, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        size = len(fn())
        times.append(time.perf_counter() - started)
    return statistics.median(times), size


def child(database_url: str, instance: str, repeat: int) -> dict:
    """Runs in its own process: only the app, the database and the renderers."""
    from sqlalchemy import func, select

    from config import Config
    from tracker import clock, create_app
    from tracker.extensions import db
    from tracker.reports.models import ReportScope
    from tracker.reports.queries import ReportSpec, build_snapshot
    from tracker.reports.render import render_spec
    from tracker.tasks.models import Task

    class BenchConfig(Config):
        INSTANCE_DIR = Path(instance)
        SQLALCHEMY_DATABASE_URI = database_url

    clock.freeze(NOW)
    app = create_app(BenchConfig)
    out: dict = {}
    with app.app_context():
        sizes = db.session.execute(select(Task.plan_id, func.count()).where(Task.is_leaf).group_by(Task.plan_id)).all()
        plan_id, leaves = min(sizes, key=lambda row: (abs(row[1] - 500), row[0]))
        out["plan_leaves"] = int(leaves)
        out["plans"] = len(sizes)
        out["tasks"] = db.session.scalar(select(func.count()).select_from(Task))
        plan = ReportSpec(ReportScope.PLAN, AS_OF, plan_id)
        year = ReportSpec(ReportScope.YEAR, AS_OF, year=2024)
        for name, spec in (("plan_figures", plan), ("year_figures", year)):
            seconds, _ = _timed(lambda spec=spec: json.dumps(build_snapshot(spec)), repeat)
            db.session.rollback()
            out[name] = {"seconds": seconds}
        for name, spec, fmt in (
            ("plan_pdf", plan, "pdf"),
            ("plan_docx", plan, "docx"),
            ("year_pdf", year, "pdf"),
            ("year_docx", year, "docx"),
            ("year_xlsx", year, "xlsx"),
        ):
            seconds, size = _timed(lambda spec=spec, fmt=fmt: render_spec(spec, fmt, OFFICE), repeat)
            db.session.rollback()
            out[name] = {"seconds": seconds, "bytes": size}
        db.engine.dispose()
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, action="append")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("URL", "INSTANCE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.repeat)))
        return

    from bench.workload import load, make_app
    from tracker import clock
    from tracker.extensions import db

    rows = []
    for n in args.n or [100_000]:
        clock.freeze(NOW)
        app = make_app(args.database_url)
        info = load(app, n)
        with app.app_context():
            dialect = db.engine.dialect.name
            url = db.engine.url.render_as_string(hide_password=False)
            db.engine.dispose()
        clock.freeze(None)
        result = subprocess.run(
            [sys.executable, __file__, "--child", url, app.instance_path, "--repeat", str(args.repeat)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        data = json.loads(result.stdout.strip().splitlines()[-1])
        rows.append((dialect, n, info, data))

    print()
    print("Báo cáo on the shared workload (gen_workload.py, seed 20241001, as of 01/10/2024); median of runs, seconds")
    for dialect, n, _info, d in rows:
        print(
            f"{dialect:<10} {n:>9,} tasks | plan of {d['plan_leaves']} leaves: figures {d['plan_figures']['seconds']:.3f} s, "
            f"PDF {d['plan_pdf']['seconds']:.3f} s, "
            f"DOCX {d['plan_docx']['seconds']:.3f} s | year report over {d['plans']} plans: figures {d['year_figures']['seconds']:.3f} s, PDF {d['year_pdf']['seconds']:.3f} s, "
            f"DOCX {d['year_docx']['seconds']:.3f} s, XLSX {d['year_xlsx']['seconds']:.3f} s | peak memory {d['max_rss_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
