"""A problem from an exception: the one place that assembles a problem and its headers.

The DRF exception handler (``handlers``) and the plain Django views (``views``) both answer
with what ``build_problem`` makes, so an error looks the same wherever it is raised.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import setting_changed
from django.db import (
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, UnreadablePostError
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import get_language, get_supported_language_variant, override
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.parsers import BaseParser
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings

from .catalog import problem_types
from .challenges import challenge_header, credential_headers
from .conf import get_settings
from .exceptions import Conflict, ContentTooLarge, ProblemException, ServiceUnavailable
from .http_names import ACCEPT, CACHE_CONTROL, CONTENT_LANGUAGE, RETRY_AFTER, VARY, WWW_AUTHENTICATE
from .integrity import Violation, violation_of
from .internals import django_request, is_csrf_failure, raised_in
from .languages import (
    CATALOG_SETTINGS,
    in_language,
    localized_reason_phrase,
    problem_language,
    translated_message,
)
from .lifetimes import problem_cache_control
from .pointers import iter_errors
from .problems import ABOUT_BLANK, Problem
from .upstream import upstream_exception

if TYPE_CHECKING:
    from .problems import Text

#: The status of the answer to a client that refused every media type a problem can be sent
#: as (``media_types.problem_media_type``): RFC 9110 §12.5.1's 406, without content.
NOT_ACCEPTABLE = 406
TYPE_URL_NAME = "django_http_errors:problem-type"

SERVER_ERROR_DETAIL = _("The server met an unexpected condition. It has been logged.")
INVALID_DETAIL = _("The request content is invalid: each error is listed in errors.")
REFERENCED_DETAIL = _("The resource is referenced by other resources and cannot be deleted.")
BAD_REQUEST_DETAIL = _("The request could not be understood.")
TOO_DEEP_DETAIL = _("The request content is nested too deeply to be parsed.")
INCOMPLETE_DETAIL = _(
    "The request content ended after %(received)d of the %(declared)d bytes its "
    "Content-Length declares. Send it again, whole."
)
UNREADABLE_DETAIL = _(
    "The connection broke before the request content was read whole. Send it again."
)
UNPARSEABLE_DETAIL = _(
    "The request content is not well-formed %(media_type)s. Check its syntax and its encoding "
    "(the charset of its Content-Type, UTF-8 by default) and send it again."
)


def unparseable(exc: Exception, request: Any) -> exceptions.APIException | None:
    """A parser's own ParseError, with generic words: its message quotes Python's exception
    text (codecs, digit limits, multipart boundaries), nothing a client can act on."""
    if not (isinstance(exc, exceptions.ParseError) and raised_in(exc, BaseParser)):
        return None
    media_type = (getattr(request, "content_type", "") or "").split(";")[0].strip()
    return exceptions.ParseError(UNPARSEABLE_DETAIL % {"media_type": media_type or "?"})


def as_api_exception(exc: Exception) -> exceptions.APIException | None:
    """The DRF exception that says what happened to the client; ``None`` for a plain 500."""
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, Http404):
        message = message_of(exc)
        return exceptions.NotFound(None if message is None else translated_message(message))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(message_of(exc))
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, (ProtectedError, RestrictedError)):
        return Conflict(REFERENCED_DETAIL)
    if isinstance(exc, IntegrityError):
        return _integrity_conflict(exc)
    if isinstance(exc, (OperationalError, InterfaceError)):
        return ServiceUnavailable(retry_after=get_settings().DATABASE_RETRY_AFTER)
    if isinstance(exc, (DataError, ValueError)) and raised_in(exc, BaseAuthentication):
        # Credentials the database cannot even compare, such as a NUL in a token or user name
        # (PostgreSQL refuses it: DataError with psycopg 3, ValueError with psycopg2).
        return exceptions.AuthenticationFailed()
    if isinstance(exc, DatabaseError):
        return None
    if isinstance(exc, RequestDataTooBig):
        return ContentTooLarge()
    if isinstance(exc, UnreadablePostError):
        # The client reset the connection while sending its content: its fault, not a 500.
        return exceptions.ParseError(UNREADABLE_DETAIL)
    if isinstance(exc, SuspiciousOperation):
        # The client's doing (too many fields or files, a bad Host): Django's handler400 answers
        # these for a plain view. The message may quote the request, so it is not echoed.
        return exceptions.ParseError(BAD_REQUEST_DETAIL, code="bad_request")
    if isinstance(exc, RecursionError) and raised_in(exc, BaseParser):
        # Python's json recurses once per nesting level: deep content is malformed for us.
        return exceptions.ParseError(TOO_DEEP_DETAIL)
    return upstream_exception(exc)


def _integrity_conflict(exc: IntegrityError) -> Conflict | None:
    """409 for a violation that the stored state makes (RFC 9110 §15.5.10); else ``None``, a 500.

    A duplicate (unique or exclusion constraint: DRF validates uniqueness first, so only a
    concurrent write gets this far) or a row still referenced conflicts with the state the
    request met. NOT NULL, CHECK, a reference to a missing row and whatever is not recognised
    are the server's own writes failing: bugs, logged and reported like any other 500.
    """
    violation = violation_of(exc)
    if violation is Violation.REFERENCED:
        return Conflict(REFERENCED_DETAIL)
    if violation in (Violation.UNIQUE, Violation.EXCLUSION):
        return Conflict()
    return None


def message_of(exc: Exception) -> str | None:
    """The exception's message when it is plain text meant for the client, else ``None``."""
    # Django's resolver raises Http404 with a dict of the URL patterns it tried: internals.
    if exc.args and isinstance(exc.args[0], str):
        return exc.args[0]
    return None


