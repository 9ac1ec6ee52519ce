"""Read your own writes: after a client's successful write, its reads go to the primary database.

A read replica is behind its primary by its replication lag, so a client that reads back what it
has just written may get the version before its change, or a 404 for what it has just created.
With ``READ_YOUR_WRITES`` set, ``ReadYourWritesMiddleware`` answers every successful write with a
cookie that lasts that many seconds, and marks the requests that carry it; a database router
asks ``reads_from_primary()`` and sends their reads to the primary. The library routes nothing
itself: which database is the primary is the router's to say.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, Final

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_vary_headers

from .conf import get_settings
from .http_names import UNSAFE_METHODS

__all__ = ["READ_YOUR_WRITES_COOKIE", "ReadYourWritesMiddleware", "reads_from_primary"]

#: The cookie a successful write is answered with; its value is signed with ``SECRET_KEY``.
READ_YOUR_WRITES_COOKIE: Final = "read_your_writes"
#: Keeps this cookie's signatures apart from every other use of ``SECRET_KEY``.
_SALT: Final = "django_http_errors.routing.read_your_writes"
#: What the cookie says: the client wrote; when is in its signature's timestamp.
_WROTE: Final = "wrote"

_reads_from_primary: ContextVar[bool] = ContextVar(
    "django_http_errors_reads_from_primary", default=False
)


def reads_from_primary() -> bool:
    """Whether the request handled in this thread or task reads from the primary database: its
    client wrote less than ``READ_YOUR_WRITES`` seconds ago. For a router's ``db_for_read``."""
    return _reads_from_primary.get()


def wrote_recently(request: HttpRequest) -> bool:
    """Whether the request carries the cookie of a write less than ``READ_YOUR_WRITES`` old.

    The cookie's age is read from its signature, not from its Max-Age: a client that keeps a
    cookie too long, or sends its value back by hand, reads from the primary no longer. It was
    signed by one server's clock and is judged by another's: ``CLOCK_SKEW`` is allowed for, and
    one second more, as the signature keeps the whole second only: a cookie signed at 12:00:00.9
    says 12:00:00, and looks 0.9 s older than it is.
    """
    settings = get_settings()
    if settings.READ_YOUR_WRITES <= 0 or READ_YOUR_WRITES_COOKIE not in request.COOKIES:
        return False
    value = request.get_signed_cookie(
        READ_YOUR_WRITES_COOKIE,
        default=None,
        salt=_SALT,
        max_age=settings.READ_YOUR_WRITES + settings.CLOCK_SKEW + 1,
    )
    return value == _WROTE


def remember_write(request: HttpRequest, response: HttpResponseBase) -> None:
    """Give a successful write's answer the cookie; make every other answer vary with it."""
    seconds = get_settings().READ_YOUR_WRITES
    if seconds <= 0:
        return
    if request.method in UNSAFE_METHODS:
        if 200 <= response.status_code < 300:
            response.set_signed_cookie(
                READ_YOUR_WRITES_COOKIE,
                _WROTE,
                salt=_SALT,
                max_age=seconds,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
    else:
        # The cookie decides which database answers: the primary's answer and the replica's
        # may differ, so no cache may give one for the other.
        patch_vary_headers(response, ("Cookie",))


class ReadYourWritesMiddleware:
    """After a 2xx to POST, PUT, PATCH or DELETE, that client's reads go to the primary for
    ``READ_YOUR_WRITES`` seconds: a signed cookie, read into ``reads_from_primary()``."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        # Django gives a sync chain's next step, or an async chain's coroutine function.
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self.__acall__(request)
        # Set for the whole request, authentication included; a context variable, so each
        # thread and each task has its own.
        token = _reads_from_primary.set(wrote_recently(request))
        try:
            response: HttpResponseBase = self.get_response(request)
        finally:
            _reads_from_primary.reset(token)
        remember_write(request, response)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        token = _reads_from_primary.set(wrote_recently(request))
        try:
            response: HttpResponseBase = await self.get_response(request)
        finally:
            _reads_from_primary.reset(token)
        remember_write(request, response)
        return response
