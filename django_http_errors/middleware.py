"""The middleware every request passes first: its correlation id (in the problem, the log record
and the response), and a refusal of content that cannot be read, or not whole."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, UnreadablePostError
from django.http.request import RawPostDataException
from rest_framework.exceptions import ParseError

from .assembly import INCOMPLETE_DETAIL
from .conf import get_settings
from .exceptions import LengthRequired
from .http_names import CONTENT_LENGTH, TRANSFER_ENCODING, meta_key
from .responses import problem_response

__all__ = ["RequestIDFilter", "RequestIDMiddleware", "current_request_id"]

#: A client's id is echoed only when it is short and made of URL-safe characters.
_SANE_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")
_current_id: ContextVar[str | None] = ContextVar("django_http_errors_request_id", default=None)
_CONTENT_LENGTH_KEY = meta_key(CONTENT_LENGTH)
_TRANSFER_ENCODING_KEY = meta_key(TRANSFER_ENCODING)


def current_request_id() -> str | None:
    """The id of the request being handled in this thread or task, if any."""
    return _current_id.get()


def new_request_id() -> str:
    """A random UUID (version 4) as 32 hex digits, what ``uuid.uuid4().hex`` gives, without
    building a ``uuid.UUID`` (a fifth of the cost) on every request."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40  # the version, 4 (RFC 9562 §5.4)
    raw[8] = raw[8] & 0x3F | 0x80  # the variant, RFC 9562's (§4.1)
    return raw.hex()


def lacks_length(transfer_encoding: str | None, content_length: str | None) -> bool:
    """Whether the request has content that cannot be read without a length: ``LengthRequired``.

    Content sent with Transfer-Encoding (chunked) has no Content-Length (RFC 9112 §6.1). Django
    reads ``CONTENT_LENGTH`` bytes under WSGI and DRF parses nothing without it under any
    server, so either would take such content for none at all: a PATCH would succeed having
    changed nothing.
    """
    return transfer_encoding is not None and not content_length


def length_to_read_whole(content_length: str | None, content_type: str, limit: int | None) -> int:
    """How many bytes of content to read at once and check for completeness; 0: leave it be.

    A message whose content ends before its Content-Length is incomplete (RFC 9112 §6.3,
    §8). Content up to ``limit`` (``DATA_UPLOAD_MAX_MEMORY_SIZE``) is read whole, as
    Django's ASGI handler reads every request's; larger content and multipart uploads are
    left to the parsers, which stream them.
    """
    try:
        declared = int(content_length or 0)
    except ValueError:
        return 0
    if declared <= 0 or (limit is not None and declared > limit):
        return 0
    if content_type.startswith("multipart/"):
        return 0
    return declared


def read_whole_content(request: HttpRequest) -> None:
    """Read the request content now, whole: ``ParseError`` (400) if it ends early.

    Under WSGI the server hands over what arrived: a client that sends part of its content and
    closes gives gunicorn a short read, and a prefix of a form (``title=New+comple``) parses
    as a whole one. ``UnreadablePostError`` (the client reset the connection) goes up to
    be answered as the client's fault. Content a parser has read already is left to it.
    """
    declared = length_to_read_whole(
        request.META.get("CONTENT_LENGTH"),
        request.content_type or "",
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
    )
    if not declared:
        return
    try:
        body = request.body
    except RawPostDataException:
        return
    if len(body) < declared:
        raise ParseError(INCOMPLETE_DETAIL % {"received": len(body), "declared": declared})


class RequestIDMiddleware:
    """Give every request an id (the client's ``X-Request-ID`` when sane, a new UUID otherwise);
    answer 411 to content without a length before any view reads it as empty, and 400 to
    content that ends before its length (or whose connection broke) before any view reads it
    as whole.

    Sync and async: under ASGI it runs in the event loop, adding no thread hop to a request.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self.__acall__(request)
        request_id, refused = self._begin(request)
        if refused is not None:
            return self._end(refused, request_id)
        token = _current_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current_id.reset(token)
        return self._end(response, request_id)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        request_id, refused = self._begin(request)
        if refused is not None:
            return self._end(refused, request_id)
        token = _current_id.set(request_id)
        try:
            response = await self.get_response(request)
        finally:
            _current_id.reset(token)
        return self._end(response, request_id)

    def _begin(self, request: HttpRequest) -> tuple[str, HttpResponseBase | None]:
        """The request's id, and the 411 or 400 that answers content without a length, or
        shorter than its length.

        Its three headers are read from ``META``, where ``request.headers`` reads them, without
        building that mapping of every header for three of them.
        """
        meta = request.META
        given = meta.get(meta_key(get_settings().REQUEST_ID_HEADER), "")
        request_id = given if given and _SANE_ID.fullmatch(given) else new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        refusal: Exception | None = None
        if lacks_length(meta.get(_TRANSFER_ENCODING_KEY), meta.get(_CONTENT_LENGTH_KEY)):
            refusal = LengthRequired()
        else:
            try:
                read_whole_content(request)
            except (ParseError, UnreadablePostError) as exc:
                refusal = exc
        if refusal is None:
            return request_id, None
        token = _current_id.set(request_id)  # the problem carries it
        try:
            return request_id, problem_response(request, refusal)
        finally:
            _current_id.reset(token)

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
