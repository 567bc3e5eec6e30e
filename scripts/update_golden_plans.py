"""Rewrite the expected values of the golden plan cases from the current code.

Run after a deliberate change of the planner's numbers::

    python scripts/update_golden_plans.py            # rewrite every case, print the diff
    python scripts/update_golden_plans.py --dry-run  # print the diff only
    python scripts/update_golden_plans.py hn_zz_01   # only the case files whose name contains this

Only the ``value`` of each expectation changes; inputs, tolerances and the ``why`` of every
number are kept (a changed number should get its ``why`` re-checked by hand). The diff is
printed so the change can be reviewed before it is committed.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from golden_plans import actual_values, case_files, expectations, load_case, run_case  # noqa: E402


def _dump(case: dict) -> str:
    case = {k: v for k, v in case.items() if k != "_file"}
    return yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100)


def update(path: Path) -> tuple[str, str]:
    """(old text, new text) of one case file with its values taken from the current code."""
    old = path.read_text(encoding="utf-8")
    case = load_case(path)
    got = actual_values(case, run_case(case))
    for option, field, e in expectations(case):
        e["value"] = got[(option, field)]
    return old, _dump(case)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="only case files whose name contains one of these")
    ap.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    a = ap.parse_args(argv)
    changed = 0
    for path in case_files():
        if a.names and not any(n in path.name for n in a.names):
            continue
        old, new = update(path)
        if old == new:
            continue
        changed += 1
        sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                                   f"a/{path.name}", f"b/{path.name}"))
        if not a.dry_run:
            path.write_text(new, encoding="utf-8")
    print(f"{changed} case file(s) {'would change' if a.dry_run else 'rewritten'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
