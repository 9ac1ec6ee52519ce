#!/usr/bin/env python3
"""Side-by-side cost per request of demo implementations of the same contract.

Each run spawns perf_driver.py inside one implementation's venv on a fresh database and times
each request type in-process (no network). Runs alternate A, B, C, A, B, C ... so drift on a
noisy machine hits all alike; the ratio A/B (and A/C) is taken per pair and its median printed.
usage: perf.py --a LABEL=PROJECT_DIR=PYTHON --b LABEL=PROJECT_DIR=PYTHON [--b ...]
               [--pairs 3] [--rounds 200] [--database-url URL] [--conn-max-age none|SECONDS]
               [--json FILE]
Without --database-url each run gets a fresh SQLite file; with a postgres:// URL each run
creates, migrates and drops a database of its own on that server (named after the URL's
database and the label). --conn-max-age gives every side the same connection settings.
Last line: 'perf: <label>: <op>=<ratio> ...' for each B (A/B; below 1 means A is cheaper). The
JSON also has the ratios of the processes' CPU times, which a busy machine disturbs less.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent


def run_one(
    label: str, project: str, python: str, rounds: int, database_url: str, conn_max_age: str
) -> dict[str, Any]:
    """One driver run in a project's venv; its JSON result."""
    env = driver_environment()
    if database_url:
        env["DATABASE_URL"] = database_url
        base = urlsplit(database_url).path.lstrip("/") or "perf"
        env["PERF_DATABASE_NAME"] = f"{base}_perf_{label}".replace("-", "_")
    else:
        env["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'perf.sqlite3'}"
    if conn_max_age:
        env["PERF_CONN_MAX_AGE"] = conn_max_age
    printed = driver(project, python, rounds, env)
    result: dict[str, Any] = json.loads(printed.strip().splitlines()[-1])
    return result


def driver_environment() -> dict[str, str]:
    """This process's environment for a driver, less what would change what it measures."""
    env = dict(os.environ, DJANGO_DEBUG="0")
    for name in ("PERF_DATABASE_NAME", "PERF_CONN_MAX_AGE", "TEST_DATABASE_NAME"):
        env.pop(name, None)
    return env


def driver(
    project: str,
    python: str,
    rounds: int,
    env: dict[str, str],
    *,
    under: tuple[str, ...] = (),
    timeout: float = 900,
) -> str:
    """perf_driver.py run ``rounds`` rounds in ``project`` with ``python`` (its venv's) and
    ``env``, under the command ``under`` if any (callgrind); what it printed."""
    done = subprocess.run(
        [*under, python, str(HERE / "perf_driver.py"), str(rounds)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"driver failed in {project}:\n{done.stderr[-3000:]}")
    return done.stdout


def main() -> int:
    """Run the pairs, print one table per B, optionally write every run as JSON."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True, action="append")
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--database-url", default="")
    ap.add_argument("--conn-max-age", default="")
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    # Paths are resolved here: each driver runs with its project as working directory.
    sides = [
        (
            label,
            str(Path(project).resolve()),
            str(Path(python).absolute()) if os.sep in python else python,
        )
        for label, project, python in (x.split("=", 2) for x in (args.a, *args.b))
    ]
    runs: dict[str, list[dict[str, Any]]] = {label: [] for label, _, _ in sides}
    for _ in range(args.pairs):
        for label, project, python in sides:
            runs[label].append(
                run_one(label, project, python, args.rounds, args.database_url, args.conn_max_age)
            )
    la = sides[0][0]
    runs_a = runs[la]
    ops = list(runs_a[0])
    summary: dict[str, Any] = {"a": la, "runs": runs, "ratios": {}, "cpu_ratios": {}}
    for lb, _, _ in sides[1:]:
        runs_b = runs[lb]
        print(f"{'op':22} {la + ' µs':>12} {lb + ' µs':>14} {'A/B':>6}  queries A/B  status A/B")
        ratios = {}
        for op in ops:
            ua = statistics.median(r[op]["us"] for r in runs_a)
            ub = statistics.median(r[op]["us"] for r in runs_b)
            ratio = statistics.median(
                a[op]["us"] / b[op]["us"] for a, b in zip(runs_a, runs_b, strict=True)
            )
            ratios[op] = ratio
            qa, qb = runs_a[0][op]["queries"], runs_b[0][op]["queries"]
            sa, sb = runs_a[0][op]["status"], runs_b[0][op]["status"]
            as_agreed = sa == runs_a[0][op]["expected"] and sb == runs_b[0][op]["expected"]
            flag = "" if as_agreed else "  (status differs from contract)"
            print(
                f"{op:22} {ua:12.0f} {ub:14.0f} {ratio:6.2f}  {qa:>4}/{qb:<4}     {sa}/{sb}{flag}"
            )
        summary["ratios"][lb] = ratios
        summary["cpu_ratios"][lb] = {
            op: statistics.median(
                a[op]["cpu_us"] / b[op]["cpu_us"] for a, b in zip(runs_a, runs_b, strict=True)
            )
            for op in ops
        }
        print(f"perf: {lb}: " + " ".join(f"{op}={r:.2f}" for op, r in ratios.items()))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
