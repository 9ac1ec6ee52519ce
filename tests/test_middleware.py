"""Correlation ids over real requests (in the response header, the problem and the log record),
content without a length refused with 411 (over a real server in test_demo_middleware.py), and
content that ends early refused with 400 (over real servers in test_demo_cut_bodies.py)."""

from __future__ import annotations

import asyncio
import io
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponse
from django.test import (
    AsyncClient,
    AsyncRequestFactory,
    Client,
    RequestFactory,
    override_settings,
)
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from django_http_errors.http_names import meta_key
from django_http_errors.middleware import (
    RequestIDFilter,
    RequestIDMiddleware,
    current_request_id,
    lacks_length,
    length_to_read_whole,
)
from tests.conftest import problem
from tests.testapp.models import Label

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
    # A random UUID's 32 hex digits (docs/settings.md), as uuid.uuid4().hex gives them.
    assert len(generated) == 32
    assert uuid.UUID(hex=generated).version == 4
    assert uuid.UUID(hex=generated).variant == uuid.RFC_4122
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


@pytest.mark.parametrize(
    "header", ["X-Request-ID", "Transfer-Encoding", "Content-Length", "Idempotency-Key"]
)
def test_the_headers_read_from_meta_are_those_request_headers_reads(header: str) -> None:
    # The middleware and the idempotency mixin read these from META, where request.headers
    # reads them: the same value, under WSGI and ASGI alike.
    factory, async_factory = RequestFactory(), AsyncRequestFactory()
    for request in (
        factory.post("/", b"1234567", content_type="text/plain", headers={header: "7"}),
        async_factory.post("/", b"1234567", content_type="text/plain", headers={header: "7"}),
    ):
        assert request.META[meta_key(header)] == request.headers[header]
        assert request.headers[header].startswith("7")


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


# Content that ends before its length (RFC 9112 §6.3), or whose connection broke


@pytest.mark.parametrize(
    ("content_length", "content_type", "limit", "expected"),
    [
        ("530", "application/x-www-form-urlencoded", 2_621_440, 530),
        ("12", "application/json", None, 12),  # no limit: every length is read whole
        (None, "application/json", 2_621_440, 0),  # no content
        ("0", "application/json", 2_621_440, 0),
        ("-5", "application/json", 2_621_440, 0),
        ("12x", "application/json", 2_621_440, 0),  # not a length: Django reads none
        ("2621441", "application/json", 2_621_440, 0),  # over the limit: the parser streams it
        ("530", "multipart/form-data; boundary=x", 2_621_440, 0),  # an upload: streamed
    ],
)
def test_length_to_read_whole(
    content_length: str | None, content_type: str, limit: int | None, expected: int
) -> None:
    assert length_to_read_whole(content_length, content_type, limit) == expected


class _Reset(io.RawIOBase):
    """A WSGI input whose client reset the connection after ``sent`` bytes."""

    def __init__(self, sent: bytes) -> None:
        self.sent = sent

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.sent:
            size = min(len(buffer), len(self.sent))
            buffer[:size], self.sent = self.sent[:size], self.sent[size:]
            return size
        raise ConnectionResetError(104, "Connection reset by peer")


def _post_label(
    content: bytes,
    declared: int,
    stream: Any = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> Any:
    """POST to a plain DRF view (no mixin) that saves what it parses."""
    return Client().generic(
        "POST",
        "/test/labels/",
        content,
        content_type=content_type,
        CONTENT_LENGTH=str(declared),
        **{"wsgi.input": stream or io.BytesIO(content)},
    )


def test_content_shorter_than_its_length_is_400_and_nothing_is_saved() -> None:
    response = _post_label(b"name=New+comple", 530)
    body = problem(response)
    assert (response.status_code, body["code"]) == (400, "parse_error")
    assert "after 15 of the 530 bytes" in body["detail"]
    assert not Label.objects.exists()


def test_content_of_its_length_is_read_as_usual() -> None:
    response = _post_label(b"name=Whole", 10)
    assert response.status_code == 201
    assert Label.objects.get().name == "Whole"


def test_a_connection_reset_mid_content_is_400_logged_as_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = _post_label(b"name=Res", 530, io.BufferedReader(_Reset(b"name=Res")))
    assert (response.status_code, problem(response)["code"]) == (400, "parse_error")
    assert not Label.objects.exists()
    assert [r.levelname for r in caplog.records if r.name.startswith("django")] == ["WARNING"]


def test_a_connection_reset_while_a_parser_streams_an_upload_is_400_not_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Multipart content is left to the parser, which streams it: the reset reaches the view.
    content = encode_multipart(BOUNDARY, {"name": "Streamed"})
    with caplog.at_level(logging.DEBUG):
        response = _post_label(
            content,
            len(content),
            io.BufferedReader(_Reset(content[:40])),
            content_type=MULTIPART_CONTENT,
        )
    assert (response.status_code, problem(response)["code"]) == (400, "parse_error")
    assert [r.levelname for r in caplog.records if r.name.startswith("django")] == ["WARNING"]


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
