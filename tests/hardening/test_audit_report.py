"""`make audit`'s reading of pip-audit: an unaudited run is never called clean (issue 16, item 16)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from pip_audit_report import report  # noqa: E402


def test_all_audited_and_none_vulnerable_is_clean():
    code, lines = report(json.dumps({"dependencies": [{"name": "flask", "version": "3.1.3", "vulns": []}], "fixes": []}))
    assert code == 0 and "clean" in lines[-1] and not any("NOT AUDITED" in line for line in lines)


def test_a_vulnerability_fails():
    vuln = {"id": "PYSEC-2099-1", "fix_versions": ["3.1.4"], "aliases": [], "description": ""}
    deps = [{"name": "flask", "version": "3.1.3", "vulns": [vuln]}, {"name": "six", "version": "1.17.0", "vulns": []}]
    code, lines = report(json.dumps({"dependencies": deps}))
    assert code == 1
    assert "VULNERABLE flask 3.1.3: PYSEC-2099-1 (fixed in 3.1.4)" in lines
    assert not any("clean" in line for line in lines)


def test_nothing_reachable_is_not_audited_not_clean():
    """What pip-audit prints offline: exit 0, "No known vulnerabilities found", every package skipped."""
    deps = [{"name": n, "skip_reason": f"Dependency not found on PyPI and could not be audited: {n}"} for n in ("flask", "six")]
    code, lines = report(json.dumps({"dependencies": deps, "fixes": []}))
    assert code == 0
    assert "NOT AUDITED — 2 of 2 packages" in lines[0]
    assert not any("clean" in line for line in lines)


def test_partly_audited_says_which_part():
    deps = [{"name": "flask", "version": "3.1.3", "vulns": []}, {"name": "six", "skip_reason": "could not be audited"}]
    code, lines = report(json.dumps({"dependencies": deps}))
    assert code == 0
    assert any("NOT AUDITED — 1 of 2" in line for line in lines)
    assert "among the 1 packages it could audit" in lines[-1]


def test_no_output_at_all_is_not_audited():
    code, lines = report("", "requests.exceptions.ConnectionError: Max retries exceeded")
    assert code == 0 and "NOT AUDITED" in lines[0] and "ConnectionError" in lines[-1]


def test_the_script_reads_stdin_and_sets_its_exit_status(tmp_path):
    err = tmp_path / "err"
    err.write_text("")
    vuln = {"dependencies": [{"name": "x", "version": "1", "vulns": [{"id": "GHSA-1", "fix_versions": []}]}]}
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts/pip_audit_report.py"), str(err)],
        input=json.dumps(vuln),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "VULNERABLE x 1: GHSA-1" in done.stdout
