"""Problem bodies where no DRF view answers (Django's error handlers), and the type pages."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import override
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import MethodNotAllowed, ParseError
from rest_framework.views import set_rollback

from .accept import preferred_media_type
from .assembly import BAD_REQUEST_DETAIL, message_of, problem_type_uri
from .catalog import problem_types
from .conf import get_settings
from .http_names import ACCEPT, ALLOW, CONTENT_LANGUAGE, READ_METHODS
from .languages import in_language, localized_reason_phrase, problem_language
from .problems import PROBLEM_JSON
from .responses import problem_response

__all__ = [
    "answers_problems",
    "bad_request",
    "page_not_found",
    "permission_denied",
    "problem_catalog",
    "problem_response",
    "problem_type",
    "server_error",
]

HTML = "text/html"


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler400``: a 400 problem, e.g. for a ``SuspiciousOperation`` (RFC 9110 §15.5.1)."""
    return _answer(
        request,
        lambda: defaults.bad_request(request, exception or SuspiciousOperation()),
        lambda: problem_response(
            request, ParseError(code="bad_request", detail=BAD_REQUEST_DETAIL)
        ),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler403``: a 403 problem keeping the exception's message (RFC 9110 §15.5.4)."""
    return _answer(
        request,
        lambda: defaults.permission_denied(request, exception or PermissionDenied()),
        lambda: problem_response(request, PermissionDenied(*_args(exception))),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler404``: an unknown URL is a 404 problem like any other (RFC 9110 §15.5.5).

    The exception's message is left out: outside DRF, Django's own views put internals in it
    (``django.views.static.serve`` names the file's path on the server), and Django's docs
    keep these messages for debugging.
    """
    return _answer(
        request,
        lambda: defaults.page_not_found(request, exception or Http404()),
        lambda: problem_response(request, Http404()),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: the DRF handler's mapping for an error that escaped every view.

    A database that cannot be reached fails here rather than in the view: ``ATOMIC_REQUESTS``
    connects before the view runs, so this answers 503 (``ServiceUnavailable``) for it, and 500 with
    a generic body for anything unknown. Django has already logged the error with its traceback
    and sent ``got_request_exception``; this only answers.
    """
    set_rollback()
    exc = sys.exc_info()[1]
    return _answer(
        request,
        lambda: defaults.server_error(request),
        lambda: problem_response(request, exc if isinstance(exc, Exception) else None),
    )


def _answer(
    request: HttpRequest, page: Callable[[], HttpResponse], problem: Callable[[], HttpResponse]
) -> HttpResponse:
    """The site's own error page (Django's handler: its template, ``404.html``...) where the
    request is no API's, else the problem.

    Outside ``PROBLEM_PATHS`` the page answers. Under them a client that prefers ``text/html``
    to a problem (a browser) gets the page too, and the answer varies with ``Accept`` (RFC 9110
    §12.5.5).
    """
    if not answers_problems(request.path_info):
        return page()
    wants_page = preferred_media_type(request.headers.get(ACCEPT), _NEGOTIATED) == HTML
    response = page() if wants_page else problem()
    patch_vary_headers(response, [ACCEPT])
    return response


def answers_problems(path: str) -> bool:
    """Whether Django's error handlers answer problems on ``path`` (``PROBLEM_PATHS``)."""
    prefixes = get_settings().PROBLEM_PATHS
    return prefixes is None or path.startswith(tuple(prefixes))


#: What the error handlers can answer, the first of equals preferred: a problem.
_NEGOTIATED = (PROBLEM_JSON, "application/json", HTML)


def _page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page that only GET and HEAD read: any other method is a 405 problem with ``Allow``
    (RFC 9110 §15.5.6), before CSRF protection could answer with Django's HTML page."""

    @csrf_exempt
    @functools.wraps(view)
    def page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in READ_METHODS:
            response = problem_response(request, MethodNotAllowed(request.method or ""))
            response[ALLOW] = ", ".join(sorted(READ_METHODS))
            return response
        return view(request, *args, **kwargs)

    return page


@_page
def problem_type(request: HttpRequest, slug: str) -> HttpResponse:
    """The human-readable page that a problem's ``type`` URI resolves to (RFC 9457 §3.1.1)."""
    found = [p for p in problem_types().values() if p.slug == slug]
    if not found:
        raise Http404(slug)
    problem = found[0]
    type_uri = problem_type_uri(slug, request) or request.build_absolute_uri()
    language = problem_language(request)
    example = {
        "type": type_uri,
        "title": in_language(problem.title, language),
        "status": problem.status,
        "detail": "…",
        "code": problem.code,
    }
    context = {
        "problem": problem,
        "reason": localized_reason_phrase(problem.status),
        "type_uri": type_uri,
        "example": json.dumps(example, ensure_ascii=False, indent=2),
    }
    return _localized_page(request, "django_http_errors/problem_type.html", context, language)


@_page
def problem_catalog(request: HttpRequest) -> HttpResponse:
    """The list of every problem type this API can answer with, by status."""
    problems = sorted(problem_types().values(), key=lambda p: p.status)
    language = problem_language(request)
    return _localized_page(
        request, "django_http_errors/catalog.html", {"problems": problems}, language
    )


def _localized_page(
    request: HttpRequest, template: str, context: dict[str, Any], language: str
) -> HttpResponse:
    """A page rendered wholly in ``language``, which its ``lang`` and ``Content-Language`` name
    (RFC 9110 §8.5), as a problem is."""
    with override(language):
        response = render(request, template, {**context, "language": language})
    response[CONTENT_LANGUAGE] = language
    return response


def _args(exception: Exception | None) -> tuple[Any, ...]:
    message = message_of(exception) if exception is not None else None
    return () if message is None else (message,)
