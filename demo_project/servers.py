"""How the demo is served for real: scratch databases, and gunicorn or uvicorn on a free port.

The demo is how the library is proven over real HTTP, by the demo's tests (tests/test_demo*.py)
and by the benchmarks (bench/) alike: both start their servers from here, each with the
settings it names (the demo's by default).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
#: The documented production command (docs/upstream.md, docs/demo.md): uvicorn, 4 processes.
#: Each reads requests on an event loop, so a client that sends its headers or body slowly
#: holds no thread, and runs each view in a thread of its own, so a slow upstream holds up no
#: other request (bench/slow_clients.py measures both).
PRODUCTION_SERVER = "uvicorn"
PRODUCTION_ARGS = ("--workers", "4")
#: The threaded WSGI command the docs give for a server behind a proxy that buffers requests:
#: a thread per request, held while a client sends its headers or body. ``--preload`` imports
#: the project once, in gunicorn's master, before it forks the workers: they share that memory,
#: and a worker that dies is replaced at once, without importing it again. Nothing
#: is connected or started at import (no database connection, no thread) for them to share.
THREADED_WSGI_ARGS = (
    "--worker-class", "gthread", "--workers", "4", "--threads", "8", "--preload"
)  # fmt: skip
#: Each server as the docs run it.
DOCUMENTED_ARGS = {"uvicorn": PRODUCTION_ARGS, "gunicorn": THREADED_WSGI_ARGS}


def settings_module() -> str:
    """The settings module the servers and commands here run with when not given one: the
    demo's, or the one ``DEMO_SETTINGS_MODULE`` names. The tests name theirs: the demo's with
    a fast password hasher (tests/demo_settings.py)."""
    return os.environ.get("DEMO_SETTINGS_MODULE") or "demo_project.settings"


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def with_database(url: str, name: str, *, host: str | None = None, port: int | None = None) -> str:
    """The same server URL naming another database (and, optionally, another host:port)."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if host is not None and port is not None:
        credentials = netloc.rsplit("@", 1)[0] + "@" if "@" in netloc else ""
        netloc = f"{credentials}{host}:{port}"
    return urlunsplit((parts.scheme, netloc, f"/{name}", parts.query, parts.fragment))


@contextlib.contextmanager
def scratch_database(server_url: str, name: str, *, settings: str | None = None) -> Iterator[str]:
    """A fresh PostgreSQL database, migrated and seeded, dropped afterwards; yields its URL."""
    import psycopg

    admin = with_database(server_url, "postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = with_database(server_url, name)
    migrate_and_seed(url, settings=settings)
    try:
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class PostgresCluster:
    """A PostgreSQL cluster of its own (Debian's ``pg_createcluster``), to stop and resume.

    The machine's own server is shared: a test that stops a database stops this one.
    """

    def __init__(self, version: str, name: str, port: int) -> None:
        self.version, self.name, self.port = version, name, port
        self.url = f"postgres://postgres@127.0.0.1:{port}/postgres"

    def postmaster(self) -> int:
        """The pid of the server's first process, which every connection is made through."""
        return int((self._data() / "postmaster.pid").read_text().split()[0])

    def processes(self) -> list[int]:
        """The postmaster and every process it started (backends, writers, launchers)."""
        postmaster = self.postmaster()
        return [postmaster, *children(postmaster)]

    @contextlib.contextmanager
    def stopped(self, *, every_process: bool) -> Iterator[None]:
        """SIGSTOP the postmaster (or every process of the server); SIGCONT whatever happens.

        A stopped process keeps its sockets: the kernel still accepts connections and
        acknowledges what is sent, but nothing answers, as with a server that hangs.
        """
        pids = self.processes() if every_process else [self.postmaster()]
        try:
            for pid in pids:
                os.kill(pid, signal.SIGSTOP)
            yield
        finally:
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)

    def _data(self) -> Path:
        return Path(self._listed()[5])

    def _listed(self) -> list[str]:
        """Its line of ``pg_lsclusters``: version, name, port, status, owner, data, log."""
        listed = subprocess.run(
            ["pg_lsclusters", "--no-header", self.version, self.name],
            check=True,
            capture_output=True,
            text=True,
        )
        return listed.stdout.split()


