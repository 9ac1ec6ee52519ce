"""The DRF exception handler: every error an API can raise as an RFC 9457 problem.

An adapter: ``assembly`` makes the problem; this answers it as DRF's handler would, rolls back
``ATOMIC_REQUESTS`` transactions and logs what operators must see.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import HttpRequest
from django.utils.log import log_response
from rest_framework import exceptions
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import set_rollback

from .assembly import (
    NOT_ACCEPTABLE,
    as_api_exception,
    build_problem,
    headers_without_content,
    unparseable,
)
from .check_ids import CHECK_IDS
from .compat import keeps_drf_members, with_drf_members
from .conf import get_settings
from .internals import django_request
from .media_types import problem_media_type
from .negotiation import prefers_problems_to_pages
from .problems import reason_phrase

__all__ = ["exception_handler"]

#: The media type of DRF's own bodies, which a view that keeps them answers.
JSON = "application/json"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer any exception with a problem details object and its right status.

    Every error marks the request's transaction for rollback, so no half-written change
    survives. An unexpected error is a generic 500, logged once with its traceback and signalled
    through ``got_request_exception``; a database or upstream failure (503, 502, 504) is logged
    once with its traceback too, so operators see outages that clients are told about.
    """
    warn_if_not_installed()
    request = context.get("request")
    api_exc = as_api_exception(exc)
    api_exc = unparseable(exc, request) or api_exc
    if api_exc is None and settings.DEBUG and get_settings().TECHNICAL_500_IN_DEBUG:
        return None
    problem, headers = build_problem(api_exc, request)
    # The view answers instead of raising, so Django's atomic wrapper would otherwise commit
    # the request's transaction (ATOMIC_REQUESTS); others belong to the caller.
    set_rollback()
    body = problem.as_dict()
    old_shape = keeps_drf_members(context.get("view"))
    if old_shape:
        body = with_drf_members(body, api_exc)
    response = Response(body, status=problem.status, headers=headers)
    if not _shows_browsable_api(request, context.get("view")):
        # Old clients read DRF's members from application/json; the others get the type
        # their Accept allows.
        media_type = (
            JSON
            if old_shape
            else problem_media_type(getattr(request, "META", {}).get("HTTP_ACCEPT"))
        )
        if media_type is None:
            response = Response(status=NOT_ACCEPTABLE, headers=headers_without_content(headers))
        else:
            _render_as(request, response, media_type)
    failed = problem.status >= 500 and not isinstance(exc, exceptions.APIException)
    if failed and request is not None:
        _report(exc, django_request(request), response, signal=api_exc is None)
    elif isinstance(exc, SuspiciousOperation):
        # Django logs these to django.security when they escape a view; here none escapes.
        logging.getLogger(f"django.security.{type(exc).__name__}").error(
            str(exc),
            exc_info=exc,
            extra={"status_code": problem.status, "request": django_request(request)},
        )
    return response


@functools.cache
def warn_if_not_installed() -> None:
    """Say once that the app is missing: its system checks never run, but E006, and that one
    only where the problem pages are routed."""
    if not apps.is_installed("django_http_errors"):
        not_installed = CHECK_IDS["W011"]
        logging.getLogger("django_http_errors").warning(
            "%s: %s", not_installed.id, not_installed.text()
        )


def _report(exc: Exception, request: HttpRequest, response: Response, *, signal: bool) -> None:
    # Django's own handler would log and signal an exception that escapes the view; this one
    # never escapes, so it does the same here, and marks the response so Django logs it once.
    if signal:
        got_request_exception.send(sender=None, request=request)
    log_response(
        "%s: %s",
        reason_phrase(response.status_code),
        request.path,
        response=response,
        request=request,
        exception=exc,
    )


def _shows_browsable_api(request: Any, view: Any) -> bool:
    """A person browsing the API keeps the browsable API's page, which shows the problem;
    not a client that weighs problems above HTML."""
    browsing = isinstance(getattr(request, "accepted_renderer", None), BrowsableAPIRenderer)
    return browsing and not prefers_problems_to_pages(request, view)


def _render_as(request: Any, response: Response, media_type: str) -> None:
    """Render the problem as JSON labelled ``media_type``, whatever the view's renderers
    (YAML for a schema, HTML templates for API docs), or before negotiation ran."""
    renderer = getattr(request, "accepted_renderer", None)
    if isinstance(request, Request) and not isinstance(renderer, JSONRenderer):
        # DRF's finalize_response renders with the request's renderer when it has one.
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = media_type
    response.content_type = media_type
