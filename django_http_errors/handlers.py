"""The DRF exception handler: every error an API can raise as an RFC 9457 problem."""

from __future__ import annotations

import functools
import logging
import math
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception, setting_changed
from django.db import (
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connections,
)
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.log import log_response
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings

from .challenges import (
    WWW_AUTHENTICATE,
    bearer_error,
    challenge_header,
    scheme_of,
    view_challenges,
)
from .conf import get_settings
from .exceptions import (
    Conflict,
    ContentTooLarge,
    IdempotencyKeyRequired,
    InsufficientScope,
    PreconditionFailed,
    PreconditionRequired,
    ServiceUnavailable,
)
from .pointers import iter_errors
from .problems import ABOUT_BLANK, CATALOG, PROBLEM_JSON, Problem, StrOrPromise, reason_phrase
from .upstream import upstream_exception

#: The id of the warning logged when the handler runs without the app installed.
NOT_INSTALLED_ID = "django_http_errors.W011"
RETRY_AFTER = "Retry-After"
CSRF_PREFIX = "CSRF Failed"
TYPE_URL_NAME = "django_http_errors:problem-type"

SERVER_ERROR_DETAIL = _("The server met an unexpected condition. It has been logged.")
INVALID_DETAIL = _("The request content is invalid: each error is listed in errors.")
REFERENCED_DETAIL = _("The resource is referenced by other resources and cannot be deleted.")
BAD_REQUEST_DETAIL = _("The request could not be understood.")
TOO_DEEP_DETAIL = _("The request content is nested too deeply to be parsed.")
UNPARSEABLE_DETAIL = _(
    "The request content is not well-formed %(media_type)s. Check its syntax and its encoding "
    "(the charset of its Content-Type, UTF-8 by default) and send it again."
)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer any exception with a problem and its right status (RFC 9457 §3, RFC 9110 §15).

    Every error marks the request's transaction for rollback, so no half-written change
    survives. An unexpected error is a generic 500, logged once with its traceback and signalled
    through ``got_request_exception``; a database or upstream failure (503, 502, 504) is logged
    once with its traceback too, so operators see outages that clients are told about.
    """
    warn_if_not_installed()
    request = context.get("request")
    api_exc = as_api_exception(exc)
    if isinstance(exc, exceptions.ParseError) and _raised_in(exc, BaseParser):
        # A parser's message quotes Python's own exception text (codecs, digit limits,
        # multipart boundaries): nothing a client can act on.
        media_type = getattr(request, "content_type", "") or ""
        api_exc = exceptions.ParseError(
            UNPARSEABLE_DETAIL % {"media_type": media_type.split(";")[0].strip() or "?"}
        )
    if api_exc is None and settings.DEBUG and get_settings().TECHNICAL_500_IN_DEBUG:
        return None
    problem, headers = build_problem(api_exc, request)
    rollback_open_transactions()
    response = Response(problem.as_dict(), status=problem.status, headers=headers)
    if _renders_problem_json(request):
        response.content_type = PROBLEM_JSON
    failed = problem.status >= 500 and not isinstance(exc, exceptions.APIException)
    if failed and request is not None:
        _report(exc, getattr(request, "_request", request), response, signal=api_exc is None)
    elif isinstance(exc, SuspiciousOperation):
        # Django logs these to django.security when they escape a view; here none escapes.
        logging.getLogger(f"django.security.{type(exc).__name__}").error(
            str(exc),
            exc_info=exc,
            extra={"status_code": problem.status, "request": getattr(request, "_request", request)},
        )
    return response


@functools.cache
def warn_if_not_installed() -> None:
    """Say once that the app is missing: its system checks, which would say so, never run."""
    if not apps.is_installed("django_http_errors"):
        logging.getLogger("django_http_errors").warning(
            "%s: the exception handler is configured but 'django_http_errors' is not in "
            "INSTALLED_APPS: its system checks do not run and its problem type pages, "
            "templates and translations are missing. Add it to INSTALLED_APPS.",
            NOT_INSTALLED_ID,
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


def as_api_exception(exc: Exception) -> exceptions.APIException | None:
    """The DRF exception that says what happened to the client; ``None`` for a plain 500."""
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, Http404):
        return exceptions.NotFound(message_of(exc))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(message_of(exc))
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, (ProtectedError, RestrictedError)):
        return Conflict(REFERENCED_DETAIL)
    if isinstance(exc, IntegrityError):
        return Conflict()
    if isinstance(exc, (OperationalError, InterfaceError)):
        return ServiceUnavailable(retry_after=get_settings().DATABASE_RETRY_AFTER)
    if isinstance(exc, (DataError, ValueError)) and _raised_in(exc, BaseAuthentication):
        # Credentials the database cannot even compare, such as a NUL in a token or user name
        # (PostgreSQL refuses it: DataError with psycopg 3, ValueError with psycopg2).
        return exceptions.AuthenticationFailed()
    if isinstance(exc, DatabaseError):
        return None
    if isinstance(exc, RequestDataTooBig):
        return ContentTooLarge()
    if isinstance(exc, SuspiciousOperation):
        # The client's doing (too many fields or files, a bad Host): Django's handler400 answers
        # these for a plain view. The message may quote the request, so it is not echoed.
        return exceptions.ParseError(BAD_REQUEST_DETAIL, code="bad_request")
    if isinstance(exc, RecursionError) and _raised_in(exc, BaseParser):
        # Python's json recurses once per nesting level: deep content is malformed for us.
        return exceptions.ParseError(TOO_DEEP_DETAIL)
    return upstream_exception(exc)


def _raised_in(exc: BaseException, kind: type[BaseParser | BaseAuthentication]) -> bool:
    """Whether ``exc`` escaped a method of a parser or authentication class: then what it was
    reading, the request content or credentials, caused it."""
    traceback = exc.__traceback__
    while traceback is not None:
        if isinstance(traceback.tb_frame.f_locals.get("self"), kind):
            return True
        traceback = traceback.tb_next
    return False


def message_of(exc: Exception) -> str | None:
    """The exception's message when it is plain text meant for the client, else ``None``."""
    # Django's resolver raises Http404 with a dict of the URL patterns it tried: internals.
    if exc.args and isinstance(exc.args[0], str):
        return exc.args[0]
    return None


