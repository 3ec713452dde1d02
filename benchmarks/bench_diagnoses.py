"""How well the visible checks diagnose unseen mistakes: the mutation corpus through every check.

    .venv/bin/python benchmarks/bench_diagnoses.py [--split dev|held-out|unseen|unseen2|...|all] [--json build/diagnoses.json] [--weakest 15]

The corpus is ``tests/mutants.py`` (AST mutants of the reference solution of Sessions 5 and 6,
plus hand-written ones).  Each non-equivalent mutant's own task check is classified as
``diagnosed`` (names the labelled quantity and kind), ``generic`` (finite-difference mismatch,
raw NumPy error, or a violated property without a cause), ``misdiagnosed`` (names another
mistake), ``passed`` (a false pass) or ``raised`` (the check crashed).  Equivalent mutants must
pass every check of their class; one that does not is a *false fail*.

``--split`` measures one half of the corpus (a fixed hash of the mutant id, ``mutants.half``):
improve the checks looking only at ``dev``; ``held-out`` is the honest measurement.  ``--split unseen``
measures the separate corpus ``tests/mutants_unseen.py`` (``mutants.unseen``), typical mistakes written
independently of the checks and never tuned on; ``--split unseen2`` (and each later name of
``mutants.HELD_APART``) another such corpus, ``tests/mutants_<name>.py``, written independently of the
others and measured once before the checks are worked on with it.

These are measurements, not tests: nothing here is asserted (tests/test_mutants.py tests only
what already holds).  Takes a few seconds.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import mutants  # noqa: E402

COLUMNS = ("n", "equiv", *mutants.OUTCOMES, "caught_later", "false_fail")


def table(results, key, title):
    rows = collections.defaultdict(list)
    for r in results:
        rows[key(r)].append(r)
    print(f"\n{title}")
    width = max(len(" / ".join(map(str, k))) for k in rows) + 2
    print("".ljust(width) + "".join(c.rjust(13) for c in COLUMNS))
    for k in sorted(rows, key=lambda k: tuple(map(str, k))):
        group = rows[k]
        wrong = [r for r in group if not r["equivalent"]]
        cells = [len(group), len(group) - len(wrong)] + [sum(r["outcome"] == o for r in wrong) for o in mutants.OUTCOMES]
        cells.append(sum(r["outcome"] == "passed" and bool(r["caught_by"]) for r in wrong))
        cells.append(sum(r["outcome"] == "false_fail" for r in group))
        print(" / ".join(map(str, k)).ljust(width) + "".join(str(c).rjust(13) for c in cells))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", default=str(ROOT / "build" / "diagnoses.json"))
    parser.add_argument("--weakest", type=int, default=15)
    parser.add_argument("--split", choices=mutants.SPLITS, default="all",
                        help="which half of the corpus to measure (default: all)")
    args = parser.parse_args(argv)

    pool = mutants.held_apart(args.split) if args.split in mutants.HELD_APART else mutants.corpus()
    results = mutants.measure_all(mutants.split(pool, args.split))
    print(f"split: {args.split}")
    table(results, lambda r: (r["session"][:2], r["task"]), "per session / task")
    table(results, lambda r: (r["session"][:2], r["task"], r["operator"]), "per session / task / operator")
    table(results, lambda r: (r["operator"],), "per operator")

    print("\nshares of the non-equivalent mutants, per session / task (%)")
    print("".ljust(10) + "".join(o.rjust(14) for o in mutants.OUTCOMES))
    for key in sorted({(r["session"][:2], r["task"]) for r in results}):
        part = mutants.shares([r for r in results if (r["session"][:2], r["task"]) == key])
        print(" / ".join(key).ljust(10) + "".join(f"{100 * part['shares'][o]:14.1f}" for o in mutants.OUTCOMES))

    summary = mutants.shares(results)
    print(f"\n[{args.split}] {summary['mutants']} mutants, {summary['equivalent']} equivalent, "
          f"{summary['non_equivalent']} to be caught")
    for outcome in mutants.OUTCOMES:
        print(f"  {outcome:13s} {summary['counts'][outcome]:4d}  {100 * summary['shares'][outcome]:5.1f} %")
    print(f"  diagnosed share {100 * summary['shares']['diagnosed']:.1f} %; false passes "
          f"{summary['counts']['passed']}; false fails {summary['false_fails']}; crashes {summary['counts']['raised']}")

    print("\nfalse passes (own task's check passed; 'caught by' lists checks of the class that fail):")
    for r in results:
        if not r["equivalent"] and r["outcome"] == "passed":
            print(f"  {r['id']}  [{r['quantity']}/{r['kind']}]  caught by {r['caught_by'] or 'none'}")
    print("\nfalse fails (equivalent, yet a check fails or defers):")
    for r in results:
        if r["outcome"] == "false_fail":
            bad = {t: c["message"] for t, c in r["checks"].items() if c["status"] != "passed"}
            print(f"  {r['id']}: {bad}")
    print("\ncrashes (an exception escaped a check; last traceback line):")
    for r in results:
        for task, check in r["checks"].items():
            if check["status"] == "raised":
                print(f"  {r['id']} task {task}: {check['message']}")

    print(f"\nthe {args.weakest} weakest messages:")
    weak = mutants.weakest(results, args.weakest)
    for number, entry in enumerate(weak, 1):
        ids = ", ".join(entry["ids"][:3]) + (f" (+{len(entry['ids']) - 3})" if len(entry["ids"]) > 3 else "")
        print(f"{number:2d}. [{entry['outcome']}, {entry['mutants']} mutants, {', '.join(entry['labels'][:4])}] "
              f"{entry['message']}\n    {ids}")

    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"split": args.split, "summary": summary, "weakest": weak, "results": results}, indent=1, default=str))
    print(f"\nfull results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
