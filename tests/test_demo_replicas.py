"""A replica that lags (docs/deployment.md, "Read replicas"): a write decides on the primary, and
with READ_YOUR_WRITES its client reads its own change at once; without, the lag shows.

The demo under gunicorn with ``DATABASE_URL`` and ``DATABASE_REPLICA_URL``, over a replica that
stops where a test says (``freeze()``):

- ``streaming``, on PostgreSQL runs: a real streaming replica of a primary of its own, both
  made for the module with pg_createcluster and pg_basebackup and dropped afterwards; frozen by
  pausing its replay (``pg_wal_replay_pause()``);
- ``copy``, on every run: the primary is a SQLite file and the replica a copy of it, taken
  again by each ``freeze()`` and never changed by the demo.

Two servers on the same two databases: one with ``READ_YOUR_WRITES=30``, one without.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from django.db import connection

from demo_project.servers import scratch_database, serve, token_of, with_database
from django_http_errors.routing import READ_YOUR_WRITES_COOKIE
from tests import plain_http, replication

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Lagging:
    """The demo over a primary and a replica that lags when told to."""

    #: Base URLs of the server with READ_YOUR_WRITES and of the one without.
    reads_own_writes: str
    reads_the_replica: str
    #: alice's credentials.
    auth: dict[str, str]
    #: The replica stops where the primary is now, and shows nothing written after.
    freeze: Callable[[], None]
    #: The replica gets everything the primary has.
    catch_up: Callable[[], None]


@contextlib.contextmanager
def demo_servers(
    primary: str, replica: str, freeze: Callable[[], None], catch_up: Callable[[], None]
) -> Iterator[Lagging]:
    """The two servers of the demo on ``primary`` with ``replica``."""
    environ = {"DATABASE_REPLICA_URL": replica, "SEARCH_INDEX_URL": ""}
    with (
        serve("gunicorn", primary, READ_YOUR_WRITES="30", **environ) as reads_own_writes,
        serve("gunicorn", primary, READ_YOUR_WRITES="0", **environ) as reads_the_replica,
    ):
        yield Lagging(
            reads_own_writes,
            reads_the_replica,
            {"Authorization": token_of(primary, "alice")},
            freeze,
            catch_up,
        )


def copied_replica(directory: Path, seeded: Path) -> Iterator[Lagging]:
    """A SQLite primary, and a copy of it for replica."""
    primary, replica = directory / "primary.sqlite3", directory / "replica.sqlite3"
    shutil.copyfile(seeded, primary)
    shutil.copyfile(seeded, replica)

    def copy() -> None:
        # SQLite's backup: a consistent copy of the primary, its write-ahead log included.
        with (
            contextlib.closing(sqlite3.connect(primary)) as source,
            contextlib.closing(sqlite3.connect(replica)) as target,
        ):
            source.backup(target)

    with demo_servers(f"sqlite:///{primary}", f"sqlite:///{replica}", copy, copy) as lagging:
        yield lagging


def streaming_replica() -> Iterator[Lagging]:
    """A PostgreSQL primary and its streaming replica, the demo's database migrated and seeded."""
    reason = replication.unavailable()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI makes a streaming replica, but {reason}")
        pytest.skip(f"a streaming replica needs pg_createcluster: {reason}")
    version = replication.server_version(os.environ["DATABASE_URL"])
    with (
        replication.streaming_replica(version) as clusters,
        scratch_database(clusters.primary, "demo") as primary,
    ):
        clusters.catch_up()  # the replica has the demo's database before a server asks it

        def freeze() -> None:
            clusters.catch_up()
            clusters.pause()

        replica = with_database(clusters.replica, "demo")
        with demo_servers(primary, replica, freeze, clusters.catch_up) as lagging:
            yield lagging


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("copy"),
        pytest.param("streaming", marks=pytest.mark.postgres),
    ],
)
def lagging(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    seeded_sqlite_file: Path,
) -> Iterator[Lagging]:
    """The demo over a replica that lags when told to: a SQLite copy, or a streaming replica."""
    if request.param == "copy":
        yield from copied_replica(tmp_path_factory.mktemp("replicas"), seeded_sqlite_file)
    elif connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...); CI runs it there")
    else:
        yield from streaming_replica()


