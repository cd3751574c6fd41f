"""Read ``pip-audit -f json`` on stdin and say honestly what was audited.

pip-audit prints "No known vulnerabilities found" and exits 0 even when it could reach none of its
vulnerability data (every package "could not be audited"): that run is not a clean one. Exit status:
1 when a known vulnerability is found; 0 otherwise — but a run where packages went unaudited says so
in capitals (``NOT AUDITED``) and never calls itself clean. The second argument, when given, is
pip-audit's own exit status and stderr file, for a run that printed no JSON at all (no network).
"""

from __future__ import annotations

import json
import sys


def report(raw: str, error: str = "") -> tuple[int, list[str]]:
    try:
        data = json.loads(raw) if raw.strip() else None
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict) or "dependencies" not in data:
        tail = error.strip().splitlines()[-3:] if error.strip() else ["(no output)"]
        return 0, ["pip-audit: NOT AUDITED — pip-audit could not run (no network to its vulnerability data?):", *tail]
    deps = data["dependencies"]
    vulnerable = [d for d in deps if d.get("vulns")]
    skipped = [d for d in deps if "skip_reason" in d]
    audited = len(deps) - len(skipped)
    lines = []
    for d in vulnerable:
        ids = ", ".join(
            v.get("id", "?") + (f" (fixed in {', '.join(v['fix_versions'])})" if v.get("fix_versions") else "")
            for v in d["vulns"]
        )
        lines.append(f"VULNERABLE {d['name']} {d.get('version', '')}: {ids}")
    if skipped:
        names = ", ".join(f"{d['name']} {d.get('version', '')}".strip() for d in skipped[:10])
        more = f" and {len(skipped) - 10} more" if len(skipped) > 10 else ""
        lines.append(
            f"pip-audit: NOT AUDITED — {len(skipped)} of {len(deps)} packages could not be checked "
            f"(its vulnerability data unreachable?): {names}{more}"
        )
    if vulnerable:
        lines.append(f"pip-audit: {len(vulnerable)} package(s) with known vulnerabilities among {audited} audited.")
        return 1, lines
    if not skipped:
        lines.append(f"pip-audit: clean — {audited} packages audited, no known vulnerabilities.")
    elif audited:
        lines.append(f"pip-audit: no known vulnerabilities among the {audited} packages it could audit (the rest NOT AUDITED).")
    return 0, lines


def main() -> int:
    error = open(sys.argv[1]).read() if len(sys.argv) > 1 else ""  # noqa: SIM115
    code, lines = report(sys.stdin.read(), error)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main())