def children(pid: int) -> list[int]:
    """The pids of the processes ``pid`` started that are still running (Linux's /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            # "pid (name) state ppid ...": the name may hold spaces, not a ")".
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def can_create_clusters() -> bool:
    """Whether ``postgres_cluster()`` can run here: Debian's tools, run as root."""
    return shutil.which("pg_createcluster") is not None and os.geteuid() == 0


@contextlib.contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A new PostgreSQL cluster on a free port, trusting local TCP; stopped and dropped after.

    The server version is the newest one of the machine's clusters (``pg_lsclusters``). It
    holds a test's data, nothing to keep if the machine stops: without ``fsync``, migrating the
    demo's database takes half the time.
    """
    listed = subprocess.run(
        ["pg_lsclusters", "--no-header"], check=True, capture_output=True, text=True
    )
    version = max((line.split()[0] for line in listed.stdout.splitlines()), key=float)
    cluster = PostgresCluster(version, f"dhe_{os.getpid()}_{free_port()}", free_port())
    created = [version, cluster.name, "--port", str(cluster.port), "--start-conf", "manual"]
    created += ["--pgoption", "fsync=off"]
    try:
        subprocess.run(
            ["pg_createcluster", *created, "--", "--auth=trust"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Started with its own pg_ctl, as pg_ctlcluster starts it, less the wait: pg_ctlcluster
        # then probes it with psql every half second until three connections in a row succeed
        # (two seconds), where pg_ctl's -w is done once the server accepts connections.
        owner, data, log = cluster._listed()[4:7]
        config = Path("/etc/postgresql", version, cluster.name, "postgresql.conf")
        subprocess.run(
            [
                *(Path("/usr/lib/postgresql", version, "bin", "pg_ctl"), "start", "-w", "-s"),
                *("-D", data, "-l", log, "-o", f"-c config_file={config}"),
            ],
            check=True,
            user=owner,
            cwd="/",
            stdout=subprocess.DEVNULL,
        )
        yield cluster
    finally:
        # A stopped server cannot be shut down: resume every process first.
        with contextlib.suppress(OSError, subprocess.CalledProcessError, ValueError, IndexError):
            for pid in cluster.processes():
                os.kill(pid, signal.SIGCONT)
        subprocess.run(
            ["pg_dropcluster", "--stop", version, cluster.name],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def manage(database_url: str, *command: str, settings: str | None = None, **environ: str) -> str:
    """Run a management command of the demo on ``database_url``; what it printed.

    ``environ`` is added to its environment (``SEARCH_INDEX_URL=...``).
    """
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": settings or settings_module(),
    }
    env.update(environ)
    env.pop("TEST_DATABASE_NAME", None)
    done = subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return done.stdout.decode()


def sqlite_database(path: Path, *, settings: str | None = None) -> str:
    """A fresh SQLite database file at ``path``, migrated and seeded for the demo; its URL.

    Seeded with the settings the server will run with: their password hasher must verify the
    seeded users' passwords.
    """
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    migrate_and_seed(url, settings=settings)
    return url


#: ``manage.py migrate --noinput -v0`` then ``manage.py seed_demo``, in one process.
MIGRATE_AND_SEED = """
import django
from django.core.management import call_command

