"""A database that stops answering is a 503 with Retry-After within seconds, and back after.

A PostgreSQL cluster of the test's own (never the machine's shared server) is stopped with
SIGSTOP: the kernel still accepts connections to it, but nothing answers, as when a database
host hangs. Without a deadline every request waited as long as the stop (issue 24). The demo's
``DATABASE_CONNECT_TIMEOUT`` (default 3 s, psycopg's ``connect_timeout``) ends the wait: the
health check and an API read answer 503 with ``Retry-After`` within it, on uvicorn (the
documented command) and gunicorn gthread, whether the postmaster alone or every process of
the server is stopped; and 200 again once it resumes (SIGCONT), with no restart.
"""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from demo_project.servers import (
    DOCUMENTED_ARGS,
    SERVERS,
    PostgresCluster,
    can_create_clusters,
    postgres_cluster,
    scratch_database,
    serve,
)
from demo_project.settings import CONNECT_TIMEOUT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not can_create_clusters(), reason="needs pg_createcluster, as root"),
    # CI's Python and Django corners install no PostgreSQL driver; its SQLite and PostgreSQL
    # runs do, and run this.
    pytest.mark.skipif(
        importlib.util.find_spec("psycopg") is None, reason="needs psycopg (the postgres extra)"
    ),
]

#: A 503 comes within the connect timeout, and this for the rest of the request.
SLACK = 1.5
#: Requests at once while the database is stopped: each gets its answer within the deadline.
CONCURRENT = 8


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    with postgres_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="module", params=SERVERS)
def served(request: pytest.FixtureRequest, cluster: PostgresCluster) -> Iterator[httpx.Client]:
    """The demo with its default deadlines on a database of the stoppable cluster."""
    server = request.param
    args = DOCUMENTED_ARGS[server]
    with (
        scratch_database(cluster.url, f"demo_{server}") as url,
        serve(server, url, *args) as base,
        httpx.Client(base_url=base, timeout=30) as http,
    ):
        yield http


def timed(http: httpx.Client, path: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = http.get(path)
    return response, time.monotonic() - started


@pytest.mark.parametrize("every_process", [False, True], ids=["postmaster", "every-process"])
def test_a_stopped_database_is_503_within_the_deadline_and_back_when_it_resumes(
    served: httpx.Client, cluster: PostgresCluster, every_process: bool
) -> None:
    http = served
    pk = http.get("/api/articles/").json()["results"][0]["id"]
    paths = ["/api/health/", "/api/articles/", f"/api/articles/{pk}/"]
    waits: list[float] = []
    with cluster.stopped(every_process=every_process):
        # Each path on a connection of its own, all at once: each waits out its own deadline.
        stopped: dict[str, tuple[httpx.Response, float]] = {}

        def read(path: str) -> None:
            with httpx.Client(base_url=http.base_url, timeout=30) as own:
                stopped[path] = timed(own, path)

        reads = [threading.Thread(target=read, args=(path,)) for path in paths]
        for thread in reads:
            thread.start()
        for thread in reads:
            thread.join()
        for path in paths:
            response, seconds = stopped[path]
            waits.append(seconds)
            assert response.status_code == 503, response.text
            assert response.headers["Content-Type"] == "application/problem+json"
            assert response.json()["code"] == "service_unavailable"
            assert int(response.headers["Retry-After"]) >= 0
            assert seconds < CONNECT_TIMEOUT + SLACK, (path, seconds)
        # Health checks at once are not queued behind each other.
        answers: list[tuple[int, float]] = []

        def check() -> None:
            response, seconds = timed(http, "/api/health/")
            answers.append((response.status_code, seconds))

        threads = [threading.Thread(target=check) for _ in range(CONCURRENT)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [status for status, _ in answers] == [503] * CONCURRENT
        assert max(seconds for _, seconds in answers) < CONNECT_TIMEOUT + SLACK, answers
    back = []
    for path in paths:
        response, seconds = timed(http, path)
        back.append(seconds)
        assert response.status_code == 200, response.text
        assert seconds < SLACK, (path, seconds)
    concurrent = [seconds for _, seconds in answers]
    print(
        f"\nstopped: {max(waits):.2f} s at most, {CONCURRENT} at once {max(concurrent):.2f} s; "
        f"resumed: {max(back):.2f} s"
    )
