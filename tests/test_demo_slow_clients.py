"""Slow clients and a slow search index delay no other request on the documented server.

The documented command (uvicorn, 4 processes: demo_project.servers.PRODUCTION_SERVER) serves
other requests as fast while 4 clients trickle their headers or bodies, and while 4
publications wait for an index that never answers. gunicorn's default sync workers, a
process per request, are shown stalling under the same tricklers: the measure can fail.
(bench/slow_clients.py measures 40 slow-header connections against each server command.)
"""

from __future__ import annotations

import pytest

from demo_project.servers import (
    PRODUCTION_ARGS,
    PRODUCTION_SERVER,
    gunicorn,
    serve,
    sqlite_database,
    token_of,
)
from demo_project.slow_clients import sample, silent_index, tricklers, waiting_publications

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return sqlite_database(tmp_path_factory.mktemp("slow") / "demo.sqlite3")


def test_the_documented_server_is_not_delayed_by_slow_clients(database_url: str) -> None:
    authorization = token_of(database_url, "alice")
    with (
        silent_index() as index_url,
        serve(
            PRODUCTION_SERVER,
            database_url,
            *PRODUCTION_ARGS,
            settings="demo_project.settings",
            SEARCH_INDEX_URL=index_url,
            SEARCH_INDEX_TIMEOUT="5",
        ) as base,
    ):
        alone = sample(base, "alone", "documented")
        with tricklers(base, authorization):
            trickled = sample(base, "tricklers", "documented")
        with waiting_publications(base, authorization):
            waiting = sample(base, "publications waiting", "documented", samples=10)
    print(f"\n{alone}\n{trickled}\n{waiting}")
    for latency in (alone, trickled, waiting):
        assert latency.stalled == 0, latency
        assert latency.max_ms is not None
        assert latency.max_ms < 1000, latency


def test_sync_workers_are_stalled_by_the_same_tricklers(database_url: str) -> None:
    authorization = token_of(database_url, "alice")
    sync = ("--workers", "4")
    with (
        gunicorn(database_url, *sync, settings="demo_project.settings") as base,
        tricklers(base, authorization),
    ):
        trickled = sample(base, "tricklers", "sync", samples=3)
    print(f"\n{trickled}")
    assert trickled.stalled == trickled.samples, trickled
