"""A migration mode for required preconditions: blind writes still go through, each reported.

With ``precondition_required = "report"`` (or ``PRECONDITION_REQUIRED = "report"``) a PUT, PATCH
or DELETE that carries neither ``If-Match`` nor ``If-Unmodified-Since`` is done as before, but
logged (a WARNING on the ``django_http_errors.blind_writes`` logger, naming the client and the
view) and answered with a ``Precondition-Missing`` header naming the fields to send. When a
view's log is quiet, its requirement can be turned on (``True``: 428) without breaking a client.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import MutableMapping
from typing import Any, Final, Literal

from django_http_errors.conf import get_settings
from django_http_errors.http_names import PRECONDITION_MISSING
from django_http_errors.internals import django_request as django_request_of

from .preconditions import guarding_headers

__all__ = [
    "LOGGER_NAME",
    "PRECONDITION_MISSING",
    "REPORT",
    "Requirement",
    "report_blind_write",
    "requirement",
]

#: The value of ``precondition_required`` that lets blind writes through, reported.
REPORT: Final = "report"
#: Whether a write must be conditional: ``True`` (428 without), ``False``, or ``"report"``.
Requirement = bool | Literal["report"]
#: The logger of reported blind writes.
LOGGER_NAME: Final = "django_http_errors.blind_writes"

logger = logging.getLogger(LOGGER_NAME)


def requirement(given: Requirement | None) -> Requirement:
    """A view's ``precondition_required``; ``None``: the ``PRECONDITION_REQUIRED`` setting."""
    return get_settings().PRECONDITION_REQUIRED if given is None else given


def report_blind_write(request: Any, view: Any, headers: MutableMapping[str, str]) -> None:
    """Log a write that carried no precondition, with who sent it and the view (a view instance,
    or a view function) it went to, and mark its answer (``headers``: the view's response
    headers) with ``Precondition-Missing``."""
    django_request = django_request_of(request)
    user: Any = getattr(request, "user", None)
    who = user.get_username() if getattr(user, "is_authenticated", False) else "anonymous"
    named = view if inspect.isroutine(view) else type(view)  # a function view, or a class's
    view_name = f"{named.__module__}.{named.__qualname__}"
    client = django_request.META.get("REMOTE_ADDR", "")
    agent = django_request.META.get("HTTP_USER_AGENT", "")
    logger.warning(
        "Blind write: %s %s by %s (%s, %s) in %s carried neither If-Match nor "
        "If-Unmodified-Since; it will be 428 once the view requires preconditions.",
        django_request.method,
        django_request.path,
        who,
        client,
        agent or "no User-Agent",
        view_name,
        extra={
            "request": django_request,
            "user": who,
            "client": client,
            "user_agent": agent,
            "view": view_name,
        },
    )
    # Not ``Warning``: RFC 9111 §5.5 obsoletes it, and caches drop it.
    headers[PRECONDITION_MISSING] = ", ".join(guarding_headers())
