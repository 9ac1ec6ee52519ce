"""A search index on a real local socket that misbehaves on demand, for the upstream tests.

It keeps the documents it receives (``POST /documents/`` with ``{"id": ...}``) and forgets
them on ``DELETE /documents/{id}/``, which always answers at once. How it answers a POST
after storing (or not) is its ``mode``:

- ``ok``: 201 at once;  ``slow``: 201 after ``delay`` seconds, or once ``release()``d;
- ``fail``: stores, then 500;  ``stall``: stores nothing and never answers;
- ``late``: stores, then answers 201 after ``delay`` seconds, or once ``release()``d;
- ``trickle``: stores, sends its status line, then the rest of its answer a byte at a time;
- ``close``: stores, then closes the connection in the middle of the status line.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from typing import Any

TRICKLE_INTERVAL = 0.05


class SearchIndex:
    """The index, listening on a free loopback port until ``close()``."""

    def __init__(self, mode: str = "ok", delay: float = 0.0) -> None:
        self.mode = mode
        self.delay = delay
        self.documents: dict[int, dict[str, Any]] = {}
        self.log: list[tuple[str, int]] = []
        #: The client's (host, port) of each document's last POST: which process sent it.
        self.senders: dict[int, tuple[str, int]] = {}
        self._lock = threading.Lock()
        #: Notified on each release() and on close(), under ``_lock``.
        self._changed = threading.Condition(self._lock)
        self._releases = 0
        self._closed = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/documents/"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        """Stop listening and end every answer in progress."""
        self._closed.set()
        with self._changed:
            self._changed.notify_all()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()

    def release(self) -> None:
        """Answer every POST that ``slow`` or ``late`` holds now at once, rather than after
        ``delay``: for a test that has seen what it waited for while the index held it. POSTs
        received afterwards are held as before."""
        with self._changed:
            self._releases += 1
            self._changed.notify_all()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def requests(self, method: str) -> list[int]:
        """The ids of the requests received with ``method``, in order."""
        with self._lock:
            return [pk for m, pk in self.log if m == method]

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                conn, sender = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn, sender), daemon=True).start()

    def _serve(self, conn: socket.socket, sender: tuple[str, int]) -> None:
        with conn, contextlib.suppress(OSError, ValueError):
            reader = conn.makefile("rb")
            method, path, _ = reader.readline().decode().split(" ", 2)
            length = 0
            while (line := reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            content = reader.read(length)
            if method == "DELETE":
                pk = int(path.rstrip("/").rsplit("/", 1)[1])
                with self._lock:
                    self.log.append(("DELETE", pk))
                    self.documents.pop(pk, None)
                conn.sendall(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
                return
            document = json.loads(content)
            with self._lock:
                # Released by the release() calls after the test can see it in the log.
                releases = self._releases
                self.log.append((method, document["id"]))
                self.senders[document["id"]] = sender
                if self.mode != "stall":
                    self.documents[document["id"]] = document
            self._answer(conn, releases)

    def _answer(self, conn: socket.socket, releases: int) -> None:
        body = b'{"indexed": true, "padding": "%s"}' % (b"." * 300)
        answer = (
            b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
        )
        if self.mode == "ok":
            conn.sendall(answer)
        elif self.mode in ("slow", "late"):
            with self._changed:
                self._changed.wait_for(
                    lambda: self._releases > releases or self._closed.is_set(), self.delay
                )
            if not self._closed.is_set():
                conn.sendall(answer)
        elif self.mode == "fail":
            conn.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n")
        elif self.mode == "stall":
            self._closed.wait()
        elif self.mode == "trickle":
            # The status line at once: a lenient client must not take the cut for the end.
            status_line, rest = answer.split(b"\r\n", 1)
            conn.sendall(status_line + b"\r\n")
            for byte in rest:
                if self._closed.wait(TRICKLE_INTERVAL):
                    return
                conn.sendall(bytes([byte]))
        elif self.mode == "close":
            conn.sendall(b"HTTP/1.1 2")
        else:
            raise ValueError(self.mode)
