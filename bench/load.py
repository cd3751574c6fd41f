"""Load benchmark (issue 16 item 15): the production server under a realistic mix, from a second process.

    .venv/bin/python bench/load.py --n 1000000 --database-url postgresql+psycopg://… [--seconds 60]
        [--workers 4] [--clients 8] [--keep]

The shared workload (../shared/bench/gen_workload.py) is loaded into the PostgreSQL database given
(wiped first; ``--keep`` reuses a database an earlier run loaded), then gunicorn serves the app with
``--workers`` processes (scripts/gunicorn.conf.py, the settings ``make run`` uses), and a second process
drives ``--clients`` signed-in people at once for ``--seconds``, each as a real browser would: it signs in
through the login form (CSRF token and all), then repeats a mix of what the three roles do in a day —

    director   the dashboard, the dashboard of a past period, a plan's task list
    office     the board, task lists filtered by plan/box/unit, a search
    unit head  "Việc của đơn vị", a task page, an update of a task's progress (a real POST that writes)

The plan page is left out of the mix: it draws the plan's whole tree, and the shared workload's plans
hold 5,000 (up to 28,000) tasks each where a Sở's plan holds tens — 13–15 s and 19 MB of HTML a page at
the million, measured apart (see the README); its task list (/tasks?plan=…) is in.

Printed: requests, throughput, p50/p90/p99 per kind and overall, and every error (a 5xx, a refused
connection, a time-out, or an unexpected 4xx). The run passes only with zero errors. The clock is the
workload's "today" (TRACKER_NOW=2024-10-01T09:00), so the figures are those every benchmark shows.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "matkhau-tai-benchmark"
NOW = "2024-10-01T09:00:00+07:00"


# --------------------------------------------------------------------------------------------- client
class Browser:
    """One signed-in person: a keep-alive connection and the session cookie, nothing else shared."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # gunicorn closes an idle keep-alive connection after its keepalive seconds, and recycles
                # a worker after max_requests: reconnect once, as a browser does.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        return response.status, text

    def sign_in(self, username: str) -> None:
        status, html = self.request("GET", "/login")
        token = _csrf(html)
        status, _ = self.request("POST", "/login", {"csrf_token": token, "username": username, "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"sign-in of {username} answered {status}")


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def _form_fields(html: str, action_suffix: str) -> dict[str, str] | None:
    """The hidden fields of the page's form posting to ``…action_suffix`` (CSRF token, version, …)."""
    for match in re.finditer(r"<form\b[^>]*action=\"([^\"]*)\"[^>]*>(.*?)</form>", html, re.S):
        if match.group(1).split("?")[0].endswith(action_suffix):
            fields = {}
            for tag in re.findall(r"<input\b[^>]*>", match.group(2)):
                attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag))
                if attrs.get("type") == "hidden" and "name" in attrs:
                    fields[attrs["name"]] = attrs.get("value", "")
            return fields
    return None


def _actions(plan, rng: random.Random):
    """The mix of one role, as (kind, weight, function(browser) -> status)."""
    plans, units, tasks, words = plan["plans"], plan["units"], plan["tasks"], plan["words"]

    def get(path):
        return lambda b: b.request("GET", path() if callable(path) else path)[0]

    def update(b):
        task_id = rng.choice(tasks)
        status, html = b.request("GET", f"/tasks/{task_id}")
        if status != 200:
            return status
        fields = _form_fields(html, f"/tasks/{task_id}/progress")
        if fields is None:  # done or cancelled meanwhile: the page offers no update, nothing to post
            return 200
        fields.update({"p-status": "in_progress", "p-progress": str(rng.randint(1, 99)), "p-completed_on": ""})
        return b.request("POST", f"/tasks/{task_id}/progress", fields)[0]

    return {
        "director": [
            ("dashboard", 3, get("/dashboard")),
            ("dashboard (past period)", 1, get(lambda: f"/dashboard?period=quarter&year=2024&quarter={rng.randint(1, 3)}")),
            ("plan's task list", 1, get(lambda: f"/tasks?plan={rng.choice(plans)}&leaves=1")),
        ],
        "office": [
            ("board", 1, get("/board")),
            (
                "task list",
                3,
                get(
                    lambda: (
                        "/tasks?"
                        + urlencode(
                            {
                                "plan": rng.choice(plans),
                                "box": rng.choice(["open_overdue", "open_in_time", "done_on_time", "done_late"]),
                                "leaves": 1,
                            }
                        )
                    )
                ),
            ),
            ("task list by unit", 1, get(lambda: f"/tasks?unit={rng.choice(units)}&box=open_overdue&leaves=1")),
            ("search", 2, get(lambda: "/search?" + urlencode({"q": rng.choice(words)}))),
        ],
        "unit head": [
            ("unit page", 2, get("/unit")),
            ("task page", 3, get(lambda: f"/tasks/{rng.choice(tasks)}")),
            ("update", 1, update),
        ],
    }