def build_problem(
    exc: exceptions.APIException | None, request: Any
) -> tuple[Problem, dict[str, str]]:
    """The problem and the headers that go with it (``WWW-Authenticate``, ``Retry-After``)."""
    if exc is None:
        return _problem(500, "server_error", SERVER_ERROR_DETAIL, request), {}
    headers: dict[str, str] = {}
    status = exc.status_code
    code = _code_of(exc)
    detail: Any = exc.detail
    errors = None
    extensions: dict[str, Any] = {}
    if isinstance(detail, (list, dict)):
        errors = [
            {"pointer": pointer, "detail": message, "code": error_code}
            for pointer, message, error_code in iter_errors(
                detail, api_settings.NON_FIELD_ERRORS_KEY
            )
        ]
        detail = errors[0]["detail"] if len(errors) == 1 else INVALID_DETAIL
        if not isinstance(exc, exceptions.ValidationError):
            errors = None
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        # RFC 9110 §15.5.2: DRF turns this into a 403 when its first authentication class has
        # no challenge (SessionAuthentication); not being authenticated is a 401 all the same.
        status = 401
    if status == 401:
        # Every 401 MUST carry a challenge (§15.5.2), a project's own 401 exception too; only
        # NotAuthenticated says that no credentials were sent.
        failed = not isinstance(exc, exceptions.NotAuthenticated)
        headers[WWW_AUTHENTICATE] = challenge_header(request, failed=failed)
    elif isinstance(exc, InsufficientScope):
        headers[WWW_AUTHENTICATE] = _insufficient_scope_challenge(exc, request)
    elif isinstance(exc, exceptions.Throttled) and getattr(exc, "wait", None) is not None:
        headers[RETRY_AFTER] = str(math.ceil(exc.wait))  # type: ignore[attr-defined]  # RFC 6585 §4
    elif isinstance(exc, ServiceUnavailable) and exc.retry_after is not None:
        headers[RETRY_AFTER] = str(exc.retry_after)  # RFC 9110 §10.2.3
    elif isinstance(exc, PreconditionFailed) and exc.etag is not None:
        extensions["etag"] = exc.etag
    elif isinstance(exc, (PreconditionRequired, IdempotencyKeyRequired)):
        extensions["required_headers"] = list(exc.required_headers)
    problem = _problem(status, code, detail, request, errors, extensions)
    return problem, headers


def _problem(
    status: int,
    code: str,
    detail: Any,
    request: Any,
    errors: list[dict[str, str]] | None = None,
    extensions: dict[str, Any] | None = None,
) -> Problem:
    # Django's request itself: a DRF Request reaches its attributes through a slow __getattr__.
    request = getattr(request, "_request", request)
    problem_type = CATALOG.get(code)
    type_uri = None
    if problem_type is not None and problem_type.status == status:
        type_uri = problem_type_uri(problem_type.slug, request)
    extensions = extensions or {}
    request_id = getattr(request, "request_id", None)
    if request_id:
        extensions["request_id"] = request_id
    return Problem(
        status=status,
        title=_localized(problem_type.title, request)
        if type_uri and problem_type
        else reason_phrase(status),
        detail=_localized(detail, request) if isinstance(detail, Promise) else detail,
        code=code,
        type=type_uri or ABOUT_BLANK,
        instance=getattr(request, "path", None),
        errors=errors,
        extensions=extensions,
    )