def build_problem(
    exc: exceptions.APIException | None, request: Any
) -> tuple[Problem, dict[str, str]]:
    """The problem for ``exc`` and the headers that go with it; ``None`` is a generic 500."""
    # Django's request itself: a DRF Request reaches its attributes through a slow __getattr__.
    plain_request = django_request(request)
    language = problem_language(plain_request)
    if exc is None:
        problem = _problem(500, "server_error", SERVER_ERROR_DETAIL, plain_request, language)
        return problem, _representation_headers(500, request, language)
    status = exc.status_code
    detail: Any = exc.detail
    # The languages first: translating the default message to compare is the dearer test.
    if language != get_language() and str(detail) == str(exc.default_detail):
        # The request's language is one the library does not speak, so the problem is in
        # English: DRF's default message, given in that language, is given again in English.
        # (Other messages cannot be: check W013 asks for LANGUAGES the library speaks.)
        detail = exc.default_detail
    errors = None
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
    extensions: dict[str, Any] = {}
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        # DRF turns this into a 403 when its first authentication class has no challenge
        # (SessionAuthentication); not being authenticated is a 401 all the same.
        status = 401
    headers = _representation_headers(status, request, language)
    if status == 401:
        # Every 401 MUST carry a challenge, a project's own 401 exception too; only
        # NotAuthenticated says that no credentials were sent.
        failed = not isinstance(exc, exceptions.NotAuthenticated)
        headers[WWW_AUTHENTICATE] = challenge_header(request, failed=failed)
    if isinstance(exc, ProblemException):
        headers.update(exc.problem_headers(request))
        extensions = exc.problem_extensions()
    elif getattr(exc, "wait", None) is not None:
        # DRF's Throttled says how long to wait, as its own handler reads it (RFC 6585 §4).
        headers[RETRY_AFTER] = str(math.ceil(exc.wait))  # type: ignore[attr-defined]
    problem = _problem(status, _code_of(exc), detail, plain_request, language, errors, extensions)
    return problem, headers


def representation_headers(status: int, request: Any) -> dict[str, str]:
    """The headers of every problem that describe its representation.

    ``Vary``: it is sent as ``Accept`` selects (``media_types.problem_media_type``), and a
    DRF view's answer depends on who asks, so the fields its authentication classes read the
    credentials from select it too (``challenges.credential_headers``). ``Cache-Control``:
    held as long as ``lifetimes.problem_cache_control`` says for its status.
    """
    return _representation_headers(status, request, problem_language(django_request(request)))


def _representation_headers(status: int, request: Any, language: str) -> dict[str, str]:
    authenticators = getattr(request, "authenticators", None) or ()
    vary = [ACCEPT, *credential_headers(authenticators, request)]
    return {
        VARY: ", ".join(vary),
        CACHE_CONTROL: problem_cache_control(status),
        CONTENT_LANGUAGE: language,
    }


