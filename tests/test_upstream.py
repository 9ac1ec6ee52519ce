"""HTTP client errors as 502 and 504 (RFC 9110 §15.6.3, §15.6.5)."""

from __future__ import annotations

import httpx
import pytest

from django_http_errors.exceptions import BadGateway, GatewayTimeout
from django_http_errors.upstream import upstream_exception

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