# Keyed by the lazy text's id; the entry keeps the text alive, so its id is never reused.
_translations: dict[tuple[int, str | None], tuple[StrOrPromise, str]] = {}


def _localized(text: StrOrPromise, request: Any) -> str:
    """A lazy text in the request's language, translated once per text and language.

    Titles and generic details are on every error; LocaleMiddleware's ``request.LANGUAGE_CODE``
    is far cheaper to read than the active language, and a dict lookup than a catalog's.
    """
    language = getattr(request, "LANGUAGE_CODE", None) or get_language()
    key = (id(text), language)
    entry = _translations.get(key)
    if entry is None or entry[0] is not text:
        if len(_translations) >= 1024:
            _translations.clear()
        with override(language):
            entry = _translations[key] = (text, str(text))
    return entry[1]


def _code_of(exc: exceptions.APIException) -> str:
    detail = exc.detail
    if isinstance(exc, exceptions.ValidationError) or not isinstance(detail, str):
        return str(exc.default_code)
    code = str(getattr(detail, "code", None) or exc.default_code)
    if code == "permission_denied" and detail.startswith(CSRF_PREFIX):
        return "csrf_failed"
    return code


def _insufficient_scope_challenge(exc: InsufficientScope, request: Any) -> str:
    """RFC 6750 §3: a 403 for a missing scope carries a Bearer challenge naming it."""
    authenticators = getattr(request, "authenticators", ()) or ()
    bearer = [c for c in view_challenges(authenticators, request) if scheme_of(c) == "bearer"]
    params = {"scope": exc.scope} if exc.scope else {}
    return bearer_error(bearer[0] if bearer else "Bearer", "insufficient_scope", **params)


def problem_type_uri(slug: str, request: Any) -> str | None:
    """The type URI of a problem: under ``PROBLEM_TYPE_BASE_URL``, or the app's own page.

    Without a base, the page's path: a URI reference that is the same string whatever
    ``Host`` or scheme the request names, so clients can compare types (RFC 9457 §3.1.1);
    it resolves against the response's URL to the page. Check W006 (``check --deploy``)
    recommends an absolute base in production.
    """
    base = get_settings().PROBLEM_TYPE_BASE_URL
    if base:
        return f"{base.rstrip('/')}/{slug}"
    if isinstance(request, HttpRequest):
        # The request's own urlconf and script name: cheaper than Django's thread-locals.
        urlconf = getattr(request, "urlconf", None)
        prefix = request.META.get("SCRIPT_NAME", "")
    else:
        urlconf, prefix = get_urlconf(), get_script_prefix()
    return _type_path(slug, urlconf, prefix)


@functools.lru_cache(maxsize=256)
def _type_path(slug: str, urlconf: Any, script_prefix: str) -> str | None:
    # The arguments only key the cache: reverse() reads the same urlconf and prefix itself.
    try:
        return reverse(TYPE_URL_NAME, kwargs={"slug": slug}, urlconf=urlconf)
    except NoReverseMatch:
        return None


def _forget_urls(*, setting: str, **kwargs: Any) -> None:
    if setting in {"FORCE_SCRIPT_NAME", "ROOT_URLCONF"}:
        _type_path.cache_clear()


setting_changed.connect(_forget_urls)


def rollback_open_transactions() -> None:
    """Mark the request's transaction (``ATOMIC_REQUESTS``) for rollback on every database.

    The view answers instead of raising, so Django's atomic wrapper would otherwise commit.
    Databases without ``ATOMIC_REQUESTS`` are left alone: their open transaction belongs to
    the caller (a test case, a management command), not to the request.
    """
    for connection in connections.all(initialized_only=True):
        if connection.settings_dict["ATOMIC_REQUESTS"] and connection.in_atomic_block:
            connection.set_rollback(True)


def _renders_problem_json(request: Any) -> bool:
    """Render the problem as ``application/problem+json`` (RFC 9457 §3), whatever the view's
    renderers (YAML for a schema, HTML templates for API docs), or before negotiation ran.

    A person browsing the API keeps the browsable API's page, which shows the problem.
    """
    renderer = getattr(request, "accepted_renderer", None)
    if isinstance(renderer, BrowsableAPIRenderer):
        return False
    if isinstance(request, Request) and not isinstance(renderer, JSONRenderer):
        # DRF's finalize_response renders with the request's renderer when it has one.
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = PROBLEM_JSON
    return True


def problem_body(exc: exceptions.APIException | None, request: Any) -> dict[str, Any]:
    """The problem members for ``exc``, as the handler would answer it."""
    return build_problem(exc, request)[0].as_dict()
