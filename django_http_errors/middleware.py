"""Correlation ids: one per request, in the problem, the log record and the response."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponseBase

from .conf import get_settings

#: A client's id is echoed only when it is short and made of URL-safe characters.
_SANE_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")
_current_id: ContextVar[str | None] = ContextVar("django_http_errors_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being handled in this thread or task, if any."""
    return _current_id.get()


class RequestIDMiddleware:
    """Give every request an id: the client's ``X-Request-ID`` when sane, a new UUID otherwise."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        header = get_settings().REQUEST_ID_HEADER
        given = request.headers.get(header, "")
        request_id = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current_id.set(request_id)
        try:
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
