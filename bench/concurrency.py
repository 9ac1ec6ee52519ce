"""Concurrent read-modify-write clients against gunicorn on PostgreSQL: who loses updates?

Each client, a fixed number of times: GET a hot article, append its own marker to the body, PUT
it back (with the ETag in ``If-Match`` for the library; as plain DRF clients do, without, for
DRF). A write is lost when it was answered 2xx but its marker is not in the final body.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from bench.servers import SETTINGS, postgres_url
from demo_project.servers import gunicorn, scratch_database

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class RaceResult:
    """What one variant's clients saw, and what the database kept."""

    variant: str
    clients: int
    writes: int
    seconds: float
    writes_per_second: float
    p50_ms: float
    p99_ms: float
    successes: int
    precondition_failed: int
    server_errors: int
    other: int
    lost_updates: int
    version_growth: int


def race(
    base: str,
    paths: list[str],
    clients: int,
    writes_per_client: int,
    *,
    conditional: bool,
    auth: tuple[str, str] | None,
    variant: str,
) -> RaceResult:
    """Run the clients at once and count outcomes; markers in final bodies reveal lost writes."""
    start_versions = {p: httpx.get(base + p, auth=auth).json()["version"] for p in paths}
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    succeeded: list[tuple[str, str]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(number: int) -> None:
        with httpx.Client(base_url=base, auth=auth, timeout=30) as http:
            barrier.wait()
            for attempt in range(writes_per_client):
                path = paths[(number + attempt) % len(paths)]
                current = http.get(path)
                marker = f"[{number}.{attempt}]"
                headers = {"If-Match": current.headers["ETag"]} if conditional else {}
                payload = {
                    "title": current.json()["title"],
                    "body": current.json()["body"] + marker,
                }
                started = time.perf_counter()
                answer = http.put(path, json=payload, headers=headers)
                elapsed = time.perf_counter() - started
                with lock:
                    statuses[answer.status_code] += 1
                    latencies.append(elapsed)
                    if answer.is_success:
                        succeeded.append((path, marker))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    final = {p: httpx.get(base + p, auth=auth).json() for p in paths}
    lost = sum(1 for path, marker in succeeded if marker not in final[path]["body"])
    growth = sum(final[p]["version"] - start_versions[p] for p in paths)
    latencies.sort()
    writes = clients * writes_per_client
    return RaceResult(
        variant=variant,
        clients=clients,
        writes=writes,
        seconds=round(seconds, 2),
        writes_per_second=round(writes / seconds, 1),
        p50_ms=round(statistics.median(latencies) * 1000, 1),
        p99_ms=round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
        successes=sum(n for s, n in statuses.items() if 200 <= s < 300),
        precondition_failed=statuses[412],
        server_errors=sum(n for s, n in statuses.items() if s >= 500),
        other=sum(n for s, n in statuses.items() if not (200 <= s < 300 or s == 412 or s >= 500)),
        lost_updates=lost,
        version_growth=growth,
    )


def run(database_url: str, clients: int, writes: int, workers: int) -> list[RaceResult]:
    """Both variants against one gunicorn on a scratch database."""
    with (
        scratch_database(database_url, "django_http_errors_bench", settings=SETTINGS) as url,
        gunicorn(url, "--workers", str(workers), "--threads", "4", settings=SETTINGS) as base,
    ):
        ids = [a["id"] for a in httpx.get(f"{base}/api/articles/").json()["results"]]
        admin = ("admin", "admin-password")
        ours = race(
            base,
            [f"/api/articles/{pk}/" for pk in ids],
            clients,
            writes,
            conditional=True,
            auth=admin,
            variant="django-http-errors (If-Match)",
        )
        plain = race(
            base,
            [f"/plain/articles/{pk}/" for pk in ids],
            clients,
            writes,
            conditional=False,
            auth=admin,
            variant="plain DRF ModelViewSet",
        )
    return [ours, plain]


def print_table(results: list[RaceResult]) -> None:
    """The results as a fixed-width table."""
    columns = list(asdict(results[0]))
    print("  ".join(f"{c:>12}" if c != "variant" else f"{c:32}" for c in columns))
    for result in results:
        values = asdict(result)
        print(
            "  ".join(
                f"{values[c]!s:>12}" if c != "variant" else f"{values[c]:32}" for c in columns
            )
        )


def main(argv: list[str] | None = None) -> int:
    """Run the race for the library and for plain DRF; print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--writes", type=int, default=20, help="writes per client")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--output", type=Path, default=RESULTS / "concurrency.json")
    args = parser.parse_args(argv)
    database_url = postgres_url("concurrency")
    results = run(database_url, args.clients, args.writes, args.workers)
    print_table(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    ours = results[0]
    ok = ours.lost_updates == 0 and ours.server_errors == 0
    ok = ok and ours.version_growth == ours.successes
    print("\nlibrary: no lost update, no 5xx" if ok else "\nlibrary: FAILED the guarantee")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
