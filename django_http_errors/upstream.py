"""Upstream HTTP services (httpx, requests, when installed): their failures as 502 or 504, and
calls bounded by one total deadline."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from rest_framework.exceptions import APIException

from .exceptions import BadGateway, GatewayTimeout
from .internals import watch_connections

if TYPE_CHECKING:
    import httpx

__all__ = ["request_with_httpx", "request_with_requests", "upstream_exception"]

#: The HTTP clients we know: module, its timeout error, its other failures (its base error),
#: and the errors of ours that its base error also covers (a URL or header we built wrong is
#: a bug here, a 500, not a failure of the upstream). httpx's HTTPError covers transport
#: errors, too many redirects and raise_for_status().
_CLIENTS = (
    ("httpx", "TimeoutException", "HTTPError", ("UnsupportedProtocol",)),
    (
        "requests.exceptions",
        "Timeout",
        "RequestException",
        ("URLRequired", "MissingSchema", "InvalidSchema", "InvalidURL", "InvalidHeader"),
    ),
)


def _error_classes() -> tuple[tuple[type[BaseException], ...], ...]:
    """(timeouts, other failures, our own mistakes) of the HTTP clients imported so far: no code
    can raise an error of a client that nothing has imported, and importing one here would make
    a process's first unexpected error wait for it."""
    timeouts: list[type[BaseException]] = []
    failures: list[type[BaseException]] = []
    mistakes: list[type[BaseException]] = []
    for name, timeout, failure, ours in _CLIENTS:
        # A module another thread is still importing is in sys.modules before its classes are
        # defined; none of its errors can have been raised yet.
        module = sys.modules.get(name)
        found: list[type[BaseException]] = [
            getattr(module, n) for n in (timeout, failure, *ours) if hasattr(module, n)
        ]
        if len(found) < 2 + len(ours):
            continue
        timeouts.append(found[0])
        failures.append(found[1])
        mistakes.extend(found[2:])
    return tuple(timeouts), tuple(failures), tuple(mistakes)


def upstream_exception(exc: BaseException) -> APIException | None:
    """504 when the upstream did not answer in time (``GatewayTimeout``), 502 when it refused
    or answered with an error (``BadGateway``); ``None`` for anything else."""
    timeouts, failures, mistakes = _error_classes()
    if isinstance(exc, mistakes):
        return None
    if isinstance(exc, timeouts):
        return GatewayTimeout()
    if isinstance(exc, failures):
        return BadGateway()
    return None


class _Deadline:
    """One instant by which a whole exchange ends: connect, send and every read.

    A client's timeouts bound each operation, so an upstream that sends a byte now and then
    (headers included) never trips them. At the instant, a timer shuts down every socket the
    exchange opened, which wakes a read blocked in any phase.
    """

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.passed = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._pass)
        self._timer.daemon = True

    def remaining(self) -> float:
        """Seconds left, at least a little: a client reads 0 as "no limit"."""
        return max(self.at - time.monotonic(), 0.001)

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down at the deadline (now, if it has passed)."""
        with self._lock:
            self._sockets.append(sock)
            if not self.passed:
                return
        _shut_down(sock)

    def check(self) -> None:
        """Raise 504 if the deadline has passed, even though a response came back.

        A connection shut down after a complete status line looks to a lenient parser
        (http.client) like an answer that ended there: that answer was cut, not given.
        """
        if self.passed:
            raise GatewayTimeout()

    @contextlib.contextmanager
    def bounding(self, errors: type[Exception], timeouts: type[Exception]) -> Iterator[None]:
        """The exchange inside: a client error past the deadline, or a client timeout, is 504;
        so is an answer that came back after it (see ``check``)."""
        try:
            yield
        except errors as exc:
            if self.passed or isinstance(exc, timeouts):
                raise GatewayTimeout() from exc
            raise
        self.check()

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()

    def _pass(self) -> None:
        with self._lock:
            self.passed = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut_down(sock)


def _shut_down(sock: socket.socket) -> None:
    # shutdown() wakes a thread blocked in recv() on the socket; close() would not.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def request_with_httpx(method: str, url: str, *, timeout: float, **kwargs: Any) -> httpx.Response:
    """One httpx exchange that ends within ``timeout`` seconds in all, or raises 504.

    ``kwargs`` go to ``httpx.Client.request`` (``json``, ``content``, ``headers``, ``auth``).
    The exchange has a connection of its own, so the deadline can cut it wherever it is. The
    response is read in full; its status is not checked (``raise_for_status()`` makes an
    error status a 502). A refused or broken connection raises httpx's own error (502).
    Name resolution is bounded by the system resolver only.
    """
    import httpx

    with _Deadline(timeout) as deadline:

        def trace(event: str, info: dict[str, Any]) -> None:
            # httpcore's documented "trace" extension hands over each new connection.
            if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
                sock = info["return_value"].get_extra_info("socket")
                if isinstance(sock, socket.socket):
                    deadline.watch(sock)

        with (
            deadline.bounding(httpx.HTTPError, httpx.TimeoutException),
            httpx.Client(timeout=deadline.remaining()) as client,
        ):
            return client.request(method, url, extensions={"trace": trace}, **kwargs)


def request_with_requests(method: str, url: str, *, timeout: float, **kwargs: Any) -> Any:
    """One requests exchange that ends within ``timeout`` seconds in all, or raises 504.

    ``kwargs`` go to ``requests.Session.request`` (``json``, ``data``, ``headers``, ``auth``);
    the rest is as for :func:`request_with_httpx`. Returns a ``requests.Response``, read in
    full.
    """
    import requests

    with _Deadline(timeout) as deadline, requests.Session() as session:
        adapter = _deadline_adapter(deadline)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        with deadline.bounding(requests.RequestException, requests.Timeout):
            remaining = deadline.remaining()
            return session.request(method, url, timeout=(remaining, remaining), **kwargs)


def _deadline_adapter(deadline: _Deadline) -> Any:
    """A requests adapter whose connections are watched by ``deadline``, and never retried."""
    from requests.adapters import HTTPAdapter

    class DeadlineAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            watch_connections(self.poolmanager, deadline.watch)

    return DeadlineAdapter(max_retries=0)
