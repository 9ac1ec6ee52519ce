"""Content that ends before its Content-Length is never acted on, on gunicorn and uvicorn.

A raw socket sends the headers with ``Content-Length: N``, fewer than N bytes, and closes its
write side (or resets the connection). RFC 9112 §6.3: such a message is incomplete. gunicorn
hands Django what arrived (a short read), which ``RequestIDMiddleware`` refuses with a 400
problem; uvicorn tells Django the client left, and Django answers nothing. Either way the
database is as it was, and the client's full retry with the same Idempotency-Key is done
once (201), not refused as a key reused for other content (422). A client that resets the
connection mid-body is its own fault: nothing is logged as an error.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sqlite3
import struct
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from demo_project.servers import DOCUMENTED_ARGS, SERVERS, Starting, started
from tests.conftest import token_in

pytestmark = [pytest.mark.slow, pytest.mark.timed, pytest.mark.own_database]

ARTICLES = "/api/articles/"
#: What each server answers a cut-short body: gunicorn's short read is Django's 400; uvicorn
#: tells Django the client is gone, and no answer is sent.
ANSWERS = {"gunicorn": 400, "uvicorn": None}
#: What each server logs of a reset mid-body: gunicorn's Django refuses what it read, a client
#: fault (Django logs a 4xx at WARNING); uvicorn's is told the client left, and logs nothing.
RESET_LOGGED = {"gunicorn": "WARNING", "uvicorn": None}
#: How long a server may take to read what was sent before the client resets the connection.
SETTLE = 0.5


@dataclass
class Served:
    """The demo on one server: its URL, database file, alice's credentials and its log."""

    server: str
    base: str
    database: Path
    token: str
    log: Path

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """What the database itself holds, not what the API shows."""
        with contextlib.closing(sqlite3.connect(self.database)) as db:
            return db.execute(sql, params).fetchall()

    def logged(self) -> str:
        return self.log.read_text()


@pytest.fixture(scope="module")
def booting(
    tmp_path_factory: pytest.TempPathFactory, fresh_sqlite: Callable[[Path], str]
) -> Iterator[dict[str, tuple[Starting, Path]]]:
    """Both servers, each on a database and a log of its own, started together so that they
    boot at the same time; each ``served`` waits for its own. Each with its database file."""
    with ExitStack() as stack:
        starting = {}
        for server in SERVERS:
            directory = tmp_path_factory.mktemp(f"cut-{server}")
            url = fresh_sqlite(directory / "demo.sqlite3")
            # Appended to by the server, read by the test through a file of its own.
            log = stack.enter_context((directory / "server.log").open("a+"))
            one = stack.enter_context(started(server, url, *DOCUMENTED_ARGS[server], log=log))
            starting[server] = (one, directory / "demo.sqlite3")
        # On exit, all are told to stop before any is waited for.
        for one, _ in starting.values():
            stack.callback(one.process.terminate)
        yield starting


@pytest.fixture(scope="module", params=SERVERS)
def served(request: pytest.FixtureRequest, booting: dict[str, tuple[Starting, Path]]) -> Served:
    server = request.param
    starting, database = booting[server]
    return Served(
        server,
        starting.ready(),
        database,
        token_in(starting.database_url, "alice"),
        Path(starting.log.name),
    )


def _head(served: Served, method: str, path: str, length: int, **headers: str) -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {urlsplit(served.base).netloc}",
        f"Authorization: {served.token}",
        *(f"{name.replace('_', '-')}: {value}" for name, value in headers.items()),
        f"Content-Length: {length}",
        "Connection: close",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _connect(served: Served) -> socket.socket:
    parts = urlsplit(served.base)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def send_cut(served: Served, head: bytes, part: bytes) -> int | None:
    """Send ``head`` and ``part`` of the content, close the write side; the status, if any."""
    with _connect(served) as sock:
        sock.sendall(head + part)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        with contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                answer += chunk
    if not answer:
        return None
    status_line = answer.split(b"\r\n", 1)[0]
    if int(status_line.split()[1]) >= 400:
        headers = answer.split(b"\r\n\r\n", 1)[0]
        assert b"Content-Type: application/problem+json" in headers, answer
    return int(status_line.split()[1])


