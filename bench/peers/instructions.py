#!/usr/bin/env python3
"""Instructions per request, counted by callgrind: a figure a busy or shared machine does not move.

Times on a shared machine move by tens of percent from one run to the next, which hides a change
of one percent however many pairs ``perf.py`` takes. The instructions a request executes do not
move: two runs of the same tree agreed within 0.03 % on every request type but the GET 200
(0.19 %), with one string hash for every run. They are not time (a cache miss
or a system call costs more than an instruction), so they tell whether a change made a request
cheaper, and by how much of its work; ``perf.py`` tells what that is worth in time.

usage: instructions.py --a LABEL=PROJECT_DIR=PYTHON --b LABEL=PROJECT_DIR=PYTHON [--b ...]
                       [--rounds 20] [--conn-max-age none] [--json FILE]

Each project's driver (perf_driver.py) first runs natively on a fresh SQLite file, which it
migrates and seeds (migrating under callgrind would take minutes); then on a copy of that file
under ``valgrind --tool=callgrind``, with PERF_INSTRUCTIONS=1: callgrind counts only inside the
rounds of each request type, and writes one count per type. SQLite only: a PostgreSQL server does
its work in a process of its own, which callgrind does not see. Each side runs with its settings
as shipped, or, with --conn-max-age, on the same connection settings (PERF_CONN_MAX_AGE, as
``perf.py --conn-max-age`` times them): the peers then stop opening their SQLite file, and
reading its schema, for every request. Needs valgrind (Debian's package)
and, in every venv, Python 3.11 or later (``operator.call``) with its symbols (not stripped).
Last line: 'instructions: <label>: <op>=<ratio> ...' for each B (A/B; below 1: A executes fewer).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from perf import driver, driver_environment


def run(
    project: str,
    python: str,
    database: Path,
    *,
    rounds: int,
    under: tuple[str, ...],
    conn_max_age: str = "",
) -> list[str]:
    """The driver in ``project``'s venv on the SQLite file ``database``, under ``under``, on
    the connection settings ``conn_max_age`` gives (as shipped when empty); the request types
    it ran, in its order (its JSON's keys)."""
    env = driver_environment()
    env["DATABASE_URL"] = f"sqlite:///{database}"
    for name in ("PERF_PROFILE", "PERF_STEPS", "PERF_LAYERS", "PERF_WITHOUT_MIDDLEWARE"):
        env.pop(name, None)
    if conn_max_age:
        env["PERF_CONN_MAX_AGE"] = conn_max_age
    if under:
        env["PERF_INSTRUCTIONS"] = "1"
        # One string hash for every run: with Python's random one, dictionaries and sets differ
        # from run to run, and so do the instructions (by up to 1 %).
        env["PYTHONHASHSEED"] = "0"
    return list(json.loads(driver(project, python, rounds, env, under=under, timeout=1800)))


def count(project: str, python: str, rounds: int, conn_max_age: str = "") -> dict[str, float]:
    """Instructions per request of each request type in ``project``."""
    with tempfile.TemporaryDirectory() as scratch:
        migrated, copy = Path(scratch, "migrated.sqlite3"), Path(scratch, "perf.sqlite3")
        # Migrated on the same settings too: there the driver puts the file in WAL mode, which
        # the file keeps, as perf.py's runs on those settings have it.
        run(project, python, migrated, rounds=1, under=(), conn_max_age=conn_max_age)
        shutil.copy(migrated, copy)
        out = Path(scratch, "callgrind.out")
        callgrind = (
            "valgrind",
            "--tool=callgrind",
            "--collect-atstart=no",
            # The driver calls operator.call around each request type's rounds, and nothing
            # else calls it: callgrind counts inside it, and writes a file as it returns.
            "--toggle-collect=_operator_call",
            "--dump-after=_operator_call",
            f"--callgrind-out-file={out}",
        )
        ops = run(project, python, copy, rounds=rounds, under=callgrind, conn_max_age=conn_max_age)
        dumps = sorted(Path(scratch).glob("callgrind.out.*"), key=lambda p: int(p.suffix[1:]))
        if len(dumps) != len(ops):
            raise SystemExit(
                f"{project}: {len(dumps)} counts for {len(ops)} request types (callgrind finds"
                f" _operator_call only in a Python 3.11 or later whose symbols are kept)"
            )
        return {op: total(dump) / rounds for op, dump in zip(ops, dumps, strict=True)}


def total(dump: Path) -> int:
    """The instructions a callgrind file counted (its ``totals:`` or ``summary:`` line)."""
    for line in dump.read_text().splitlines():
        if line.startswith(("totals:", "summary:")):
            return int(line.split()[1])
    raise SystemExit(f"no total in {dump}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", required=True, help="LABEL=PROJECT_DIR=PYTHON")
    parser.add_argument("--b", required=True, action="append", help="LABEL=PROJECT_DIR=PYTHON")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--conn-max-age", default="", help="the same connection settings: none, or seconds"
    )
    parser.add_argument("--json")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    sides = [args.a, *args.b]
    counts = {}
    for side in sides:
        label, project, python = side.split("=", 2)
        # Resolved here, as perf.py does: the driver runs in the project's directory.
        python = str(Path(python).absolute()) if os.sep in python else python
        counts[label] = count(project, python, args.rounds, args.conn_max_age)
        print(f"counted {label}", file=sys.stderr)
    a = sides[0].split("=", 1)[0]
    labels = [side.split("=", 1)[0] for side in sides]
    ops = list(counts[a])
    print(
        "SQLite, "
        + (
            f"the same connection settings ({args.conn_max_age})"
            if args.conn_max_age
            else "as shipped"
        )
    )
    print(f"{'op':22}" + "".join(f"{label:>16}" for label in labels))
    for op in ops:
        print(f"{op:22}" + "".join(f"{counts[label][op]:16,.0f}" for label in labels))
    ratios = {b: {op: counts[a][op] / counts[b][op] for op in ops} for b in labels[1:]}
    if args.json:
        Path(args.json).write_text(json.dumps({"a": a, "counts": counts, "ratios": ratios}))
    for b, by_op in ratios.items():
        print(f"instructions: {b}: " + " ".join(f"{op}={r:.3f}" for op, r in by_op.items()))


if __name__ == "__main__":
    main()
