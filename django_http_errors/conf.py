"""The one place that reads the ``HTTP_ERRORS`` setting."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

from django.conf import settings
from django.core.signals import setting_changed

__all__ = ["SETTING_NAME", "HttpErrorsSettings", "get_settings"]

SETTING_NAME = "HTTP_ERRORS"


@dataclass(frozen=True)
class HttpErrorsSettings:
    """The library's settings, with their defaults; see the README for each one."""

    #: Base URL of the problem type pages; ``None`` serves them from ``django_http_errors.urls``
    #: when that is included, and falls back to ``about:blank`` (the status alone) when not.
    PROBLEM_TYPE_BASE_URL: str | None = None
    #: With ``DEBUG`` on, let an unexpected error reach Django's technical 500 page.
    TECHNICAL_500_IN_DEBUG: bool = False
    #: Request header that carries the client's correlation id, echoed on the response.
    REQUEST_ID_HEADER: str = "X-Request-ID"
    #: Seconds a client should wait before retrying when the database is unreachable.
    DATABASE_RETRY_AFTER: int = 5
    #: Challenge sent on a 401 when no authentication class of the view defines one
    #: (Session-only APIs); a scheme other than Basic keeps browsers from showing a login dialog.
    SESSION_CHALLENGE: str = 'Session realm="api"'
    #: Default of ``KnownQueryParametersMixin.refuse_unknown_query_parameters``: a list that
    #: uses the mixin answers a query parameter it does not know with 400.
    REFUSE_UNKNOWN_QUERY_PARAMETERS: bool = False
    #: Default of ``ConditionalUpdateMixin.precondition_required``: ``True`` (428 without a
    #: precondition), ``False``, or ``"report"`` (let blind writes through, each reported).
    PRECONDITION_REQUIRED: bool | Literal["report"] = False
    #: ``Cache-Control`` of responses that carry validators, so clients revalidate.
    CACHE_CONTROL: str = "private, no-cache"
    #: Default of ``ConditionalUpdateMixin.version_field``.
    VERSION_FIELD: str = "version"
    #: Default of ``ConditionalUpdateMixin.last_modified_field``.
    LAST_MODIFIED_FIELD: str | None = "updated_at"
    #: Seconds an ``Idempotency-Key`` and its stored answer are kept; then the key is free again.
    IDEMPOTENCY_KEY_EXPIRY: int = 24 * 60 * 60
    #: Seconds after which a request still in flight with a key is taken for dead: a retry may
    #: take the key over, and the first request's write, if it comes later, rolls back.
    IDEMPOTENCY_KEY_LEASE: int = 60
    #: Seconds by which the clocks of the app servers may differ. A change's Last-Modified is
    #: the second after it by every server's clock (withheld until then), and the dates of
    #: If-Unmodified-Since and If-Modified-Since are compared with that; an Idempotency-Key's
    #: lease and expiry are counted from the latest a server's clock may say.
    CLOCK_SKEW: int = 1
    #: Default of ``IdempotencyMixin.idempotency_key_required``: refuse unsafe requests
    #: without a key (400) on every view that uses the mixin.
    IDEMPOTENCY_KEY_REQUIRED: bool = False
    #: Default of a view's ``drf_error_members``: DRF's own error members (``{"detail": ...}``,
    #: ``{"<field>": [...]}``) beside the problem's, as ``application/json``, for clients that
    #: have not moved yet.
    DRF_ERROR_MEMBERS: bool = False
    #: Path prefixes (as the URLconf sees them: ``"/api/"``) where Django's error handlers
    #: (``views.page_not_found``...) answer problems; on other paths they answer the site's
    #: own pages (``404.html``...). ``None``: every path. Where problems answer, a client that
    #: prefers ``text/html`` (a browser) gets the page all the same.
    PROBLEM_PATHS: list[str] | tuple[str, ...] | None = None
    #: Seconds after a successful write (a 2xx to POST, PUT, PATCH or DELETE) during which its
    #: client's reads go to the primary database: ``ReadYourWritesMiddleware`` marks them and a
    #: router asks ``routing.reads_from_primary()``. ``0``: off, reads go where the router says.
    READ_YOUR_WRITES: int = 0


SETTING_NAMES = frozenset(f.name for f in fields(HttpErrorsSettings))

#: The middleware that gives every response its ``REQUEST_ID_HEADER``.
REQUEST_ID_MIDDLEWARE = "django_http_errors.middleware.RequestIDMiddleware"


def request_id_header() -> str | None:
    """The header every response carries its request id in; ``None`` without the middleware."""
    if REQUEST_ID_MIDDLEWARE not in getattr(settings, "MIDDLEWARE", []):
        return None
    return get_settings().REQUEST_ID_HEADER


def setting_given() -> bool:
    """Whether the project sets ``HTTP_ERRORS`` at all, if only to its defaults."""
    return hasattr(settings, SETTING_NAME)


def raw_setting() -> object:
    """``HTTP_ERRORS`` as the project wrote it, whatever its type (the checks judge it)."""
    return getattr(settings, SETTING_NAME, {})


def user_settings() -> dict[str, Any]:
    """The raw ``HTTP_ERRORS`` dict as the project wrote it; ``{}`` when it is no dict."""
    value = raw_setting()
    return value if isinstance(value, dict) else {}


def _load() -> HttpErrorsSettings:
    given = {k: v for k, v in user_settings().items() if k in SETTING_NAMES}
    return HttpErrorsSettings(**given)


_cached: HttpErrorsSettings | None = None


def get_settings() -> HttpErrorsSettings:
    """The current settings, read once and reloaded when a test overrides them."""
    global _cached
    if _cached is None:
        _cached = _load()
    return _cached


def _reload(*, setting: str, **kwargs: Any) -> None:
    global _cached
    if setting == SETTING_NAME:
        _cached = None


setting_changed.connect(_reload)
