"""Publishing against a real search index that fails in every way, on a real server.

The documented production command serves the demo on a database of its own; a
local socket server plays the index (tests/index_server.py) and records what it receives.
Each failure answers 502 or 504 within about ``SEARCH_INDEX_TIMEOUT``, leaves the article
unpublished and the index without its copy, and never makes other requests wait. The tests
that kill a worker mid-publish run the documented threaded WSGI command on the same database.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from demo_project.servers import (
    PRODUCTION_ARGS,
    PRODUCTION_SERVER,
    THREADED_WSGI_ARGS,
    Starting,
    manage,
    scratch_database,
    started,
)
from tests import plain_http
from tests.conftest import token_in
from tests.index_server import SearchIndex

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 1.0
#: How much later than the deadline a 504 may come: the withdrawal and a loaded machine.
SLACK = 0.8

pytestmark = [pytest.mark.slow, pytest.mark.timed]


@pytest.fixture(scope="module")
def database(
    tmp_path_factory: pytest.TempPathFactory, fresh_sqlite: Callable[[Path], str]
) -> Iterator[str]:
    """The demo's database for these tests: PostgreSQL if DATABASE_URL names it, else SQLite."""
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith("postgres"):
        # One database per pytest-xdist worker: each may run some of these tests.
        name = f"django_http_errors_pub{os.environ.get('PYTEST_XDIST_WORKER', '')}"
        with scratch_database(database_url, name) as url:
            yield url
    else:
        yield fresh_sqlite(tmp_path_factory.mktemp("publish") / "demo.sqlite3")


@pytest.fixture(scope="module")
def index() -> Iterator[SearchIndex]:
    with SearchIndex() as index:
        yield index


@pytest.fixture(scope="module")
def booting(
    database: str,
    index: SearchIndex,
    tmp_path_factory: pytest.TempPathFactory,
    fresh_sqlite: Callable[[Path], str],
) -> Iterator[dict[str, Starting]]:
    """The module's three servers, started together so that they boot at the same time (each
    fixture below waits for its own): ``served``, ``patient`` and ``refusing``'s."""
    with SearchIndex() as gone:
        refused = gone.url
    with ExitStack() as stack:
        starting = {
            "served": stack.enter_context(
                started(
                    PRODUCTION_SERVER,
                    database,
                    *PRODUCTION_ARGS,
                    SEARCH_INDEX_URL=index.url,
                    SEARCH_INDEX_TIMEOUT=str(TIMEOUT),
                )
            ),
            "patient": stack.enter_context(
                started(
                    "gunicorn",
                    database,
                    *THREADED_WSGI_ARGS,
                    SEARCH_INDEX_URL=index.url,
                    SEARCH_INDEX_TIMEOUT="60",
                )
            ),
            "refusing": stack.enter_context(
                started(
                    "gunicorn",
                    fresh_sqlite(tmp_path_factory.mktemp("refusing") / "demo.sqlite3"),
                    "--workers",
                    "1",
                    SEARCH_INDEX_URL=refused,
                    SEARCH_INDEX_TIMEOUT=str(TIMEOUT),
                )
            ),
        }
        # On exit, all are told to stop before any is waited for.
        for one in starting.values():
            stack.callback(one.process.terminate)
        yield starting


@pytest.fixture(scope="module")
def served(
    database: str, index: SearchIndex, booting: dict[str, Starting]
) -> Iterator[tuple[httpx.Client, SearchIndex]]:
    """The demo as documented, notifying an index whose mode each test sets."""
    with as_alice(booting["served"], database) as client:
        yield client, index


def as_alice(server: Starting, database: str) -> httpx.Client:
    """A client of ``server``, once it answers, signed in as alice with her token."""
    return plain_http.client(
        base_url=server.ready(),
        headers={"Authorization": token_in(database, "alice")},
        timeout=30,
    )


def _draft(http: httpx.Client) -> tuple[str, str, int]:
    """A new draft of alice's: its path, ETag and id."""
    created = http.post("/api/articles/", json={"title": "to publish", "body": "text"})
    assert created.status_code == 201, created.text
    pk = created.json()["id"]
    return f"/api/articles/{pk}/", created.headers["ETag"], pk


