"""Slow clients and a slow upstream: do they delay other requests? Per server command.

gunicorn serves the demo on a SQLite file. Other requests (``GET /api/articles/``, one at a
time) are timed three ways: alone; while 4 clients trickle a byte every 0.2 s (2 send their
headers so, 2 their body); and while 4 publications wait for a search index that never
answers. A thread per request (gthread) leaves the others free; a process per request
(gunicorn's default sync worker) is taken by each trickler or waiting publication.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from demo_project.servers import PRODUCTION_SERVER, gunicorn, sqlite_database, token_of
from demo_project.slow_clients import (
    SLOW,
    Latency,
    sample,
    silent_index,
    tricklers,
    waiting_publications,
)

RESULTS = Path(__file__).resolve().parent / "results"
INDEX_TIMEOUT = 5.0
SERVERS = {
    "gunicorn --workers 4 (sync)": ("--workers", "4"),
    "gunicorn " + " ".join(PRODUCTION_SERVER).replace("--worker-class ", "-k "): PRODUCTION_SERVER,
}


def run(server: str, args: tuple[str, ...], database_url: str) -> list[Latency]:
    """The three conditions on one server command."""
    authorization = token_of(database_url, "alice")
    with (
        silent_index() as index_url,
        gunicorn(
            database_url,
            *args,
            settings="demo_project.settings",
            SEARCH_INDEX_URL=index_url,
            SEARCH_INDEX_TIMEOUT=str(INDEX_TIMEOUT),
        ) as base,
    ):
        results = [sample(base, "alone", server)]
        with tricklers(base, authorization):
            results.append(sample(base, f"{SLOW} trickling clients", server))
        with waiting_publications(base, authorization):
            # The publications answer 504 after INDEX_TIMEOUT: sample within that.
            results.append(sample(base, f"{SLOW} publications waiting", server, samples=10))
    return results


def main(argv: list[str] | None = None) -> int:
    """Measure each server command; print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=RESULTS / "slow_clients.json")
    args = parser.parse_args(argv)
    results: list[Latency] = []
    with tempfile.TemporaryDirectory() as scratch:
        database_url = sqlite_database(Path(scratch) / "demo.sqlite3")
        for server, server_args in SERVERS.items():
            results += run(server, server_args, database_url)
    print(f"{'server':48} {'others, while':26} {'p50 ms':>7} {'max ms':>7} {'stalled':>8}")
    for r in results:
        p50 = "-" if r.p50_ms is None else f"{r.p50_ms:.1f}"
        top = "-" if r.max_ms is None else f"{r.max_ms:.1f}"
        print(f"{r.server:48} {r.condition:26} {p50:>7} {top:>7} {r.stalled:>4}/{r.samples:<3}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