django.setup()
call_command("migrate", interactive=False, verbosity=0)
call_command("seed_demo")
"""


def migrate_and_seed(database_url: str, *, settings: str | None = None) -> None:
    """Migrate the demo's database at ``database_url`` and seed it, as ``manage.py migrate``
    then ``manage.py seed_demo`` do, in one process: Django is set up once, not twice (most
    of a second)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": settings or settings_module(),
    }
    env.pop("TEST_DATABASE_NAME", None)
    subprocess.run(
        [sys.executable, "-c", MIGRATE_AND_SEED],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def token_of(database_url: str, username: str) -> str:
    """An ``Authorization`` value with the seeded user's DRF token.

    Basic credentials would cost a password hash (half a second) on every request.
    """
    query = "from rest_framework.authtoken.models import Token as T; "
    query += f"print(T.objects.get(user__username={username!r}).key)"
    # The last line: Django 5.2's shell first says what it imported.
    return f"Token {manage(database_url, 'shell', '-c', query).split()[-1]}"


#: The servers the demo's contract holds under: WSGI through gunicorn, ASGI through uvicorn.
SERVERS = ("gunicorn", "uvicorn")


@contextlib.contextmanager
def gunicorn(
    database_url: str,
    *args: str,
    settings: str | None = None,
    log: IO[str] | None = None,
    **env: str,
) -> Iterator[str]:
    """gunicorn serving the demo on a free local port; yields its base URL once it answers.

    ``args`` go to gunicorn (``--workers 4``); ``env`` to the server's environment. What the
    server logs (errors with their tracebacks) goes to ``log``, or is shown only if it fails
    to start.
    """
    with serve("gunicorn", database_url, *args, settings=settings, log=log, **env) as base:
        yield base


@contextlib.contextmanager
def serve(
    server: str,
    database_url: str,
    *args: str,
    settings: str | None = None,
    log: IO[str] | None = None,
    **env: str,
) -> Iterator[str]:
    """``server`` (gunicorn or uvicorn) serving the demo on a free port; yields its base URL.

    ``args`` go to the server; ``env`` to its environment. What the server logs goes to
    ``log`` (a file open for writing and reading); without one, it is shown only if the
    server fails to start. Several servers start faster together (``started()``).
    """
    with started(server, database_url, *args, settings=settings, log=log, **env) as starting:
        yield starting.ready()


class Starting:
    """A server started by ``started()``, which may not answer yet."""

    def __init__(
        self,
        server: str,
        base: str,
        process: subprocess.Popen[bytes],
        log: IO[str],
        database_url: str,
    ) -> None:
        self.server, self.base, self.process, self.log = server, base, process, log
        #: The database it serves.
        self.database_url = database_url

    def ready(self, timeout: float = 30) -> str:
        """Its base URL, once its health check answers 200 (within ``timeout`` seconds of
        now); it is killed, and its log raised, if it exits or does not answer by then."""
        # One client for every poll: a new one loads the certificate store, which plain HTTP
        # never uses (tens of milliseconds of CPU each, ten times a second). It keeps no
        # connection open to the server the tests then use.
        fresh = httpx.Limits(max_keepalive_connections=0)
        with httpx.Client(timeout=1, limits=fresh) as poll:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    if poll.get(f"{self.base}/api/health/").status_code == 200:
                        return self.base
                except httpx.TransportError:
                    pass
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.process.kill()
                    self.log.seek(0)
                    raise RuntimeError(f"{self.server} did not start:\n{self.log.read()[-4000:]}")
                time.sleep(0.1)


@contextlib.contextmanager
def started(
    server: str,
    database_url: str,
    *args: str,
    settings: str | None = None,
    log: IO[str] | None = None,
    application: str | None = None,
    **env: str,
) -> Iterator[Starting]:
    """``server`` started as ``serve()`` starts it, without waiting for it to answer: its
    ``ready()`` waits. Servers started one after the other, then waited for, boot together
    (each takes a second or more, most of it importing Django); stopped on exit.
    ``application`` is the server's argument naming what it serves; the demo's entry point
    for that server unless given.
    """
    port = free_port()
    environ = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": settings or settings_module(),
        "PYTHONPATH": str(ROOT),
        **env,
    }
    environ.pop("TEST_DATABASE_NAME", None)  # the server uses the database it is given
    if server == "gunicorn":
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
        command += ["--log-level", "warning", *args, application or "demo_project.wsgi:application"]
    elif server == "uvicorn":
        command = [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--log-level", "warning", *args, application or "demo_project.asgi:application"]
    else:
        raise ValueError(f"unknown server {server!r}; one of {SERVERS}")
    with contextlib.ExitStack() as stack:
        if log is None:
            log = stack.enter_context(tempfile.TemporaryFile("w+"))
        process = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=log, stderr=log)
        try:
            yield Starting(server, f"http://127.0.0.1:{port}", process, log, database_url)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
