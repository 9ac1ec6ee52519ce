"""A database that stops answering is a 503 with Retry-After within seconds, and back after.

A PostgreSQL cluster of the test's own (never the machine's shared server) is stopped with
SIGSTOP: the kernel still accepts connections to it, but nothing answers, as when a database
host hangs. Without a deadline every request waited as long as the stop (issue 24). The demo's
``DATABASE_CONNECT_TIMEOUT`` (default 3 s, psycopg's ``connect_timeout``) ends the wait: the
health check and an API read answer 503 with ``Retry-After`` within it, on uvicorn (the
documented command) and gunicorn gthread, whether the postmaster alone or every process of
the server is stopped; and 200 again once it resumes (SIGCONT), with no restart.

Both servers serve one database of the cluster and are asked during the same stop, each its
reads and its health checks in one batch, as many requests at once as a gunicorn process has
threads: each request waits out a deadline of its own, so one stop waits it out once and
measures both servers.
"""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from functools import partial
from typing import TypeVar

import httpx
import pytest

from demo_project.servers import (
    DOCUMENTED_ARGS,
    SERVERS,
    THREADED_WSGI_ARGS,
    PostgresCluster,
    can_create_clusters,
    postgres_cluster,
    scratch_database,
    started,
)
from demo_project.settings import CONNECT_TIMEOUT
from tests import plain_http

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timed,
    # Its cluster is its own whatever DATABASE_URL names: CI's SQLite run runs it.
    pytest.mark.own_database,
    pytest.mark.skipif(not can_create_clusters(), reason="needs pg_createcluster, as root"),
    # CI's Python and Django corners install no PostgreSQL driver; its SQLite run does.
    pytest.mark.skipif(
        importlib.util.find_spec("psycopg") is None, reason="needs psycopg (the postgres extra)"
    ),
]

#: A 503 comes within the connect timeout, and this for the rest of the request.
SLACK = 1.5
#: Requests at once on each server while the database is stopped: as many as a gunicorn
#: process has threads (THREADED_WSGI_ARGS), should they all land on one; more could queue
#: behind a request that waits out its deadline.
AT_ONCE = int(THREADED_WSGI_ARGS[THREADED_WSGI_ARGS.index("--threads") + 1])
#: The paths read, each on a connection of its own.
PATHS = 3
#: Health checks at once on one client of each server, besides the reads: each gets its answer
#: within the deadline.
CONCURRENT = AT_ONCE - PATHS

Result = TypeVar("Result")


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[PostgresCluster, dict[str, httpx.Client]]]:
    """The stoppable cluster, and the demo on a database of it under each server as documented,
    with its default deadlines."""
    with ExitStack() as stack:
        cluster = stack.enter_context(postgres_cluster())
        url = stack.enter_context(scratch_database(cluster.url, "demo"))
        # Both started, then waited for: they boot together.
        starting = [
            stack.enter_context(started(server, url, *DOCUMENTED_ARGS[server]))
            for server in SERVERS
        ]
        # On exit, all are told to stop before any is waited for.
        for one in starting:
            stack.callback(one.process.terminate)
        clients = {}
        for server, one in zip(SERVERS, starting, strict=True):
            base = one.ready()
            clients[server] = stack.enter_context(plain_http.client(base_url=base, timeout=30))
        yield cluster, clients


def timed(http: httpx.Client, path: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = http.get(path)
    return response, time.monotonic() - started


def on_a_connection_of_its_own(base_url: httpx.URL, path: str) -> tuple[httpx.Response, float]:
    with plain_http.client(base_url=base_url, timeout=30) as own:
        return timed(own, path)


def at_once(calls: Sequence[Callable[[], Result]]) -> list[Result]:
    """Every call in a thread of its own, all started together; their results, in order."""
    results: dict[int, Result] = {}

    def run(number: int) -> None:
        results[number] = calls[number]()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [results[n] for n in range(len(calls))]


@pytest.mark.parametrize("every_process", [False, True], ids=["postmaster", "every-process"])
def test_a_stopped_database_is_503_within_the_deadline_and_back_when_it_resumes(
    served: tuple[PostgresCluster, dict[str, httpx.Client]], every_process: bool
) -> None:
    cluster, clients = served
    pk = clients["uvicorn"].get("/api/articles/").json()["results"][0]["id"]
    paths = ["/api/health/", "/api/articles/", f"/api/articles/{pk}/"]
    assert len(paths) == PATHS

    # Each path on a connection of its own: each waits out its own deadline.
    read_calls = [
        partial(on_a_connection_of_its_own, http.base_url, path)
        for http in clients.values()
        for path in paths
    ]
    # Health checks at once on one client are not queued behind each other.
    check_calls = [partial(timed, http, "/api/health/") for http in clients.values()]
    check_calls *= CONCURRENT
    with cluster.stopped(every_process=every_process):
        # Both batches at once, so the stop waits out the deadline once.
        answered = at_once(read_calls + check_calls)
    reads, checks = answered[: len(read_calls)], answered[len(read_calls) :]

    figures = []
    for number, server in enumerate(clients):
        mine = reads[number * len(paths) : (number + 1) * len(paths)]
        for path, (response, seconds) in zip(paths, mine, strict=True):
            assert response.status_code == 503, (server, path, response.text)
            assert response.headers["Content-Type"] == "application/problem+json"
            assert response.json()["code"] == "service_unavailable"
            assert int(response.headers["Retry-After"]) >= 0
            assert seconds < CONNECT_TIMEOUT + SLACK, (server, path, seconds)
        answers = checks[number :: len(clients)]
        assert [response.status_code for response, _ in answers] == [503] * CONCURRENT, server
        waits = [seconds for _, seconds in answers]
        assert max(waits) < CONNECT_TIMEOUT + SLACK, (server, waits)
        back = []
        for path in paths:
            response, seconds = timed(clients[server], path)
            back.append(seconds)
            assert response.status_code == 200, (server, path, response.text)
            assert seconds < SLACK, (server, path, seconds)
        figures.append(
            f"{server}: stopped {max(s for _, s in mine):.2f} s at most, {CONCURRENT} at once "
            f"{max(waits):.2f} s; resumed {max(back):.2f} s"
        )
    print("\n" + "\n".join(figures))
