"""Faults on real servers: the database goes away and comes back, the search index fails.

gunicorn serves the demo on PostgreSQL through a loopback TCP proxy; cutting the proxy is the
database becoming unreachable (connections refused, open ones reset) without stopping the
machine's PostgreSQL. A local HTTP server plays the search index: it stalls, fails or is gone.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from bench.servers import SETTINGS, TcpProxy, postgres_url
from demo_project.servers import gunicorn, scratch_database, with_database

RESULTS = Path(__file__).resolve().parent / "results"
INDEX_TIMEOUT = 1.0


@dataclass
class Check:
    """One fault, what it should answer, and what it did."""

    fault: str
    expected: str
    status: int
    retry_after: str | None
    seconds: float
    nothing_half_written: bool

    @property
    def passed(self) -> bool:
        """Whether the status is the expected one and nothing was left half done."""
        return str(self.status) in self.expected and self.nothing_half_written


class SearchIndex(ThreadingHTTPServer):
    """A search index whose behaviour the run switches: ``ok``, ``fail`` or ``stall``."""

    mode = "ok"


class _IndexHandler(BaseHTTPRequestHandler):
    server: SearchIndex

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.server.mode == "stall":
            time.sleep(INDEX_TIMEOUT * 3)
        status = 500 if self.server.mode == "fail" else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_DELETE(self) -> None:
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def timed(call: Any) -> tuple[httpx.Response, float]:
    """The response of ``call()`` and the seconds it took."""
    started = time.perf_counter()
    response = call()
    return response, round(time.perf_counter() - started, 2)


def run(database_url: str) -> list[Check]:
    """Every fault in turn on one gunicorn; each check reads the database state afterwards."""
    index = SearchIndex(("127.0.0.1", 0), _IndexHandler)
    threading.Thread(target=index.serve_forever, daemon=True).start()
    target = urlsplit(database_url.replace("postgres://", "http://", 1))
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    proxy.start()
    checks: list[Check] = []
    with scratch_database(database_url, "django_http_errors_faults", settings=SETTINGS) as url:
        proxied = with_database(url, "django_http_errors_faults", host="127.0.0.1", port=proxy.port)
        env = {
            "SEARCH_INDEX_URL": f"http://127.0.0.1:{index.server_address[1]}/documents/",
            "SEARCH_INDEX_TIMEOUT": str(INDEX_TIMEOUT),
        }
        with (
            gunicorn(proxied, "--workers", "2", settings=SETTINGS, **env) as base,
            httpx.Client(base_url=base, auth=("admin", "admin-password"), timeout=30) as http,
        ):
            drafts = [a for a in http.get("/api/articles/").json()["results"] if not a["published"]]
            path = f"/api/articles/{drafts[0]['id']}/"
            before = http.get(path)
            etag, version = before.headers["ETag"], before.json()["version"]

            proxy.stop()
            for fault, call in (
                ("database down: GET /api/health/", lambda: http.get("/api/health/")),
                ("database down: GET /api/articles/", lambda: http.get("/api/articles/")),
                (
                    "database down: PUT with If-Match",
                    lambda: http.put(
                        path, json={"title": "during outage"}, headers={"If-Match": etag}
                    ),
                ),
            ):
                response, seconds = timed(call)
                checks.append(
                    Check(
                        fault,
                        "503",
                        response.status_code,
                        response.headers.get("Retry-After"),
                        seconds,
                        True,
                    )
                )
            proxy.start()
            response, seconds = timed(lambda: http.get("/api/health/"))
            after = http.get(path).json()
            checks.append(
                Check(
                    "database back: GET /api/health/ (no restart)",
                    "200",
                    response.status_code,
                    None,
                    seconds,
                    after["version"] == version and after["title"] != "during outage",
                )
            )

            for mode, expected in (("stall", "504"), ("fail", "502"), ("gone", "502")):
                index.mode = mode
                if mode == "gone":
                    index.shutdown()
                    index.server_close()
                response, seconds = timed(
                    lambda: http.post(f"{path}publish/", headers={"If-Match": etag})
                )
                state = http.get(path).json()
                checks.append(
                    Check(
                        f"search index {mode}: POST publish",
                        expected,
                        response.status_code,
                        None,
                        seconds,
                        not state["published"] and state["version"] == version,
                    )
                )
    proxy.stop()
    return checks


def main(argv: list[str] | None = None) -> int:
    """Run the faults; print and write what each answered."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=RESULTS / "faults.json")
    args = parser.parse_args(argv)
    database_url = postgres_url("fault")
    checks = run(database_url)
    print(
        f"{'fault':50} {'expected':>8} {'got':>4} {'Retry-After':>11} {'seconds':>7} {'intact':>6}"
    )
    for check in checks:
        print(
            f"{check.fault:50} {check.expected:>8} {check.status:>4} "
            f"{check.retry_after or '':>11} {check.seconds:7.2f} {check.nothing_half_written!s:>6}"
        )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps([asdict(c) for c in checks], indent=2) + "\n")
    return 0 if all(check.passed for check in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
