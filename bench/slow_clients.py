"""Slow clients and a slow upstream: do they delay other requests? Per server command.

gunicorn serves the demo on a SQLite file. Other requests (``GET /api/articles/``, one at a
time) are timed three ways: alone; while 4 clients trickle a byte every 0.2 s (2 send their
headers so, 2 their body); and while 4 publications wait for a search index that never
answers. A thread per request (gthread) leaves the others free; a process per request
(gunicorn's default sync worker) is taken by each trickler or waiting publication.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from bench.servers import PRODUCTION_SERVER, gunicorn, sqlite_database, token_of

RESULTS = Path(__file__).resolve().parent / "results"
SLOW = 4
TRICKLE_INTERVAL = 0.2
SAMPLES = 30
#: A request slower than this counts as stalled.
CLIENT_TIMEOUT = 2.0
INDEX_TIMEOUT = 5.0
SERVERS = {
    "gunicorn --workers 4 (sync)": ("--workers", "4"),
    "gunicorn " + " ".join(PRODUCTION_SERVER).replace("--worker-class ", "-k "): PRODUCTION_SERVER,
}


@dataclass
class Latency:
    """Other requests' latency under one condition on one server."""

    server: str
    condition: str
    p50_ms: float | None
    max_ms: float | None
    stalled: int
    samples: int


def sample(base: str, condition: str, server: str, samples: int = SAMPLES) -> Latency:
    """Time ``samples`` sequential list requests; a timeout counts as stalled."""
    times: list[float] = []
    stalled = 0
    with httpx.Client(base_url=base, timeout=CLIENT_TIMEOUT) as http:
        for _ in range(samples):
            started = time.perf_counter()
            try:
                http.get("/api/articles/").raise_for_status()
            except httpx.TimeoutException:
                stalled += 1
                continue
            times.append((time.perf_counter() - started) * 1000)
    return Latency(
        server,
        condition,
        round(statistics.median(times), 1) if times else None,
        round(max(times), 1) if times else None,
        stalled,
        samples,
    )


def _trickle(base: str, request: bytes, stop: threading.Event) -> None:
    """Send ``request`` a byte at a time until it is sent or ``stop`` is set."""
    parts = urlsplit(base)
    with (
        contextlib.suppress(OSError),
        socket.create_connection((parts.hostname, parts.port), timeout=30) as sock,
    ):
        for byte in request:
            sock.sendall(bytes([byte]))
            if stop.wait(TRICKLE_INTERVAL):
                return


@contextlib.contextmanager
def tricklers(base: str, authorization: str) -> Iterator[None]:
    """4 clients trickling: 2 their headers, 2 a 10 kB body, a byte every 0.2 s."""
    headers = b"GET /api/health/ HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + b"." * 10_000
    # Authenticated, so that the view goes on to read the body rather than answer 401 first.
    body = (
        b"POST /api/articles/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b"Authorization: %s\r\nContent-Length: 10013\r\n\r\n"
        % authorization.encode()
        + b'{"title": "'
        + b"." * 10_000
        + b'"}'
    )
    stop = threading.Event()
    threads = [
        threading.Thread(target=_trickle, args=(base, request, stop), daemon=True)
        for request in [headers, headers, body, body][:SLOW]
    ]
    for thread in threads:
        thread.start()
    time.sleep(1)  # each has sent its first bytes and holds what serves it
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join()


@contextlib.contextmanager
def silent_index() -> Iterator[str]:
    """A search index that takes connections and never answers; yields its URL."""
    with socket.create_server(("127.0.0.1", 0), backlog=64) as listener:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/documents/"


@contextlib.contextmanager
def waiting_publications(base: str, authorization: str) -> Iterator[None]:
    """4 publications in flight, each waiting for the silent index."""
    with httpx.Client(base_url=base, headers={"Authorization": authorization}, timeout=30) as http:
        paths = []
        for number in range(SLOW):
            created = http.post("/api/articles/", json={"title": f"slow {number}"})
            paths.append(f"/api/articles/{created.json()['id']}/publish/")
        threads = [threading.Thread(target=http.post, args=(path,)) for path in paths]
        for thread in threads:
            thread.start()
        time.sleep(1)
        try:
            yield
        finally:
            for thread in threads:
                thread.join()


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
