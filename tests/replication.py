"""A PostgreSQL primary and its streaming replica, made for a test and dropped whatever happens.

Two clusters of their own on free ports, made with Debian's postgresql-common (``pg_createcluster``,
``pg_ctlcluster``, ``pg_dropcluster``) and ``pg_basebackup``, their data in a temporary directory.
Every client connects over TCP as ``postgres`` without a password: a test machine's clusters,
reachable from the loopback interface only. The replica's replay can be paused: it then lags
behind the primary by every change made since, as a replica does under load or while its
replication is broken.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg


from demo_project.servers import free_port

#: What making the clusters needs: Debian's postgresql-common, pg_basebackup and runuser.
TOOLS = ("pg_createcluster", "pg_ctlcluster", "pg_dropcluster", "pg_basebackup", "runuser")
#: The operating system user that owns the clusters, as Debian's packages make it.
OWNER = "postgres"


def unavailable() -> str | None:
    """Why a replica cannot be made on this machine, or ``None`` when it can."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        return f"{', '.join(missing)} not installed (Debian's postgresql-common, util-linux)"
    if os.geteuid() != 0:
        return "pg_createcluster makes clusters as root"
    return None


@dataclass(frozen=True)
class Replication:
    """The primary's and the replica's server URLs (no database), and control of the replay."""

    primary: str
    replica: str

    def catch_up(self, timeout: float = 30) -> None:
        """Resume the replay, and wait until the replica has everything the primary wrote."""
        with _connect(self.primary) as primary, _connect(self.replica) as replica:
            replica.execute("SELECT pg_wal_replay_resume()")
            (written,) = _one(primary, "SELECT pg_current_wal_lsn()")
            deadline = time.monotonic() + timeout
            while not _one(replica, "SELECT pg_last_wal_replay_lsn() >= %s", [written])[0]:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the replica did not reach {written} in {timeout} s")
                time.sleep(0.02)

    def pause(self) -> None:
        """Stop the replay where it is: the replica shows nothing the primary writes next."""
        with _connect(self.replica) as replica:
            replica.execute("SELECT pg_wal_replay_pause()")


@contextlib.contextmanager
def streaming_replica(version: int) -> Iterator[Replication]:
    """A primary and its streaming replica of PostgreSQL ``version``, dropped afterwards."""
    name = f"replication_{uuid.uuid4().hex[:8]}"
    directory = Path(tempfile.mkdtemp(prefix="replication-"))
    shutil.chown(directory, OWNER, OWNER)
    made: list[str] = []
    failures: list[str] = []
    try:
        ports = {}
        for role in ("primary", "replica"):
            cluster = f"{name}_{role}"
            ports[role] = free_port()
            _run(
                *("pg_createcluster", str(version), cluster, "--port", str(ports[role])),
                *("--datadir", str(directory / role), "--logfile", str(directory / f"{role}.log")),
                # A test's data: nothing to keep if the machine stops.
                *("--pgoption", "fsync=off"),
                *("--", "--auth-local=trust", "--auth-host=trust"),
            )
            made.append(cluster)
            if role == "replica":
                # The replica's own data makes way for a copy of the primary's, which then
                # streams from it: -R writes primary_conninfo and standby.signal.
                shutil.rmtree(directory / role)
                _run(
                    *("runuser", "-u", OWNER, "--", "pg_basebackup", "--host", "127.0.0.1"),
                    *("--port", str(ports["primary"]), "--username", OWNER),
                    *("--pgdata", str(directory / role), "--write-recovery-conf"),
                    *("--wal-method", "stream"),
                )
            _run("pg_ctlcluster", "--skip-systemctl-redirect", str(version), cluster, "start")
        yield Replication(
            primary=f"postgres://{OWNER}@127.0.0.1:{ports['primary']}/",
            replica=f"postgres://{OWNER}@127.0.0.1:{ports['replica']}/",
        )
    finally:
        for cluster in reversed(made):
            dropped = subprocess.run(
                ["pg_dropcluster", "--stop", str(version), cluster], capture_output=True, text=True
            )
            if dropped.returncode:
                failures.append(f"{cluster}: {dropped.stderr.strip()}")
        shutil.rmtree(directory, ignore_errors=True)
    # Reached only when nothing else failed: a failure to drop must not hide the test's own.
    if failures:
        raise RuntimeError(f"pg_dropcluster failed: {'; '.join(failures)}")


def server_version(url: str) -> int:
    """The major version of the PostgreSQL server at ``url``."""
    with _connect(url) as connection:
        return connection.info.server_version // 10000


def _run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{command[0]} failed ({done.returncode}):\n{done.stderr[-4000:]}")


def _connect(url: str) -> psycopg.Connection[Any]:
    url = url.replace("postgres://", "postgresql://", 1)
    if url.endswith("/"):
        url += "postgres"
    import psycopg  # PostgreSQL only: the SQLite runs install no driver

    return psycopg.connect(url, autocommit=True, connect_timeout=10)


def _one(
    connection: psycopg.Connection[Any], query: str, params: list[Any] | None = None
) -> tuple[Any, ...]:
    row = connection.execute(query, params).fetchone()
    assert row is not None
    return row
