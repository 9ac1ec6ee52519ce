"""Correlation ids over real requests (in the response header, the problem and the log record),
and content without a length refused with 411 (over a real server in test_demo_middleware.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponse
from django.test import AsyncClient, Client, RequestFactory, override_settings

from django_http_errors.middleware import (
    RequestIDFilter,
    RequestIDMiddleware,
    current_request_id,
    lacks_length,
)
from tests.conftest import problem

pytestmark = pytest.mark.django_db


@contextmanager
def filtered(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Pass captured records through the filter, as a configured log handler would.

    Called inside the test: pytest captures each test phase with its own handler.
    """
    request_ids = RequestIDFilter()
    caplog.handler.addFilter(request_ids)
    try:
        with caplog.at_level(logging.WARNING, logger="django.request"):
            yield
    finally:
        caplog.handler.removeFilter(request_ids)


@pytest.mark.parametrize(
    "given", ["abc-123", "5f0c0c3f-bb6d-4c5e-9a4d-2f0e1b7a9c11", "trace:1/2+3=4.x_y", "a" * 128]
)
def test_a_sane_client_id_is_echoed(given: str) -> None:
    response = Client().get("/test/no-such-thing/", HTTP_X_REQUEST_ID=given)
    assert response["X-Request-ID"] == given
    assert problem(response)["request_id"] == given


@pytest.mark.parametrize(
    "given", ["", "a" * 129, "two words", "line\nbreak", "tab\there", "<script>", "é"]
)
def test_an_insane_client_id_is_replaced(given: str) -> None:
    response = Client().get("/test/no-such-thing/", HTTP_X_REQUEST_ID=given)
    generated = response["X-Request-ID"]
    assert generated != given
    assert len(generated) == 32
    assert int(generated, 16) >= 0
    assert problem(response)["request_id"] == generated


def test_every_request_gets_its_own_generated_id() -> None:
    client = Client()
    ids = {client.get("/test/no-such-thing/")["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


def test_the_id_is_on_successful_responses_too() -> None:
    response = Client().get("/test/perm/open/", HTTP_X_REQUEST_ID="ok-1")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "ok-1"


def test_the_header_name_is_a_setting() -> None:
    with override_settings(HTTP_ERRORS={"REQUEST_ID_HEADER": "X-Correlation-ID"}):
        response = Client().get("/test/no-such-thing/", HTTP_X_CORRELATION_ID="corr-9")
    assert response["X-Correlation-ID"] == "corr-9"
    assert problem(response)["request_id"] == "corr-9"


def test_a_4xx_log_record_carries_the_id(caplog: pytest.LogCaptureFixture) -> None:
    # Django logs a 4xx after the middleware chain has returned: the id comes from the request.
    with filtered(caplog):
        Client().get("/test/no-such-thing/", HTTP_X_REQUEST_ID="log-404")
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.request_id == "log-404"  # type: ignore[attr-defined]


def test_a_500_log_record_carries_the_id(caplog: pytest.LogCaptureFixture) -> None:
    with filtered(caplog):
        response = Client(raise_request_exception=False).get(
            "/test/boom/", HTTP_X_REQUEST_ID="log-500"
        )
    assert problem(response)["request_id"] == "log-500"
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.request_id == "log-500"  # type: ignore[attr-defined]


def test_outside_a_request_the_id_is_a_dash() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "message", None, None)
    assert RequestIDFilter().filter(record)
    assert record.request_id == "-"  # type: ignore[attr-defined]
    assert current_request_id() is None


# Content without a length (RFC 9110 §15.5.12)


@pytest.mark.parametrize(
    ("transfer_encoding", "content_length", "expected"),
    [
        ("chunked", None, True),
        ("gzip, chunked", None, True),
        ("chunked", "", True),
        (None, None, False),  # no content at all
        (None, "0", False),
        (None, "12", False),
    ],
)
def test_lacks_length(
    transfer_encoding: str | None, content_length: str | None, expected: bool
) -> None:
    assert lacks_length(transfer_encoding, content_length) is expected


# Under ASGI the middleware runs in the event loop


def test_the_middleware_is_async_where_the_chain_is() -> None:
    async def inner(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    def sync_inner(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    assert iscoroutinefunction(RequestIDMiddleware(inner))
    assert not iscoroutinefunction(RequestIDMiddleware(sync_inner))


def test_an_async_request_gets_its_id_in_the_handler_and_the_answer() -> None:
    seen: list[str | None] = []

    async def inner(request: HttpRequest) -> HttpResponse:
        seen.append(current_request_id())
        return HttpResponse()

    request = RequestFactory().get("/", headers={"X-Request-ID": "abc-123"})
    response = asyncio.run(RequestIDMiddleware(inner)(request))
    assert seen == ["abc-123"]
    assert response["X-Request-ID"] == "abc-123"
    assert current_request_id() is None


def test_an_asgi_request_carries_its_id_into_the_problem() -> None:
    response = asyncio.run(
        AsyncClient().get("/test/raise/http404/", headers={"X-Request-ID": "async-1"})
    )
    assert response["X-Request-ID"] == "async-1"
    assert problem(response)["request_id"] == "async-1"
