"""Slow clients and a slow search index delay no other request on the documented server.

The documented command (uvicorn, 4 processes: demo_project.servers.PRODUCTION_SERVER) serves
other requests as fast while 4 clients trickle their headers or bodies, and while 4
publications wait for an index that never answers. The worker models are measured by
bench/slow_clients.py (``make bench``): 40 slow-header connections against each server
command, and its control, gunicorn's default sync workers (a process per request) stalled by
the same tricklers, which shows the measure can fail.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from demo_project.servers import PRODUCTION_ARGS, PRODUCTION_SERVER, serve
from demo_project.slow_clients import sample, tricklers, waiting_publications
from tests.conftest import token_in

pytestmark = [pytest.mark.slow, pytest.mark.timed, pytest.mark.own_database]

#: Longer than any sampling takes: the publications wait all along, until the index closes.
SEARCH_INDEX_TIMEOUT = 60


@pytest.fixture(scope="module")
def database_url(
    tmp_path_factory: pytest.TempPathFactory, fresh_sqlite: Callable[[Path], str]
) -> str:
    return fresh_sqlite(tmp_path_factory.mktemp("slow") / "demo.sqlite3")


@contextlib.contextmanager
def silent_index() -> Iterator[tuple[str, Callable[[], None]]]:
    """An index that takes connections and never answers, until it is closed; its URL, and
    what closes it.

    Closing resets the connections it holds: the publications waiting on it end at once
    rather than at their deadline.
    """
    with socket.create_server(("127.0.0.1", 0), backlog=64) as listener:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/documents/", listener.close


def test_the_documented_server_is_not_delayed_by_slow_clients(database_url: str) -> None:
    authorization = token_in(database_url, "alice")
    with (
        silent_index() as (index_url, close_the_index),
        serve(
            PRODUCTION_SERVER,
            database_url,
            *PRODUCTION_ARGS,
            SEARCH_INDEX_URL=index_url,
            SEARCH_INDEX_TIMEOUT=str(SEARCH_INDEX_TIMEOUT),
        ) as base,
    ):
        alone = sample(base, "alone", "documented")
        with tricklers(base, authorization):
            trickled = sample(base, "tricklers", "documented")
        with waiting_publications(base, authorization):
            waiting = sample(base, "publications waiting", "documented", samples=10)
            close_the_index()
    print(f"\n{alone}\n{trickled}\n{waiting}")
    for latency in (alone, trickled, waiting):
        assert latency.stalled == 0, latency
        assert latency.max_ms is not None
        assert latency.max_ms < 1000, latency
