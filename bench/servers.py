"""Real servers for the load, fault and contract runs: scratch databases, two servers, a proxy."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test"
#: The documented production command's worker options (README, docs/upstream.md): a thread
#: per request, so a slow client or a slow upstream holds one thread, never a process.
PRODUCTION_SERVER = ("--worker-class", "gthread", "--workers", "4", "--threads", "8")


def postgres_url(run: str) -> str:
    """``DATABASE_URL`` (default: the machine's ``test`` database); exits unless PostgreSQL."""
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith("postgres"):
        sys.exit(f"the {run} run needs PostgreSQL: set DATABASE_URL=postgres://...")
    return url


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
def scratch_database(server_url: str, name: str) -> Iterator[str]:
    """A fresh PostgreSQL database, migrated and seeded, dropped afterwards; yields its URL."""
    import psycopg

    admin = with_database(server_url, "postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = with_database(server_url, name)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    try:
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(database_url: str, *command: str, settings: str = "tests.settings") -> str:
    """Run a management command of the demo on ``database_url``; what it printed.

    With the test settings: their password hasher makes seeding fast (the servers started
    here authenticate with tokens).
    """
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": settings}
    env.pop("TEST_DATABASE_NAME", None)
    done = subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return done.stdout.decode()


def sqlite_database(path: Path, *, settings: str = "tests.settings") -> str:
    """A fresh SQLite database file at ``path``, migrated and seeded for the demo; its URL.

    Seeded with the settings the server will run with: their password hasher must verify the
    seeded users' passwords.
    """
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    manage(url, "migrate", "--noinput", "-v0", settings=settings)
    manage(url, "seed_demo", settings=settings)
    return url


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
    database_url: str, *args: str, settings: str = "bench.settings", **env: str
) -> Iterator[str]:
    """gunicorn serving the demo on a free local port; yields its base URL once it answers.

    ``args`` go to gunicorn (``--workers 4``); ``env`` to the server's environment. What the
    server logs (errors with their tracebacks) is shown only if it fails to start.
    """
    with serve("gunicorn", database_url, *args, settings=settings, **env) as base:
        yield base


@contextlib.contextmanager
def serve(
    server: str, database_url: str, *args: str, settings: str = "bench.settings", **env: str
) -> Iterator[str]:
    """``server`` (gunicorn or uvicorn) serving the demo on a free port; yields its base URL.

    ``args`` go to the server; ``env`` to its environment. What the server logs is shown only
    if it fails to start.
    """
    port = free_port()
    environ = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": settings,
        "PYTHONPATH": str(ROOT),
        **env,
    }
    environ.pop("TEST_DATABASE_NAME", None)  # the server uses the database it is given
    if server == "gunicorn":
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
        command += ["--log-level", "warning", *args, "demo_project.wsgi:application"]
    elif server == "uvicorn":
        command = [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--log-level", "warning", *args, "demo_project.asgi:application"]
    else:
        raise ValueError(f"unknown server {server!r}; one of {SERVERS}")
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"{base}/api/health/", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    log.seek(0)
                    raise RuntimeError(f"{server} did not start:\n{log.read()[-4000:]}")
                time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class TcpProxy:
    """A loopback TCP proxy that can be cut and restored: a database that goes away for real."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        """Accept connections and relay them to the target."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        """Refuse new connections and reset the open ones, as a stopped server would."""
        if self._listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would not, and
            # the socket would go on accepting.
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            for conn in self._connections:
                with contextlib.suppress(OSError):
                    conn.close()
            self._connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.close()
