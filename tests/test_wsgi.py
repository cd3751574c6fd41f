"""The served app (``wsgi:app``, what gunicorn and the scheduler load) freezes what start-up made out of
the garbage collector's reach: otherwise every collection walks those ~180,000 objects again, and the
page of a plan of 73,703 tasks spent up to two thirds of its time in those walks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_served_app_leaves_its_start_up_objects_to_no_collection(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TRACKER_INSTANCE_DIR"] = str(tmp_path)
    code = "import gc; before = gc.get_freeze_count(); import wsgi; print(before, gc.get_freeze_count())"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    before, after = map(int, out.stdout.split()[-2:])
    assert before == 0 and after > 20_000, out.stdout
