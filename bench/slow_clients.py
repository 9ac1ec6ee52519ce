"""Slow clients and a slow upstream: do they delay other requests? Per server command.

Each server command serves the demo on a SQLite file. Other requests (``GET /api/articles/``,
one at a time, a 2 s timeout) are timed four ways: alone; while 4 clients trickle a byte every
0.2 s (2 their headers, 2 their body); while 40 connections send their headers a byte every
0.5 s; and while 4 publications wait for a search index that never answers. A thread per
request (gunicorn's gthread) is held by each slow client for as long as it sends; a process
per request (gunicorn's default sync worker) likewise; an event loop (uvicorn) reads what
arrives without holding anything, and runs each request's view in a thread of its own.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from demo_project.servers import serve, sqlite_database, token_of
from demo_project.slow_clients import (
    SLOW,
    SLOW_HEADERS,
    Latency,
    sample,
    silent_index,
    slow_headers,
    tricklers,
    waiting_publications,
)

RESULTS = Path(__file__).resolve().parent / "results"
INDEX_TIMEOUT = 5.0
#: The control, a process per request: each trickling client holds one of its 4 processes.
CONTROL = "gunicorn --workers 4 (sync)"
#: Each command: the server, and its arguments.
SERVERS = {
    CONTROL: ("gunicorn", ("--workers", "4")),
    "gunicorn -k gthread --workers 4 --threads 8": (
        "gunicorn",
        ("--worker-class", "gthread", "--workers", "4", "--threads", "8"),
    ),
    "uvicorn --workers 4": ("uvicorn", ("--workers", "4")),
}


def run(name: str, server: str, args: tuple[str, ...], database_url: str) -> list[Latency]:
    """The four conditions on one server command."""
    authorization = token_of(database_url, "alice")
    with (
        silent_index() as index_url,
        serve(
            server,
            database_url,
            *args,
            settings="demo_project.settings",
            SEARCH_INDEX_URL=index_url,
            SEARCH_INDEX_TIMEOUT=str(INDEX_TIMEOUT),
        ) as base,
    ):
        results = [sample(base, "alone", name)]
        with tricklers(base, authorization):
            results.append(sample(base, f"{SLOW} trickling clients", name))
        with slow_headers(base):
            results.append(sample(base, f"{SLOW_HEADERS} slow headers", name))
        with waiting_publications(base, authorization):
            # The publications answer 504 after INDEX_TIMEOUT: sample within that.
            results.append(sample(base, f"{SLOW} publications waiting", name, samples=10))
    return results


def main(argv: list[str] | None = None) -> int:
    """Measure each server command; print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=RESULTS / "slow_clients.json")
    args = parser.parse_args(argv)
    results: list[Latency] = []
    with tempfile.TemporaryDirectory() as scratch:
        database_url = sqlite_database(Path(scratch) / "demo.sqlite3")
        for name, (server, server_args) in SERVERS.items():
            results += run(name, server, server_args, database_url)
    print(f"{'server':48} {'others, while':26} {'p50 ms':>7} {'max ms':>7} {'stalled':>8}")
    for r in results:
        p50 = "-" if r.p50_ms is None else f"{r.p50_ms:.1f}"
        top = "-" if r.max_ms is None else f"{r.max_ms:.1f}"
        print(f"{r.server:48} {r.condition:26} {p50:>7} {top:>7} {r.stalled:>4}/{r.samples:<3}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    return 0 if control_stalled(results) else 1


def control_stalled(results: list[Latency]) -> bool:
    """The control: every request to the sync workers stalls while 4 clients trickle, which
    shows the measure can fail (the suite tests only the documented server)."""
    trickled = [
        r for r in results if r.server == CONTROL and r.condition == f"{SLOW} trickling clients"
    ]
    stalled = bool(trickled) and all(r.stalled == r.samples for r in trickled)
    if not stalled:
        print(f"control failed: {CONTROL} was not stalled by the tricklers: {trickled}")
    return stalled


if __name__ == "__main__":
    sys.exit(main())