def send_reset(served: Served, head: bytes, part: bytes) -> None:
    """Send ``head`` and ``part`` of the content, then reset the connection (TCP RST)."""
    sock = _connect(served)
    sock.sendall(head + part)
    time.sleep(SETTLE)  # the server is reading the content when the reset comes
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def new_article(served: Served, title: str) -> tuple[int, str]:
    """Alice creates an article; its id and ETag."""
    created = httpx.post(
        f"{served.base}{ARTICLES}", json={"title": title}, headers={"Authorization": served.token}
    )
    assert created.status_code == 201, created.text
    return created.json()["id"], created.headers["ETag"]


def test_a_cut_short_patch_changes_nothing(served: Served) -> None:
    pk, etag = new_article(served, "Before the cut")
    content = b"title=New+complete+title&body=" + b"x" * 500
    head = _head(
        served,
        "PATCH",
        f"{ARTICLES}{pk}/",
        len(content),
        If_Match=etag,
        Content_Type="application/x-www-form-urlencoded",
    )
    # 16 bytes, "title=New+comple": a form on its own.
    assert send_cut(served, head, content[:16]) == ANSWERS[served.server]
    assert served.rows("SELECT title, body, version FROM articles_article WHERE id = ?", pk) == [
        ("Before the cut", "", 1)
    ]


def test_a_cut_short_keyed_create_writes_nothing_and_its_retry_is_done(served: Served) -> None:
    key = f'"{uuid.uuid4()}"'
    title = f"Quarterly {uuid.uuid4().hex[:8]}"
    content = json.dumps({"title": title, "body": "y" * 600}).encode()
    head = _head(
        served, "POST", ARTICLES, len(content), Idempotency_Key=key, Content_Type="application/json"
    )
    assert send_cut(served, head, content[:12]) == ANSWERS[served.server]
    like = f"{title[:5]}%"
    assert served.rows("SELECT id FROM articles_article WHERE title LIKE ?", like) == []

    retried = httpx.post(
        f"{served.base}{ARTICLES}",
        content=content,
        headers={
            "Authorization": served.token,
            "Idempotency-Key": key,
            "Content-Type": "application/json",
        },
    )
    assert retried.status_code == 201, retried.text
    assert "Idempotent-Replayed" not in retried.headers
    assert served.rows("SELECT title FROM articles_article WHERE title LIKE ?", like) == [(title,)]


@pytest.mark.parametrize("keyed", [False, True], ids=["patch", "keyed-create"])
def test_a_reset_mid_body_is_no_server_error(served: Served, keyed: bool) -> None:
    pk, etag = new_article(served, "Before the reset")
    content = json.dumps({"title": "Reset", "body": "z" * 5000}).encode()
    if keyed:
        head = _head(
            served,
            "POST",
            ARTICLES,
            len(content),
            Idempotency_Key=f'"{uuid.uuid4()}"',
            Content_Type="application/json",
        )
    else:
        head = _head(
            served,
            "PATCH",
            f"{ARTICLES}{pk}/",
            len(content),
            If_Match=etag,
            Content_Type="application/json",
        )
    logged_before = len(served.logged())
    send_reset(served, head, content[:100])
    # The server still answers, and has had the time to log what it would.
    assert httpx.get(f"{served.base}/api/health/").status_code == 200
    expected = RESET_LOGGED[served.server]
    # A server that logs the reset may do so late on a loaded machine: wait for its line.
    deadline = time.monotonic() + (10 if expected else SETTLE)
    while True:
        logged = served.logged()[logged_before:]
        if time.monotonic() >= deadline or (expected and "Bad Request" in logged):
            break
        time.sleep(0.05)
    if expected:
        # Whatever else the reset makes it log comes as soon as its line: read it all.
        time.sleep(SETTLE)
        logged = served.logged()[logged_before:]

    for sign in ("ERROR", "Traceback", "Internal Server Error", "UnreadablePostError"):
        assert sign not in logged, logged
    if expected is None:
        assert logged == ""
    else:
        assert f"{expected} " in logged
        assert "Bad Request" in logged
    assert served.rows("SELECT id FROM articles_article WHERE title = 'Reset'") == []
    assert served.rows("SELECT version FROM articles_article WHERE id = ?", pk) == [(1,)]
