"""Benchmark: the overdue list (JSON and HTML, 100 rows), the director dashboard, and throughput under gunicorn.

    .venv/bin/python bench/dashboard.py --n 10000 --n 100000 --n 1000000 [--database-url postgresql+psycopg://…]

The shared workload (../shared/bench/gen_workload.py, "today" 01/10/2024) is loaded through the app's
models. Latencies are medians over --repeat requests through the whole Flask stack (routing, auth,
queries, templates) in-process. At --load-n tasks (default 100,000) the script also starts gunicorn
(2 sync workers, one per core) on 127.0.0.1 and sends the overdue JSON from 8 concurrent connections
for --seconds seconds, reporting requests/s, p50, p99 and errors. The load comes from wrk (Debian's
package ``wrk``) when it is installed, a separate C process; otherwise from Python threads in this
process, which compete with the server for the same two cores and understate its throughput.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.workload import load, make_app  # noqa: E402

AS_OF = "2024-10-01"
WORKLOAD_NOW = "2024-10-01T09:00:00"  # the workload's "today"
URLS = {
    "overdue JSON (100 rows)": f"/api/v1/tasks?box=open_overdue&per_page=100&as_of={AS_OF}",
    "overdue HTML (100 rows)": "/tasks?box=open_overdue&per_page=100&as_of=01/10/2024",
    "director dashboard": "/dashboard?as_of=01/10/2024",
}


def token_and_login(app) -> tuple[str, str]:
    from tracker.accounts.models import User
    from tracker.extensions import db

    with app.app_context():
        user = db.session.query(User).filter_by(username="leader1").one()
        user.set_password("matkhau-bench")
        token = user.new_api_token()
        db.session.commit()
    return token, "leader1"


def in_process(app, token: str, repeat: int) -> dict[str, tuple[float, int]]:
    import re

    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    client.post("/login", data={"csrf_token": csrf, "username": "leader1", "password": "matkhau-bench"})
    out = {}
    for name, url in URLS.items():
        headers = {"Authorization": f"Bearer {token}"} if url.startswith("/api/") else {}
        times = []
        for i in range(repeat + 2):
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, (url, response.status_code)
            if i >= 2:  # two warm-up requests
                times.append(elapsed)
        size = len(response.data)
        out[name] = (statistics.median(times) * 1000, size)
    return out


def throughput(database_url: str, instance: Path, token: str, seconds: float, connections: int = 8) -> dict:
    port = 8765
    env = {**os.environ, "DATABASE_URL": database_url, "TRACKER_INSTANCE_DIR": str(instance), "TRACKER_NOW": WORKLOAD_NOW}
    root = Path(__file__).resolve().parent.parent
    server = subprocess.Popen(
        [str(root / ".venv" / "bin" / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=root,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        url = URLS["overdue JSON (100 rows)"]
        if shutil.which("wrk"):
            return _wrk(f"http://127.0.0.1:{port}{url}", token, seconds, connections)
        return _threads(port, url, token, seconds, connections)
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wrk(url: str, token: str, seconds: float, connections: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{seconds:.0f}s",
            "--latency",
            "-H",
            f"Authorization: Bearer {token}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(int(g) for g in socket.groups()) if socket else 0)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return {"rps": rps, "p50": ms("50%"), "p99": ms("99%"), "errors": errors, "requests": requests, "client": "wrk"}


def _threads(port: int, url: str, token: str, seconds: float, connections: int) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                conn.request("GET", url, headers={"Authorization": f"Bearer {token}"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            mine.append(time.perf_counter() - started)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    begun = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - begun
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "errors": errors[0],
        "requests": len(latencies),
        "client": "Python threads",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, action="append")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--load-n", type=int, default=100_000, help="size at which to measure gunicorn throughput")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    from tracker import clock

    rows, load_rows = [], []
    from datetime import datetime

    for n in args.n or [10_000, 100_000, 1_000_000]:
        clock.freeze(datetime.fromisoformat(WORKLOAD_NOW))
        app = make_app(args.database_url)
        info = load(app, n)
        token, _ = token_and_login(app)
        from tracker.extensions import db

        with app.app_context():
            dialect = db.engine.dialect.name
            url = db.engine.url.render_as_string(hide_password=False)
        results = in_process(app, token, args.repeat)
        rows.append((dialect, n, info["load_seconds"], results))
        if n == args.load_n:
            load_rows.append((dialect, n, throughput(url, Path(app.instance_path), token, args.seconds)))
        with app.app_context():
            db.engine.dispose()
        clock.freeze(None)

    print()
    print("Dashboard and lists on the shared workload (gen_workload.py, seed 20241001, as of 01/10/2024); median ms")
    print(f"{'db':<10} {'tasks':>9} " + " ".join(f"{name:>24}" for name in URLS))
    for dialect, n, _, results in rows:
        print(f"{dialect:<10} {n:>9,} " + " ".join(f"{results[name][0]:>21.1f} ms" for name in URLS))
    for dialect, n, r in load_rows:
        print(
            f"gunicorn -w 2, {dialect}, {n:,} tasks, overdue JSON, 8 connections: {r['rps']:.0f} req/s, "
            f"p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms, {r['errors']} errors in {r['requests']:,} requests ({r['client']})"
        )


if __name__ == "__main__":
    main()
