"""Races over real server processes (gunicorn, 4 workers): no update is ever lost.

Each test serves the demo from gunicorn on a free local port against a committed database, the
suite's own: PostgreSQL when ``DATABASE_URL`` names it, else a SQLite file. 32 clients race
with one ``If-Match``; 8 clients read, modify and write back 5 times each, with Basic and Token
credentials; meanwhile a reader measures latency, and in a second run a client trickles a
request body all along. The compare-and-swap itself is proven at the SQL level
(tests/test_writes.py) and by 32 racers in every order (tests/test_codebases.py): these rounds
prove it holds across server processes, and 5 each make 40 contended wins per run.
"""

from __future__ import annotations

import collections
import io
import os
import socket
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.authtoken.models import Token

from demo_project.servers import gunicorn
from tests import plain_http
from tests.conftest import basic, token_in

CLIENTS = 32
WRITERS, ROUNDS = 8, 5
# The test views (a plain DRF viewset to compare with) are served beside the demo's.
SETTINGS = "tests.settings"

pytestmark = [pytest.mark.slow, pytest.mark.timed, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class Served:
    """The demo under gunicorn: its URL, and credentials of alice (Basic and Token)."""

    base_url: str
    basic: dict[str, str]
    token: dict[str, str]

    def path_of(self, title: str) -> str:
        """The detail path of the seeded article with this title."""
        listed = plain_http.get(f"{self.base_url}/api/articles/", headers=self.token).json()
        return f"/api/articles/{next(a['id'] for a in listed['results'] if a['title'] == title)}/"


def database_for_servers(directory: Path, fresh_sqlite: Callable[..., str]) -> str:
    """The database a module's servers share, committed: the suite's own on PostgreSQL (each
    test seeds it again with ``alice_token()``: a transactional test empties it after), else a
    SQLite file in ``directory``, a copy of the run's seeded with these settings; its URL."""
    if connection.vendor == "postgresql":
        url = urlsplit(os.environ["DATABASE_URL"])
        return url._replace(path=f"/{connection.settings_dict['NAME']}").geturl()
    return fresh_sqlite(directory / "race.sqlite3", settings=SETTINGS)


def alice_token(database_url: str) -> str:
    """alice's token in the servers' database, seeding the suite's PostgreSQL one first."""
    if connection.vendor == "postgresql":
        call_command("seed_demo", stdout=io.StringIO())
        return Token.objects.get(user__username="alice").key
    return token_in(database_url, "alice").removeprefix("Token ")


def served_as_alice(base_url: str, token: str) -> Served:
    """What a test of a served demo needs: its URL and alice's credentials."""
    return Served(
        base_url,
        basic={"Authorization": basic("alice", "alice-password")},
        token={"Authorization": f"Token {token}"},
    )


@contextmanager
def served(tmp_path: Path, fresh_sqlite: Callable[..., str]) -> Iterator[Served]:
    """gunicorn with 4 workers on the suite's database, PostgreSQL or a SQLite file, seeded."""
    database_url = database_for_servers(tmp_path, fresh_sqlite)
    token = alice_token(database_url)
    with gunicorn(database_url, "--workers", "4", "--preload", settings=SETTINGS) as base_url:
        yield served_as_alice(base_url, token)


def servers_database(name: str) -> Any:
    """A module's ``database_url`` fixture: ``database_for_servers`` in a directory ``name``."""

    @pytest.fixture(scope="module")
    def database_url(
        tmp_path_factory: pytest.TempPathFactory,
        fresh_sqlite: Callable[..., str],
        django_db_setup: None,
    ) -> str:
        return database_for_servers(tmp_path_factory.mktemp(name), fresh_sqlite)

    return database_url


database_url = servers_database("race")


@pytest.fixture(scope="module")
def gunicorn_url(database_url: str) -> Iterator[str]:
    """One gunicorn with 4 workers for the module: the race and its control share it."""
    with gunicorn(database_url, "--workers", "4", "--preload", settings=SETTINGS) as base_url:
        yield base_url


@pytest.fixture
def demo(database_url: str, gunicorn_url: str) -> Served:
    return served_as_alice(gunicorn_url, alice_token(database_url))


def one_if_match(
    base_url: str, path: str, headers: dict[str, str], if_match: str | None = None
) -> collections.Counter[int]:
    """32 clients write ``path`` at the same moment, all with one If-Match: the ETag they read."""
    if if_match is None:
        if_match = plain_http.get(base_url + path, headers=headers).headers["ETag"]

    statuses: collections.Counter[int] = collections.Counter()
    lock = threading.Lock()
    together = threading.Barrier(CLIENTS)

    def client(number: int) -> None:
        with plain_http.client(base_url=base_url, headers=headers, timeout=30) as http:
            together.wait()
            content = {"title": f"client {number}", "body": f"by client {number}"}
            method = http.put if number % 2 else http.patch
            status = method(path, json=content, headers={"If-Match": if_match}).status_code
            with lock:
                statuses[status] += 1

    _run([Client(target=client, args=(n,)) for n in range(CLIENTS)])
    return statuses


@dataclass
class Rounds:
    """What the read-modify-write clients and the reader saw."""

    statuses: collections.Counter[int]
    won: list[str]  # the If-Match of every write that succeeded
    markers: list[str]  # what every write that succeeded appended
    read_ms: list[float]
    write_ms: list[float]


def read_modify_write(served: Served, path: str) -> Rounds:
    """8 clients x 5 rounds: GET, append a marker, write back with If-Match until it wins."""
    rounds = Rounds(collections.Counter(), [], [], [], [])
    lock = threading.Lock()
    done = threading.Event()

    def writer(number: int) -> None:
        credentials = served.basic if number % 2 else served.token
        with plain_http.client(base_url=served.base_url, headers=credentials, timeout=30) as http:
            for round_ in range(ROUNDS):
                marker = f"[{number}.{round_}]"
                while True:
                    current = http.get(path)
                    body = current.json()["body"] + marker
                    started = time.monotonic()
                    response = http.patch(
                        path, json={"body": body}, headers={"If-Match": current.headers["ETag"]}
                    )
                    with lock:
                        rounds.write_ms.append((time.monotonic() - started) * 1000)
                        rounds.statuses[response.status_code] += 1
                        if response.status_code == 200:
                            rounds.won.append(current.headers["ETag"])
                            rounds.markers.append(marker)
                    if response.status_code != 412:
                        break

    def reader() -> None:
        with plain_http.client(base_url=served.base_url, timeout=30) as http:
            while not done.is_set():
                started = time.monotonic()
                assert http.get(path).status_code == 200
                rounds.read_ms.append((time.monotonic() - started) * 1000)
                time.sleep(0.01)

    reading = threading.Thread(target=reader)
    reading.start()
    try:
        _run([Client(target=writer, args=(n,)) for n in range(WRITERS)])
    finally:
        done.set()
        reading.join()
    return rounds


@contextmanager
def trickling_body(base_url: str, path: str, headers: dict[str, str]) -> Iterator[list[bytes]]:
    """A client that sends a PATCH's headers, then its body a byte at a time, all along.

    Its If-Match is current when it starts, so the server must read the body to answer.
    """
    stop = threading.Event()
    if_match = plain_http.get(base_url + path, headers=headers).headers["ETag"]
    body = b'{"body": "' + b"x" * 80 + b'"}'
    host, port = urlsplit(base_url).netloc.split(":")
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())

    def trickle() -> None:
        with socket.create_connection((host, int(port))) as sock:
            sock.sendall(
                f"PATCH {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                f"If-Match: {if_match}\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode()
            )
            sent = 0
            while not stop.is_set() and sent < len(body) - 1:
                sock.sendall(body[sent : sent + 1])
                sent += 1
                stop.wait(0.1)
            sock.sendall(body[sent:])
            answers.append(sock.recv(65536))

    answers: list[bytes] = []
    thread = threading.Thread(target=trickle)
    thread.start()
    try:
        yield answers
    finally:
        stop.set()
        thread.join()


