"""The mutation score of ``make mutation``: reads ``mutmut results --all true`` and prints, per area, the
mutants killed (a timeout counts as killed: the mutant hung the tests) out of all of them, then every
surviving one. Exits 1 when the pure rules score under 90 %.

Areas: ``tracker/rules/`` and the SQL conditions (``tracker/tasks/conditions.py``; while they still live
in ``tracker/tasks/queries.py``, the functions named in CONDITIONS, the rest of that file being out of
scope). Not a test module (pytest collects ``test_*.py`` only).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter

THRESHOLD = 0.90
CONDITIONS = {"completed_condition", "_is", "_among", "leaf", "box_condition"}
DETECTED = {"killed", "timeout"}


def area(mutant: str) -> str | None:
    """``tracker.rules.status.x_standing__mutmut_16`` (methods: ``…xǁClassǁmethod__mutmut_3``) → its area."""
    module, _, function = mutant.partition(".x")
    function = re.sub(r"__mutmut_\d+$", "", function)[1:]  # drop the "_" or "ǁ" after the "x"
    if module.startswith("tracker.rules."):
        return "rules"
    if module == "tracker.tasks.conditions" or (module == "tracker.tasks.queries" and function in CONDITIONS):
        return "conditions"
    return None


def main() -> int:
    out = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], capture_output=True, text=True, check=True)
    tally: dict[str, Counter] = {"rules": Counter(), "conditions": Counter()}
    survivors: dict[str, list[str]] = {"rules": [], "conditions": []}
    for line in out.stdout.splitlines():
        if ": " not in line:
            continue
        mutant, status = line.strip().rsplit(": ", 1)
        where = area(mutant)
        if where is None:
            continue
        tally[where][status] += 1
        if status not in DETECTED:
            survivors[where].append(f"{mutant}: {status}")
    ok = True
    for where, counts in tally.items():
        total = sum(counts.values())
        killed = sum(counts[s] for s in DETECTED)
        share = killed / total if total else 0.0
        detail = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        print(f"{where}: {killed}/{total} killed ({share:.1%}) — {detail}")
        if where == "rules" and share < THRESHOLD:
            ok = False
    for where, names in survivors.items():
        if names:
            print(f"\nnot killed in {where} (`.venv/bin/mutmut show NAME` prints the change):")
            print("\n".join(f"  {n}" for n in names))
    if not ok:
        print(f"\nFAILED: under {THRESHOLD:.0%} of the rules' mutants killed", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