def headers_without_content(headers: dict[str, str]) -> dict[str, str]:
    """The headers of the 406 without content that answers a client that refused every
    problem media type: what selected it, and its lifetime; the problem's own (a challenge,
    a ``Retry-After``) describe a status the client does not get."""
    return {VARY: headers[VARY], CACHE_CONTROL: problem_cache_control(NOT_ACCEPTABLE)}


def problem_body(exc: exceptions.APIException | None, request: Any) -> dict[str, Any]:
    """The problem members for ``exc``, as the handler would answer it."""
    return build_problem(exc, request)[0].as_dict()


def _problem(
    status: int,
    code: str,
    detail: Any,
    request: Any,
    language: str,
    errors: list[dict[str, str]] | None = None,
    extensions: dict[str, Any] | None = None,
) -> Problem:
    problem_type = problem_types().get(code)
    type_uri = None
    if problem_type is not None and problem_type.status == status:
        type_uri = problem_type_uri(problem_type.slug, request)
    extensions = extensions or {}
    request_id = getattr(request, "request_id", None)
    if request_id:
        extensions["request_id"] = request_id
    title = problem_type.title if type_uri and problem_type else localized_reason_phrase(status)
    return Problem(
        status=status,
        title=_localized(title, language),
        detail=_localized(detail, language) if isinstance(detail, Promise) else detail,
        code=code,
        type=type_uri or ABOUT_BLANK,
        instance=getattr(request, "path", None),
        errors=errors,
        extensions=extensions,
    )


# Keyed by the lazy text's id; the entry keeps the text alive, so its id is never reused.
_translations: dict[tuple[int, str], tuple[Text, str]] = {}


def _localized(text: Text, language: str) -> str:
    """A text in the problem's language, translated once per text and language.

    Titles and generic details are on every error: a dict lookup is far cheaper than a
    catalog's.
    """
    if not isinstance(text, Promise):
        return text
    key = (id(text), language)
    entry = _translations.get(key)
    if entry is None or entry[0] is not text:
        if len(_translations) >= 1024:
            _translations.clear()
        entry = _translations[key] = (text, in_language(text, language))
    return entry[1]


def _forget_translations(*, setting: str, **kwargs: Any) -> None:
    if setting in CATALOG_SETTINGS:
        _translations.clear()


setting_changed.connect(_forget_translations)


def _code_of(exc: exceptions.APIException) -> str:
    detail = exc.detail
    if isinstance(exc, exceptions.ValidationError) or not isinstance(detail, str):
        return str(exc.default_code)
    code = str(getattr(detail, "code", None) or exc.default_code)
    if code == "permission_denied" and is_csrf_failure(detail):
        return "csrf_failed"
    return code


def problem_type_uri(slug: str, request: Any) -> str | None:
    """The type URI of a problem: under ``PROBLEM_TYPE_BASE_URL``, or the app's own page.

    Without a base, the page's path: a URI reference that is the same string whatever
    ``Host``, scheme or language the request names, so clients can compare types by it;
    it resolves against the response's URL to the page (in the project's language,
    ``LANGUAGE_CODE``, where the pages are under ``i18n_patterns()``). Check W006
    (``check --deploy``) recommends an absolute base in production.
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
    # Keyed by the URLconf in force, the project's too: one set without Django's signal (a
    # test's urls marker) keeps no page's absence for the next.
    return _type_path(slug, urlconf or settings.ROOT_URLCONF, prefix)


@functools.lru_cache(maxsize=256)
def _type_path(slug: str, urlconf: Any, script_prefix: str) -> str | None:
    # The arguments only key the cache: reverse() reads the same urlconf and prefix itself.
    # In the project's language: where the pages are under i18n_patterns() or their route is
    # translated, reverse() follows the active language, and a type must not. The language as
    # LANGUAGES lists it ("en" for "en-us"), as LocaleMiddleware activates it for the page.
    try:
        language = get_supported_language_variant(settings.LANGUAGE_CODE)
    except LookupError:
        language = settings.LANGUAGE_CODE
    try:
        with override(language):
            return reverse(TYPE_URL_NAME, kwargs={"slug": slug}, urlconf=urlconf)
    except NoReverseMatch:
        return None


def _forget_urls(*, setting: str, **kwargs: Any) -> None:
    if setting in {"FORCE_SCRIPT_NAME", "ROOT_URLCONF", "LANGUAGE_CODE", "LANGUAGES"}:
        _type_path.cache_clear()


setting_changed.connect(_forget_urls)
