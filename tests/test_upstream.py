"""HTTP client errors as 502 and 504, and one total deadline for an upstream exchange."""

from __future__ import annotations

import sys
import time
import types
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from django_http_errors.exceptions import BadGateway, GatewayTimeout
from django_http_errors.upstream import (
    request_with_httpx,
    request_with_requests,
    upstream_exception,
)
from tests.index_server import SearchIndex

REQUEST = httpx.Request("POST", "http://index.invalid/")


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (httpx.ConnectError("refused", request=REQUEST), BadGateway),
        (httpx.RemoteProtocolError("garbage", request=REQUEST), BadGateway),
        (httpx.TooManyRedirects("loop", request=REQUEST), BadGateway),
        (
            httpx.HTTPStatusError(
                "500", request=REQUEST, response=httpx.Response(500, request=REQUEST)
            ),
            BadGateway,
        ),
        (httpx.ConnectTimeout("slow", request=REQUEST), GatewayTimeout),
        (httpx.ReadTimeout("slow", request=REQUEST), GatewayTimeout),
        (httpx.PoolTimeout("slow", request=REQUEST), GatewayTimeout),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None,
)
def test_httpx_errors(exc: Exception, expected: type) -> None:
    assert type(upstream_exception(exc)) is expected


def test_requests_errors() -> None:
    requests = pytest.importorskip("requests")
    assert type(upstream_exception(requests.ConnectionError("refused"))) is BadGateway
    assert type(upstream_exception(requests.HTTPError("500"))) is BadGateway
    assert type(upstream_exception(requests.ReadTimeout("slow"))) is GatewayTimeout
    assert type(upstream_exception(requests.ConnectTimeout("slow"))) is GatewayTimeout


def test_a_url_we_built_wrong_is_our_500_not_a_502() -> None:
    requests = pytest.importorskip("requests")
    assert upstream_exception(httpx.UnsupportedProtocol("ftp://x", request=REQUEST)) is None
    for mistake in ("MissingSchema", "InvalidSchema", "InvalidURL", "URLRequired"):
        assert upstream_exception(getattr(requests.exceptions, mistake)("x")) is None
    # Invalid JSON from the upstream is its failure, though requests makes it a ValueError too.
    assert type(upstream_exception(requests.exceptions.JSONDecodeError("x", "{", 0))) is BadGateway


@pytest.mark.parametrize("exc", [ValueError("x"), OSError("x"), RuntimeError("x")])
def test_other_errors_are_not_upstream_failures(exc: Exception) -> None:
    assert upstream_exception(exc) is None


def test_an_error_imports_no_http_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a process that has not imported httpx (the demo's until it calls its index), an
    unexpected error does not wait for its import; once imported, its errors are known."""
    monkeypatch.delitem(sys.modules, "httpx")
    assert upstream_exception(ValueError("x")) is None
    assert "httpx" not in sys.modules
    monkeypatch.undo()
    assert type(upstream_exception(httpx.ConnectError("refused"))) is BadGateway


def test_a_client_still_being_imported_is_passed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """While another thread imports httpx, sys.modules holds it before its classes exist: an
    error meanwhile is mapped by the other clients, not lost to an AttributeError."""
    requests = pytest.importorskip("requests")
    monkeypatch.setitem(sys.modules, "httpx", types.ModuleType("httpx"))
    assert upstream_exception(ValueError("x")) is None
    assert type(upstream_exception(requests.ConnectionError("refused"))) is BadGateway


# One total deadline over a real local index (tests/index_server.py).

DEADLINE = 0.5
try:
    import requests

    CLIENT_ERRORS: tuple[type[Exception], ...] = (httpx.HTTPError, requests.RequestException)
except ImportError:
    CLIENT_ERRORS = (httpx.HTTPError,)
#: What a deadline may overrun by: thread wake-ups and a loaded CI machine.
SLACK = 0.4


def _post_with(client: str, timeout: float = DEADLINE) -> Callable[[str], Any]:
    helper = {"httpx": request_with_httpx, "requests": request_with_requests}[client]
    if client == "requests":
        pytest.importorskip("requests")
    return lambda url: helper("POST", url, timeout=timeout, json={"id": 1})


@pytest.fixture(params=["httpx", "requests"])
def post(request: pytest.FixtureRequest) -> Callable[[str], Any]:
    """POST ``{"id": 1}`` with the deadline helper of each client."""
    return _post_with(request.param)


@pytest.mark.timed
@pytest.mark.parametrize("mode", ["stall", "late", "trickle"])
def test_an_index_that_does_not_finish_in_time_is_504_at_the_deadline(
    post: Callable[[str], Any], mode: str
) -> None:
    with SearchIndex(mode, delay=DEADLINE * 4) as index:
        started = time.monotonic()
        with pytest.raises(GatewayTimeout):
            post(index.url)
        elapsed = time.monotonic() - started
    assert DEADLINE * 0.9 <= elapsed < DEADLINE + SLACK, elapsed


@pytest.mark.timed
def test_an_answer_that_ends_in_time_is_returned_in_full(post: Callable[[str], Any]) -> None:
    with SearchIndex("slow", delay=DEADLINE / 4) as index:
        response = post(index.url)
    assert response.status_code == 201
    assert response.json()["indexed"] is True


@pytest.mark.timed
def test_a_connection_closed_mid_answer_is_502_at_once(post: Callable[[str], Any]) -> None:
    with SearchIndex("close") as index:
        started = time.monotonic()
        with pytest.raises(CLIENT_ERRORS) as raised:
            post(index.url)
    assert type(upstream_exception(raised.value)) is BadGateway, raised.value
    assert time.monotonic() - started < DEADLINE


@pytest.mark.timed
def test_a_refused_connection_is_502_at_once(post: Callable[[str], Any]) -> None:
    with SearchIndex() as index:
        url = index.url
    started = time.monotonic()
    with pytest.raises(CLIENT_ERRORS) as raised:
        post(url)
    assert type(upstream_exception(raised.value)) is BadGateway, raised.value
    assert time.monotonic() - started < DEADLINE


@pytest.mark.parametrize("client", ["httpx", "requests"])
def test_an_error_status_is_returned_for_the_caller_to_judge(client: str) -> None:
    # Not timed: the deadline is far off, or a loaded machine (this test runs at nice 19 in
    # make test) could pass it before the index's thread answers, and the answer would be 504.
    post = _post_with(client, timeout=30)
    with SearchIndex("fail") as index:
        response = post(index.url)
    assert response.status_code == 500
