"""The middleware every request passes first: its correlation id (in the problem, the log record
and the response), and a refusal of content that cannot be read."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, Final

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
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
    answer 411 to content without a length before any view reads it as empty.

    Sync and async: under ASGI it runs in the event loop, adding no thread hop to a request.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if iscoroutinefunction(self):
            return self.__acall__(request)
        request_id, refused = self._begin(request)
        token = _current_id.set(request_id)
        try:
            response = refused or self.get_response(request)
        finally:
            _current_id.reset(token)
        return self._end(response, request_id)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        request_id, refused = self._begin(request)
        token = _current_id.set(request_id)
        try:
            response = refused or await self.get_response(request)
        finally:
            _current_id.reset(token)
        return self._end(response, request_id)

    def _begin(self, request: HttpRequest) -> tuple[str, HttpResponseBase | None]:
        """The request's id, and the 411 that answers content without a length."""
        given = request.headers.get(get_settings().REQUEST_ID_HEADER, "")
        request_id = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        refused = None
        if lacks_length(
            request.headers.get(TRANSFER_ENCODING), request.headers.get(CONTENT_LENGTH)
        ):
            token = _current_id.set(request_id)
            try:
                refused = problem_response(request, LengthRequired())
            finally:
                _current_id.reset(token)
        return request_id, refused

    def _end(self, response: HttpResponseBase, request_id: str) -> HttpResponseBase:
        response[get_settings().REQUEST_ID_HEADER] = request_id
        return response


class RequestIDFilter(logging.Filter):
    """Add ``request_id`` to every log record (``-`` outside a request), for formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a 4xx after the middleware chain has returned, when the context variable
        # is reset; such records carry the request itself.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or _current_id.get() or "-"
        return True