def run_client(args) -> None:
    """The second process: ``--clients`` threads, each one signed-in person, for ``--seconds``."""
    plan = json.loads(Path(args.plan).read_text())
    records: list[tuple[str, float, int | str]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds
    roles = [("director", "leader1"), ("office", "office1")] + [("unit head", h) for h in plan["heads"]]

    def person(index: int) -> None:
        role, username = roles[index % len(roles)]
        rng = random.Random(index)
        browser = Browser(args.port)
        browser.sign_in(username)
        actions = _actions(plan, rng)[role]
        kinds, weights = [a[:1] + a[2:] for a in actions], [a[1] for a in actions]
        mine = []
        while time.monotonic() < deadline:
            ((kind, action),) = rng.choices(kinds, weights)
            started = time.perf_counter()
            try:
                outcome: int | str = action(browser)
            except Exception as exc:  # noqa: BLE001 — every failure is counted, none stops the run
                outcome = type(exc).__name__
            mine.append((kind, time.perf_counter() - started, outcome))
        with lock:
            records.extend(mine)

    threads = [threading.Thread(target=person, args=(i,)) for i in range(args.clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    Path(args.out).write_text(json.dumps({"elapsed": elapsed, "records": records}))


# --------------------------------------------------------------------------------------------- server
def prepare(args) -> dict:
    """Load (or reuse) the workload; give the people a password; pick the ids the mix uses."""
    from sqlalchemy import select

    from bench.workload import load, make_app, reuse
    from tracker.accounts.models import Role, User
    from tracker.extensions import db
    from tracker.tasks.models import Task

    if args.keep:
        app, loaded = reuse(args.database_url)
    else:
        app = make_app(args.database_url)
        loaded = load(app, args.n)
    rng = random.Random(7)
    with app.app_context():
        people = db.session.scalars(select(User).where(User.username.in_(["leader1", "office1"]))).all()
        heads = db.session.scalars(select(User).where(User.role == Role.UNIT_HEAD).order_by(User.id).limit(6)).all()
        from werkzeug.security import generate_password_hash

        hashed = generate_password_hash(PASSWORD)
        for user in [*people, *heads]:
            user.password_hash = hashed
        db.session.commit()
        head_units = [h.unit_id for h in heads]
        task_ids = db.session.scalars(
            select(Task.id).where(Task.lead_unit_id.in_(head_units), Task.is_leaf.is_(True)).order_by(Task.id).limit(50_000)
        ).all()
        plan_ids = db.session.scalars(select(Task.plan_id).distinct().limit(200)).all()
    return {
        "loaded": loaded,
        "heads": [h.username for h in heads],
        "units": head_units,
        "tasks": rng.sample(list(task_ids), min(2000, len(task_ids))),
        "plans": list(plan_ids),
        "words": ["budget", "review budget", "số hoá", "42/KH-BENCH", "quy trình", "zzqx"],
    }


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(args, port: int, instance: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "TRACKER_INSTANCE_DIR": str(instance),
        "SECRET_KEY": secrets.token_hex(32),
        "TRACKER_NOW": NOW,
        "GUNICORN_WORKERS": str(args.workers),
        "GUNICORN_ACCESSLOG": "",
        "PORT": str(port),
    }
    log = open(instance / "gunicorn.log", "w")  # noqa: SIM115 — the server writes to it until stopped
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--config",
            "scripts/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    for _ in range(600):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/login")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped: see {instance / 'gunicorn.log'}")
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 120 s")


def report(result: dict, args, loaded: dict) -> int:
    records, elapsed = result["records"], result["elapsed"]
    by_kind: dict[str, list[float]] = defaultdict(list)
    errors: dict[tuple[str, object], int] = defaultdict(int)
    for kind, seconds, outcome in records:
        by_kind[kind].append(seconds)
        if not isinstance(outcome, int) or outcome >= 500 or outcome in (400, 403, 404, 409, 422, 429):
            errors[(kind, outcome)] += 1

    def pct(values, q):
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    print(
        f"\nWorkload: {loaded['tasks']:,} tasks (shared workload); gunicorn {args.workers} workers; "
        f"{args.clients} signed-in clients for {elapsed:.0f} s from a second process"
    )
    print(f"{'kind':<26}{'requests':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}")
    for kind in sorted(by_kind):
        values = by_kind[kind]
        print(f"{kind:<26}{len(values):>9}{pct(values, 0.5):>9.0f}{pct(values, 0.9):>9.0f}{pct(values, 0.99):>9.0f}")
    every = [s for values in by_kind.values() for s in values]
    print(f"{'all':<26}{len(every):>9}{pct(every, 0.5):>9.0f}{pct(every, 0.9):>9.0f}{pct(every, 0.99):>9.0f}")
    print(f"throughput: {len(every) / elapsed:.1f} requests/s; errors: {sum(errors.values())}")
    for (kind, outcome), count in sorted(errors.items(), key=str):
        print(f"  error {outcome} on {kind}: {count}")
    return 1 if errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--database-url", required=False)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="reuse the workload already in the database")
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        run_client(args)
        return
    if not args.database_url or not args.database_url.startswith("postgresql"):
        raise SystemExit("--database-url postgresql+psycopg://… is required (the load run is on PostgreSQL)")
    plan = prepare(args)
    print(f"loaded {plan['loaded']['tasks']:,} tasks in {plan['loaded']['load_seconds']:.0f} s", flush=True)
    instance = Path(tempfile.mkdtemp(prefix="tracker-load-"))
    (instance / "plan.json").write_text(json.dumps(plan))
    port = _free_port()
    server = serve(args, port, instance)
    try:
        out = instance / "result.json"
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--client",
                "--port",
                str(port),
                "--plan",
                str(instance / "plan.json"),
                "--out",
                str(out),
                "--seconds",
                str(args.seconds),
                "--clients",
                str(args.clients),
            ],
            check=True,
        )
        status = report(json.loads(out.read_text()), args, plan["loaded"])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    errors = (instance / "gunicorn.log").read_text()
    tracebacks = errors.count("Traceback")
    print(f"server log: {tracebacks} tracebacks ({instance / 'gunicorn.log'})")
    sys.exit(status or (1 if tracebacks else 0))


if __name__ == "__main__":
    main()