def create(http: httpx.Client, title: str) -> httpx.Response:
    created = http.post("/api/articles/", json={"title": title, "body": "first"})
    assert created.status_code == 201, created.text
    return created


def test_a_write_decides_on_the_primary_whatever_the_replica_shows(lagging: Lagging) -> None:
    with plain_http.client(base_url=lagging.reads_the_replica, headers=lagging.auth) as http:
        path = create(http, "Decided on the primary").headers["Location"]
        lagging.freeze()
        seen = http.get(path)
        assert seen.status_code == 200, seen.text
        # A change on the primary that the replica has not seen.
        changed = http.patch(
            path, json={"body": "second"}, headers={"If-Match": seen.headers["ETag"]}
        )
        assert changed.status_code == 200, changed.text
        assert http.get(path).headers["ETag"] == seen.headers["ETag"], "the replica lags"

        # The primary's current If-Match is let through, whatever the replica shows.
        current = http.patch(
            path, json={"body": "third"}, headers={"If-Match": changed.headers["ETag"]}
        )
        assert current.status_code == 200, current.text
        # The replica's If-Match is stale on the primary: 412 names the primary's ETag.
        stale = http.patch(path, json={"body": "lost?"}, headers={"If-Match": seen.headers["ETag"]})
        assert stale.status_code == 412, stale.text
        assert stale.headers["Content-Type"] == "application/problem+json"
        assert stale.json()["etag"] == current.headers["ETag"]


def test_with_read_your_writes_a_client_reads_its_own_writes_at_once(lagging: Lagging) -> None:
    with (
        plain_http.client(base_url=lagging.reads_own_writes, headers=lagging.auth) as writer,
        plain_http.client(base_url=lagging.reads_own_writes, headers=lagging.auth) as other,
    ):
        existing = create(writer, "Changed").headers["Location"]
        lagging.freeze()
        writer.cookies.clear()

        created = create(writer, "Created")
        assert READ_YOUR_WRITES_COOKIE in writer.cookies
        shown = writer.get(created.headers["Location"])
        assert shown.status_code == 200, shown.text
        assert shown.headers["ETag"] == created.headers["ETag"]

        seen = writer.get(existing)
        changed = writer.patch(
            existing, json={"title": "Changed again"}, headers={"If-Match": seen.headers["ETag"]}
        )
        assert changed.status_code == 200, changed.text
        after = writer.get(existing)
        assert after.headers["ETag"] == changed.headers["ETag"]
        assert after.json()["title"] == "Changed again"

        # Only the client that wrote reads from the primary; another (the same user without
        # the cookie) reads the replica, which lags.
        assert other.get(created.headers["Location"]).status_code == 404
        assert other.get(existing).json()["title"] == "Changed"


def test_without_read_your_writes_the_lag_shows_until_the_replica_catches_up(
    lagging: Lagging,
) -> None:
    with plain_http.client(base_url=lagging.reads_the_replica, headers=lagging.auth) as http:
        existing = create(http, "Changed").headers["Location"]
        lagging.freeze()

        created = create(http, "Created")
        assert READ_YOUR_WRITES_COOKIE not in http.cookies
        assert http.get(created.headers["Location"]).status_code == 404
        # A write finds it all the same: its lookup is the primary's.
        published = http.post(
            f"{created.headers['Location']}publish/", headers={"If-Match": created.headers["ETag"]}
        )
        assert published.status_code == 200, published.text

        seen = http.get(existing)
        changed = http.patch(
            existing, json={"title": "Changed again"}, headers={"If-Match": seen.headers["ETag"]}
        )
        assert changed.status_code == 200, changed.text
        after = http.get(existing)
        assert after.headers["ETag"] == seen.headers["ETag"] != changed.headers["ETag"]
        assert after.json()["title"] == "Changed"
        # What a client without cookies can ask: this version, or say it is not there yet.
        asked = http.get(existing, headers={"If-Match": changed.headers["ETag"]})
        assert asked.status_code == 412

        # A lag, not a loss.
        lagging.catch_up()
        assert http.get(created.headers["Location"]).status_code == 200
        assert http.get(existing).headers["ETag"] == changed.headers["ETag"]