def _run(threads: list[threading.Thread]) -> None:
    """Start the threads and wait for them; a client that failed fails the test."""
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(not thread.failed for thread in threads if isinstance(thread, Client))


class Client(threading.Thread):
    """A client thread that remembers whether it raised."""

    failed = False

    def run(self) -> None:
        try:
            super().run()
        except BaseException:
            self.failed = True
            raise


def p99(samples: list[float]) -> float:
    """The 99th percentile of the samples."""
    return statistics.quantiles(samples, n=100)[98]


def assert_no_update_lost(rounds: Rounds, first_version: int, final: dict[str, Any]) -> None:
    """One 200 per version, every other write 412, no 5xx, every winner's marker kept."""
    assert set(rounds.statuses) <= {200, 412}, rounds.statuses
    assert rounds.statuses[200] == WRITERS * ROUNDS
    assert len(set(rounds.won)) == len(rounds.won), "two writes won with the same If-Match"
    kept = [marker for marker in rounds.markers if marker in final["body"]]
    assert kept == rounds.markers, "an update was lost"
    assert final["version"] == first_version + WRITERS * ROUNDS


def test_one_if_match_has_one_winner_and_read_modify_write_loses_nothing(demo: Served) -> None:
    vendor = connection.vendor
    path = demo.path_of("Hello from alice")
    raced = one_if_match(demo.base_url, path, demo.token)
    versions = [plain_http.get(demo.base_url + path).json()]
    quiet = read_modify_write(demo, path)
    versions.append(plain_http.get(demo.base_url + path).json())
    with trickling_body(demo.base_url, path, demo.basic) as trickler:
        trickled = read_modify_write(demo, path)
    versions.append(plain_http.get(demo.base_url + path).json())

    assert raced == {200: 1, 412: CLIENTS - 1}, raced
    assert_no_update_lost(quiet, versions[0]["version"], versions[1])
    assert_no_update_lost(trickled, versions[1]["version"], versions[2])
    # The trickling client's write passed its If-Match, then was overtaken while it trickled.
    assert trickler[0].startswith(b"HTTP/1.1 412"), trickler
    print(
        f"\n{vendor}: one If-Match x {CLIENTS}: {dict(raced)}; read-modify-write "
        f"{WRITERS}x{ROUNDS}: {dict(quiet.statuses)} quietly, {dict(trickled.statuses)} with a "
        f"body trickling; reads p99 {p99(quiet.read_ms):.1f} ms quietly, "
        f"{p99(trickled.read_ms):.1f} ms trickling; writes p99 {p99(quiet.write_ms):.1f} ms, "
        f"{p99(trickled.write_ms):.1f} ms"
    )
    # A lock held while the body trickles would stall every write for the whole run.
    assert p99(trickled.write_ms) < 2000
    assert p99(trickled.read_ms) < 2000


def test_plain_drf_loses_updates_that_the_mixin_keeps(demo: Served) -> None:
    """The control: plain DRF ignores If-Match, so every one of the 32 writes wins."""
    listed = plain_http.get(f"{demo.base_url}/api/articles/").json()["results"]
    pk = next(a["id"] for a in listed if a["title"] == "Bob's notes")
    # Plain DRF sends no ETag and reads no If-Match: any value is the same to it.
    raced = one_if_match(
        demo.base_url, f"/test/conditional/plain-articles/{pk}/", {}, if_match='"read"'
    )
    assert raced == {200: CLIENTS}
