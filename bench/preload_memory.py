"""The memory of gunicorn's workers under the documented threaded WSGI command (``--preload``).

``--preload`` imports the project once, in gunicorn's master, and forks the workers from it: they
share its memory until they write to it. Python's collector writes to every object it walks, so
without ``gc.freeze()`` a worker's first full collections copy most of what it shares; and a
project whose URLconf is imported at the first request imports it again in each worker. The
demo's ``wsgi.py`` imports the URLconf and freezes what it imported. Compared, in one run, with
what ``startproject``'s ``wsgi.py`` does (``get_wsgi_application()`` alone), on one seeded
SQLite file: each serves the same requests, spread over its workers, then each worker's memory
is read from ``/proc/PID/smaps_rollup`` (Linux): what it alone holds (private) and its share of
what it shares (PSS).

usage: python -m bench.preload_memory [--requests 300]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import httpx

from demo_project.servers import (
    THREADED_WSGI_ARGS,
    children,
    sqlite_database,
    started,
    token_of,
)

#: What each side serves: the demo's entry point, and Django's as startproject writes it.
APPLICATIONS = {
    "demo_project.wsgi": "demo_project.wsgi:application",
    "startproject's wsgi.py": "django.core.wsgi:get_wsgi_application()",
}


def memory_kb(pid: int) -> dict[str, int]:
    """A process's private memory and its PSS, in kB."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, value = line.partition(":")
        fields[name] = int(value.split()[0])
    return {"private": fields["Private_Clean"] + fields["Private_Dirty"], "pss": fields["Pss"]}


def measure(application: str, database_url: str, token: str, requests: int) -> dict[str, float]:
    """Serve ``requests`` rounds of reads, refusals and a list; each worker's memory then."""
    with started("gunicorn", database_url, *THREADED_WSGI_ARGS, application=application) as server:
        base = server.ready(timeout=60)
        # A new connection for each request: gunicorn hands them to its workers in turn.
        limits = httpx.Limits(max_keepalive_connections=0)
        with httpx.Client(base_url=base, limits=limits, timeout=30) as http:
            for _ in range(requests):
                http.get("/api/articles/")
                http.get("/api/articles/1/", headers={"Authorization": token})
                http.post("/api/articles/", json={"title": "anonymous"})
        master = server.process.pid
        each = [memory_kb(pid) for pid in children(master)]
        shared = memory_kb(master)
    return {
        "workers": len(each),
        "private_mb": sum(w["private"] for w in each) / len(each) / 1024,
        "pss_mb": sum(w["pss"] for w in each) / len(each) / 1024,
        "total_pss_mb": (sum(w["pss"] for w in each) + shared["pss"]) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        database_url = sqlite_database(Path(scratch, "memory.sqlite3"))
        token = token_of(database_url, "alice")
        results = {
            label: measure(application, database_url, token, args.requests)
            for label, application in APPLICATIONS.items()
        }
    print(f"gunicorn {' '.join(THREADED_WSGI_ARGS)}, {args.requests} x 3 requests, per worker:")
    print(f"{'entry point':26}{'private MB':>12}{'PSS MB':>10}{'all PSS MB':>12}")
    for label, r in results.items():
        print(f"{label:26}{r['private_mb']:12.1f}{r['pss_mb']:10.1f}{r['total_pss_mb']:12.1f}")
    ours, theirs = results.values()
    print(
        f"memory: private per worker {ours['private_mb'] / theirs['private_mb']:.2f}x, "
        f"all processes' PSS {ours['total_pss_mb'] / theirs['total_pss_mb']:.2f}x"
    )


if __name__ == "__main__":
    main()
