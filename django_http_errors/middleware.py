"""The middleware every request passes first: its correlation id (in the problem, the log record
and the response), and a refusal of content that cannot be read."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Final

from django.http import HttpRequest, HttpResponseBase

from .conf import get_settings
from .exceptions import LengthRequired
from .views import problem_response

TRANSFER_ENCODING: Final = "Transfer-Encoding"
CONTENT_LENGTH: Final = "Content-Length"

#: A client's id is echoed only when it is short and made of URL-safe characters.
_SANE_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")
_current_id: ContextVar[str | None] = ContextVar("django_http_errors_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being handled in this thread or task, if any."""
    return _current_id.get()


def lacks_length(transfer_encoding: str | None, content_length: str | None) -> bool:
    """Whether the request has content that cannot be read without a length: ``LengthRequired``.

    Content sent with Transfer-Encoding (chunked) has no Content-Length (RFC 9112 §6.1). Django
    reads ``CONTENT_LENGTH`` bytes under WSGI and DRF parses nothing without it under any
    server, so either would take such content for none at all: a PATCH would succeed having
    changed nothing.
    """
    return transfer_encoding is not None and not content_length


class RequestIDMiddleware:
    """Give every request an id (the client's ``X-Request-ID`` when sane, a new UUID otherwise);
    answer 411 to content without a length before any view reads it as empty."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        header = get_settings().REQUEST_ID_HEADER
        given = request.headers.get(header, "")
        request_id = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current_id.set(request_id)
        try:
            if lacks_length(
                request.headers.get(TRANSFER_ENCODING), request.headers.get(CONTENT_LENGTH)
            ):
                response: HttpResponseBase = problem_response(request, LengthRequired())
            else:
                response = self.get_response(request)
        finally:
            _current_id.reset(token)
        response[header] = request_id
        return response


class RequestIDFilter(logging.Filter):
    """Add ``request_id`` to every log record (``-`` outside a request), for formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a 4xx after the middleware chain has returned, when the context variable
        # is reset; such records carry the request itself.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or _current_id.get() or "-"
        return True