def _in_background(call: Callable[[], httpx.Response]) -> Callable[[], tuple[int, float]]:
    """Start ``call`` in a thread; the returned function waits for its status and duration."""
    result: dict[str, Any] = {}

    def run() -> None:
        started = time.monotonic()
        result["status"] = call().status_code
        result["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run)
    thread.start()

    def wait() -> tuple[int, float]:
        thread.join(timeout=30)
        return result["status"], result["seconds"]

    return wait


def _wait_for_post(index: SearchIndex, pk: int) -> None:
    deadline = time.monotonic() + 5
    while pk not in index.requests("POST"):
        assert time.monotonic() < deadline, "the index never received the POST"
        time.sleep(0.01)


def _timed(call: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_publishing_stores_the_copy_and_the_article(
    served: tuple[httpx.Client, SearchIndex],
) -> None:
    http, index = served
    index.mode = "ok"
    path, etag, pk = _draft(http)
    response = http.post(f"{path}publish/", headers={"If-Match": etag})
    assert response.status_code == 200, response.text
    assert response.json()["published"] is True
    assert http.get(path).json()["published"] is True
    assert index.documents[pk]["title"] == "to publish"
    assert pk not in index.requests("DELETE")


@pytest.mark.parametrize(
    ("mode", "status"),
    [("fail", 502), ("close", 502), ("stall", 504), ("late", 504), ("trickle", 504)],
)
def test_a_failing_index_leaves_nothing_published_and_blocks_no_one(
    served: tuple[httpx.Client, SearchIndex], mode: str, status: int
) -> None:
    http, index = served
    index.mode, index.delay = mode, TIMEOUT * 3
    path, etag, pk = _draft(http)

    publishing = _in_background(lambda: http.post(f"{path}publish/", headers={"If-Match": etag}))
    _wait_for_post(index, pk)
    # Meanwhile the publication is waiting for the index (or has already failed).
    health, health_seconds = _timed(lambda: http.get("/api/health/"))
    write, write_seconds = _timed(
        lambda: http.patch(path, json={"body": "edited meanwhile"}, headers={"If-Match": etag})
    )
    answered, seconds = publishing()

    assert answered == status
    if status == 504:
        assert TIMEOUT * 0.9 <= seconds < TIMEOUT + SLACK, seconds
    else:
        assert seconds < TIMEOUT, seconds
    assert health.status_code == 200
    assert health_seconds < 1, health_seconds
    assert write.status_code == 200, write.text
    assert write_seconds < 1, write_seconds
    state = http.get(path).json()
    assert state["published"] is False
    assert state["body"] == "edited meanwhile"
    assert pk not in index.documents
    if mode != "stall":  # the stalled index stored nothing
        assert index.requests("DELETE").count(pk) == 1


@pytest.mark.parametrize(("if_match", "status"), [(True, 412), (False, 409)])
def test_a_change_that_wins_the_race_withdraws_the_copy(
    served: tuple[httpx.Client, SearchIndex], if_match: bool, status: int
) -> None:
    http, index = served
    index.mode, index.delay = "slow", TIMEOUT / 2
    path, etag, pk = _draft(http)
    headers = {"If-Match": etag} if if_match else {}
    publishing = _in_background(lambda: http.post(f"{path}publish/", headers=headers))
    _wait_for_post(index, pk)
    write, write_seconds = _timed(
        lambda: http.patch(path, json={"title": "changed first"}, headers={"If-Match": etag})
    )
    # The change is in: the index answers now rather than after its delay.
    index.release()
    answered, _ = publishing()

    assert write.status_code == 200
    assert write_seconds < 1, write_seconds
    assert answered == status
    state = http.get(path).json()
    assert state["published"] is False
    assert state["title"] == "changed first"
    assert pk not in index.documents
    assert index.requests("DELETE").count(pk) == 1


def test_publish_to_a_refusing_index_is_502_at_once(booting: dict[str, Starting]) -> None:
    # gunicorn, one worker, on a database of its own, sending copies to a port that nothing
    # listens on.
    refusing = booting["refusing"]
    database_url = refusing.database_url
    with plain_http.client(
        base_url=refusing.ready(),
        headers={"Authorization": token_in(database_url, "alice")},
        timeout=30,
    ) as http:
        path, etag, _ = _draft(http)
        response, seconds = _timed(lambda: http.post(f"{path}publish/", headers={"If-Match": etag}))
        assert response.status_code == 502
        assert response.headers["Content-Type"] == "application/problem+json"
        assert seconds < TIMEOUT
        assert http.get(path).json()["published"] is False


# A worker killed mid-publish: the draft's copy outlives it in the index, until the recovery.


@pytest.fixture(scope="module")
def patient(
    database: str, index: SearchIndex, booting: dict[str, Starting]
) -> Iterator[tuple[httpx.Client, SearchIndex]]:
    """The demo under the documented threaded WSGI command, waiting long for the index: time
    to kill the worker. Its master forks the worker's replacement from what it imported
    (``--preload``); uvicorn's would start a process that imports the demo again, each kill."""
    with as_alice(booting["patient"], database) as client:
        yield client, index


def _sender(index: SearchIndex, pk: int) -> int:
    """The pid of the process whose connection sent the article's copy to the index."""
    host, port = index.senders[pk]
    assert host == "127.0.0.1"
    # /proc/net/tcp: "sl local_address rem_address st ... uid timeout inode", ports in hex.
    # Both ends: Linux may give one local port to connections to different addresses, so another
    # process's connection (this one's, to a server) may share the sender's port, and killing
    # that process instead would kill the test run.
    local, remote = f"0100007F:{port:04X}", f"0100007F:{index.port:04X}"
    inodes = {
        fields[9]
        for fields in map(str.split, Path("/proc/net/tcp").read_text().splitlines()[1:])
        if (fields[1], fields[2]) == (local, remote)
    }
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        with contextlib.suppress(OSError):
            if fd.readlink().name in {f"socket:[{inode}]" for inode in inodes}:
                pid = int(fd.parent.parent.name)
                assert pid != os.getpid(), "the sender found is this test run"
                return pid
    raise AssertionError(f"no process holds the connection from port {port}")


@pytest.mark.parametrize("recovery", ["withdraw_unpublished_copies", "next-attempt"])
def test_a_worker_killed_mid_publish_leaves_no_draft_in_the_index_after_the_recovery(
    patient: tuple[httpx.Client, SearchIndex], database: str, recovery: str
) -> None:
    http, index = patient
    # The index stores the copy, then takes its time to answer: the worker is killed then.
    index.mode, index.delay = "late", 10
    path, etag, pk = _draft(http)
    publishing = threading.Thread(target=_publish_ignoring_errors, args=(http, path, etag))
    publishing.start()
    _wait_for_post(index, pk)
    worker = _sender(index, pk)
    os.kill(worker, signal.SIGKILL)
    publishing.join(30)

    # The worker died before its compare-and-swap: a draft, whose copy the index holds.
    assert http.get(path).json()["published"] is False
    assert pk in index.documents
    deletes = index.requests("DELETE").count(pk)

    if recovery == "withdraw_unpublished_copies":
        printed = manage(database, recovery, "--older-than", "0", SEARCH_INDEX_URL=index.url)
        assert "Withdrew 1 " in printed
    else:
        # The next publication fails at the index: it withdraws what was sent before it too.
        index.mode = "fail"
        etag = http.get(path).headers["ETag"]
        assert http.post(f"{path}publish/", headers={"If-Match": etag}).status_code == 502

    assert pk not in index.documents
    assert index.requests("DELETE").count(pk) == deletes + 1
    assert http.get(path).json()["published"] is False
    # Nothing is left to withdraw: a second run finds no record of it.
    again = manage(
        database, "withdraw_unpublished_copies", "--older-than", "0", SEARCH_INDEX_URL=index.url
    )
    assert "Withdrew 0 " in again
    assert index.requests("DELETE").count(pk) == deletes + 1


def _publish_ignoring_errors(http: httpx.Client, path: str, etag: str) -> None:
    with contextlib.suppress(httpx.HTTPError):
        http.post(f"{path}publish/", headers={"If-Match": etag})


def test_a_published_articles_copy_is_kept_by_the_recovery(
    patient: tuple[httpx.Client, SearchIndex], database: str
) -> None:
    http, index = patient
    index.mode, index.delay = "late", 10
    path, etag, pk = _draft(http)
    publishing = threading.Thread(target=_publish_ignoring_errors, args=(http, path, etag))
    publishing.start()
    _wait_for_post(index, pk)
    os.kill(_sender(index, pk), signal.SIGKILL)
    publishing.join(30)
    # Published by the next attempt: its copy stands; the record the killed one left goes.
    index.mode = "ok"
    etag = http.get(path).headers["ETag"]
    assert http.post(f"{path}publish/", headers={"If-Match": etag}).status_code == 200
    deletes = index.requests("DELETE").count(pk)
    printed = manage(
        database, "withdraw_unpublished_copies", "--older-than", "0", SEARCH_INDEX_URL=index.url
    )
    assert "kept 1 " in printed
    assert pk in index.documents
    assert index.requests("DELETE").count(pk) == deletes


def test_a_publication_whose_copy_the_recovery_withdrew_meanwhile_publishes_nothing(
    patient: tuple[httpx.Client, SearchIndex], database: str
) -> None:
    http, index = patient
    # The index holds the publication's answer until the recovery is done (released), or 20 s.
    index.mode, index.delay = "slow", 20
    path, etag, pk = _draft(http)
    publishing = _in_background(lambda: http.post(f"{path}publish/", headers={"If-Match": etag}))
    _wait_for_post(index, pk)
    # Run with no grace: the record of the publication still waiting looks left behind.
    manage(database, "withdraw_unpublished_copies", "--older-than", "0", SEARCH_INDEX_URL=index.url)
    index.release()
    status, _ = publishing()

    assert status == 409
    assert http.get(path).json()["published"] is False
    assert pk not in index.documents
