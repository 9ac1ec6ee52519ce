"""Slow clients of the served demo: tricklers, slow headers, publications waiting on a silent
index, a timer.

Shared by the demo's test of its documented server (tests/test_demo_slow_clients.py) and the
benchmark that compares server commands (bench/slow_clients.py).
"""

from __future__ import annotations

import contextlib
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

#: How many slow clients (or waiting publications) at once.
SLOW = 4
TRICKLE_INTERVAL = 0.2
SAMPLES = 30
#: A request slower than this counts as stalled.
CLIENT_TIMEOUT = 2.0
#: Connections that send their headers one byte at a time, and how often.
SLOW_HEADERS = 40
HEADER_INTERVAL = 0.5


@dataclass
class Latency:
    """Other requests' latency under one condition on one server."""

    server: str
    condition: str
    p50_ms: float | None
    max_ms: float | None
    stalled: int
    samples: int


def sample(base: str, condition: str, server: str, samples: int = SAMPLES) -> Latency:
    """Time ``samples`` sequential list requests; a timeout counts as stalled.

    Each on a connection of its own, as other clients' requests come: a connection kept alive
    stays with the process that accepted it, and would hide a process that every slow client
    holds.
    """
    times: list[float] = []
    stalled = 0
    fresh = httpx.Limits(max_keepalive_connections=0)
    with httpx.Client(base_url=base, timeout=CLIENT_TIMEOUT, limits=fresh) as http:
        for _ in range(samples):
            started = time.perf_counter()
            try:
                http.get("/api/articles/").raise_for_status()
            except httpx.TimeoutException:
                stalled += 1
                continue
            times.append((time.perf_counter() - started) * 1000)
    return Latency(
        server,
        condition,
        round(statistics.median(times), 1) if times else None,
        round(max(times), 1) if times else None,
        stalled,
        samples,
    )


def _trickle(base: str, request: bytes, stop: threading.Event) -> None:
    """Send ``request`` a byte at a time until it is sent or ``stop`` is set."""
    parts = urlsplit(base)
    with (
        contextlib.suppress(OSError),
        socket.create_connection((parts.hostname, parts.port or 80), timeout=30) as sock,
    ):
        for byte in request:
            sock.sendall(bytes([byte]))
            if stop.wait(TRICKLE_INTERVAL):
                return


@contextlib.contextmanager
def tricklers(base: str, authorization: str) -> Iterator[None]:
    """4 clients trickling: 2 their headers, 2 a 10 kB body, a byte every 0.2 s."""
    headers = b"GET /api/health/ HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + b"." * 10_000
    # Authenticated, so that the view goes on to read the body rather than answer 401 first.
    body = (
        b"POST /api/articles/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b"Authorization: %s\r\nContent-Length: 10013\r\n\r\n"
        % authorization.encode()
        + b'{"title": "'
        + b"." * 10_000
        + b'"}'
    )
    stop = threading.Event()
    threads = [
        threading.Thread(target=_trickle, args=(base, request, stop), daemon=True)
        for request in [headers, headers, body, body][:SLOW]
    ]
    for thread in threads:
        thread.start()
    time.sleep(1)  # each has sent its first bytes and holds what serves it
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join()


@contextlib.contextmanager
def slow_headers(base: str, count: int = SLOW_HEADERS) -> Iterator[None]:
    """``count`` connections each sending a request's headers a byte every 0.5 s, never done.

    As an attacker would, a connection the server closes is opened again and starts over. One
    thread drives them all: the client side costs nothing a server's would.
    """
    parts = urlsplit(base)
    address = (parts.hostname or "127.0.0.1", parts.port or 80)
    request = b"GET /api/health/ HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + b"." * 10_000
    stop = threading.Event()

    def drive() -> None:
        connections: list[tuple[socket.socket | None, int]] = [(None, 0)] * count
        while not stop.is_set():
            for number, (sock, sent) in enumerate(connections):
                try:
                    if sock is None:
                        sock, sent = socket.create_connection(address, timeout=5), 0
                    sock.sendall(request[sent : sent + 1])
                    connections[number] = (sock, sent + 1)
                except OSError:
                    if sock is not None:
                        sock.close()
                    connections[number] = (None, 0)
            stop.wait(HEADER_INTERVAL)
        for sock, _ in connections:
            if sock is not None:
                sock.close()

    driver = threading.Thread(target=drive, daemon=True)
    driver.start()
    time.sleep(2)  # each has sent its first bytes and holds what serves it
    try:
        yield
    finally:
        stop.set()
        driver.join()


@contextlib.contextmanager
def silent_index() -> Iterator[str]:
    """A search index that takes connections and never answers; yields its URL."""
    with socket.create_server(("127.0.0.1", 0), backlog=64) as listener:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/documents/"


@contextlib.contextmanager
def waiting_publications(base: str, authorization: str) -> Iterator[None]:
    """4 publications in flight, each waiting for the silent index."""
    with httpx.Client(base_url=base, headers={"Authorization": authorization}, timeout=30) as http:
        paths = []
        for number in range(SLOW):
            created = http.post("/api/articles/", json={"title": f"slow {number}"})
            paths.append(f"/api/articles/{created.json()['id']}/publish/")
        threads = [threading.Thread(target=http.post, args=(path,)) for path in paths]
        for thread in threads:
            thread.start()
        time.sleep(1)
        try:
            yield
        finally:
            for thread in threads:
                thread.join()
