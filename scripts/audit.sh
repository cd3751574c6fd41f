#!/usr/bin/env bash
# `make audit`: bandit over the application's code (offline), then pip-audit over the installed
# packages (needs its vulnerability data over the network). A finding fails; a pip-audit that could
# not reach its data prints NOT AUDITED and does not fail (CI may run offline) — and is never "clean".
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
echo "--- bandit ---"
if .venv/bin/bandit -q -c pyproject.toml -r tracker config.py wsgi.py scripts; then
  echo "bandit: no finding (skips and # nosec reasons: pyproject.toml [tool.bandit])"
else
  status=1
fi
echo "--- pip-audit ---"
err=$(mktemp)
json=$(timeout 300 .venv/bin/pip-audit --progress-spinner off --skip-editable -f json 2>"$err")
echo "$json" | .venv/bin/python scripts/pip_audit_report.py "$err" || status=1
rm -f "$err"
exit $status
