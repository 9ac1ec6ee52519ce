"""System checks: every misconfiguration we can detect, each with a stable id and a hint."""

from __future__ import annotations

import difflib
import importlib.util
import re
import types
import typing
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig, apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, Tags, Warning, register
from django.db import models
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils.module_loading import import_string

from .assembly import TYPE_URL_NAME, problem_type_uri
from .catalog import problem_types
from .conditional.mixin import ConditionalUpdateMixin
from .conditional.validators import has_field
from .conf import (
    REQUEST_ID_MIDDLEWARE,
    SETTING_NAME,
    SETTING_NAMES,
    HttpErrorsSettings,
    get_settings,
    raw_setting,
    setting_given,
    user_settings,
)
from .handlers import NOT_INSTALLED_ID, exception_handler
from .languages import SOURCE_LANGUAGE, speaks
from .negotiation import ProblemContentNegotiation

APP_NAME = "django_http_errors"
HANDLER_PATH = "django_http_errors.handlers.exception_handler"
NEGOTIATION_PATH = "django_http_errors.negotiation.ProblemContentNegotiation"
#: The module of ``ProblemAutoSchema``, built on drf-spectacular.
SCHEMA_MODULE = "django_http_errors.schema"
#: DRF's default ``DEFAULT_CONTENT_NEGOTIATION_CLASS``.
DRF_NEGOTIATION_PATH = "rest_framework.negotiation.DefaultContentNegotiation"
MIDDLEWARE_PATH = REQUEST_ID_MIDDLEWARE
LOCALE_MIDDLEWARE = "django.middleware.locale.LocaleMiddleware"
#: The app's translations, one directory per language.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

E001 = "django_http_errors.E001"
E002 = "django_http_errors.E002"
E003 = "django_http_errors.E003"
E004 = "django_http_errors.E004"
E005 = "django_http_errors.E005"
E006 = "django_http_errors.E006"
E007 = "django_http_errors.E007"
E008 = "django_http_errors.E008"
W001 = "django_http_errors.W001"
W002 = "django_http_errors.W002"
W003 = "django_http_errors.W003"
W004 = "django_http_errors.W004"
W005 = "django_http_errors.W005"
W006 = "django_http_errors.W006"
W007 = "django_http_errors.W007"
W008 = "django_http_errors.W008"
W009 = "django_http_errors.W009"
W012 = "django_http_errors.W012"
W013 = "django_http_errors.W013"
SQLITE_ENGINE = "django.db.backends.sqlite3"


@register(Tags.compatibility)
def check_settings(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """``HTTP_ERRORS`` must be a dict of known names with values of the right type."""
    value = raw_setting()
    if not isinstance(value, dict):
        return [
            Error(
                f"{SETTING_NAME} must be a dict.",
                hint=f"Set {SETTING_NAME} = {{...}}; the docs (Settings and checks) list its keys.",
                id=E001,
            )
        ]
    messages: list[CheckMessage] = []
    hints = typing.get_type_hints(HttpErrorsSettings)
    for key in sorted(set(value) - SETTING_NAMES):
        messages.append(
            Error(
                f"{SETTING_NAME} has an unknown key {key!r}.",
                hint=f"Known keys: {', '.join(sorted(SETTING_NAMES))}.",
                id=E002,
            )
        )
    for field in fields(HttpErrorsSettings):
        if field.name in value and not _is_instance(value[field.name], hints[field.name]):
            messages.append(
                Error(
                    f"{SETTING_NAME}[{field.name!r}] must be of type "
                    f"{_type_name(hints[field.name])}.",
                    hint=f"Its default is {field.default!r}.",
                    id=E003,
                )
            )
    retry_after = value.get("DATABASE_RETRY_AFTER", 0)
    if isinstance(retry_after, int) and retry_after < 0:
        messages.append(
            Error(
                f"{SETTING_NAME}['DATABASE_RETRY_AFTER'] must not be negative.",
                hint="Retry-After is a non-negative number of seconds.",
                id=E004,
            )
        )
    base = value.get("PROBLEM_TYPE_BASE_URL")
    if isinstance(base, str) and base and not _is_absolute_url_or_path(base):
        messages.append(
            Error(
                f"{SETTING_NAME}['PROBLEM_TYPE_BASE_URL'] ({base!r}) is neither an absolute "
                "URL nor a path from the root: type URIs such as "
                f"{problem_type_uri('not-found', None)!r} name no page; clients resolve them "
                "against each response's URL.",
                hint="Write the absolute URL, scheme and host: e.g. 'https://errors.example.com/'.",
                id=E007,
            )
        )
    return messages


#: A host and port read as a scheme and a path: "localhost:8000/problems/".
_HOST_AND_PORT = re.compile(r"\d+(/|$)")


def _is_absolute_url_or_path(base: str) -> bool:
    """Whether a ``PROBLEM_TYPE_BASE_URL`` makes type URIs that name their pages.

    An absolute URI (RFC 3986 §4.3; with its host, for http and https) names them from anywhere;
    a reference from the root ("/problems/", as the app's own pages give without a base) names
    them on this site. "errors.example.com" is neither but a relative path: for a response to
    /api/articles/1, its types resolve to /api/articles/errors.example.com/<slug>.
    """
    if base.startswith("/"):
        return True
    parts = urlsplit(base)
    if not parts.scheme or _HOST_AND_PORT.match(parts.path):
        return False
    return parts.scheme not in ("http", "https") or bool(parts.netloc)


def check_installed(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """The app must be installed where its pages are routed: their templates, the translations
    and the checks come with it.

    Not registered: the app's checks are, from its ``ready()``, which never runs without the app.
    Django's URL checks call it instead, through the pages' own URL pattern (``urls.py``).
    """
    if apps.is_installed(APP_NAME):
        return []
    return [
        Error(
            f"{APP_NAME!r} is not in INSTALLED_APPS, but its problem type pages are in the "
            "URLconf: they answer 500 (TemplateDoesNotExist), problems are not translated, and "
            "none of the app's other checks runs.",
            hint=f"Add {APP_NAME!r} to INSTALLED_APPS.",
            id=E006,
        )
    ]


@register(Tags.compatibility)
def check_setting_name(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """A setting named like ``HTTP_ERRORS`` while ``HTTP_ERRORS`` is unset is a misspelling of it,
    ignored with every key in it."""
    if setting_given():
        return []
    names = [name for name in dir(settings) if name.isupper()]
    close = difflib.get_close_matches(SETTING_NAME, names)
    return [
        Warning(
            f"{name} is set and {SETTING_NAME} is not: django-http-errors ignores {name}, and "
            "every key in it.",
            hint=f"Rename {name} to {SETTING_NAME}.",
            id=W012,
        )
        for name in close
    ]


@register(Tags.compatibility)
def check_exception_handler(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """Our handler must be DRF's ``EXCEPTION_HANDLER``, or DRF answers with its own bodies.

    Without it, DRF also answers 403 instead of 401 to unauthenticated requests whenever the
    first authentication class has no challenge, as SessionAuthentication has none.
    """
    rest = _rest_framework()
    if _handler_is_ours(rest):
        return []
    messages: list[CheckMessage] = [
        Warning(
            "REST_FRAMEWORK['EXCEPTION_HANDLER'] is not django-http-errors' handler: errors "
            "are not answered as RFC 9457 problems.",
            hint=f"Set REST_FRAMEWORK['EXCEPTION_HANDLER'] = {HANDLER_PATH!r}.",
            id=W001,
        )
    ]
    if _first_authenticator_has_no_challenge(rest):
        messages.append(
            Warning(
                "The first of DEFAULT_AUTHENTICATION_CLASSES has no WWW-Authenticate challenge, "
                "so DRF answers 403 where a request is not authenticated (HTTP says 401).",
                hint=f"Set REST_FRAMEWORK['EXCEPTION_HANDLER'] = {HANDLER_PATH!r}.",
                id=W002,
            )
        )
    return messages


@register(Tags.compatibility)
def check_content_negotiation(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """With our handler, DRF's negotiation must be ``ProblemContentNegotiation`` (or a subclass).

    DRF's own answers 406 to a client that accepts only ``application/problem+json`` (the one
    media type an OpenAPI document gives for a DELETE's responses), before the view runs: the
    client gets 406 instead of its errors, its 204s and, for a conditional GET, its 304s.
    """
    rest = _rest_framework()
    if not _handler_is_ours(rest):
        return []
    given = rest.get("DEFAULT_CONTENT_NEGOTIATION_CLASS", DRF_NEGOTIATION_PATH)
    if _names_subclass(given, ProblemContentNegotiation):
        return []
    return [
        Error(
            f"REST_FRAMEWORK['DEFAULT_CONTENT_NEGOTIATION_CLASS'] is {given!r}, not "
            "ProblemContentNegotiation: a client that accepts only application/problem+json "
            "gets 406 instead of its errors, its 204s and its 304s.",
            hint=f"Set REST_FRAMEWORK['DEFAULT_CONTENT_NEGOTIATION_CLASS'] = {NEGOTIATION_PATH!r}.",
            id=E005,
        )
    ]


@register(Tags.compatibility)
def check_schema_class(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """``ProblemAutoSchema`` is drf-spectacular's ``AutoSchema`` extended: it needs drf-spectacular.

    Without it DRF cannot import the class it is told to use: generating the schema fails with
    an ``ImportError``, of drf-spectacular or of its dependency uritemplate.
    """
    given = _rest_framework().get("DEFAULT_SCHEMA_CLASS")
    if not (isinstance(given, str) and given.startswith(f"{SCHEMA_MODULE}.")):
        return []
    # Found as AppConfig.ready() finds it to load schema.py.
    if importlib.util.find_spec("drf_spectacular") is not None:
        return []
    return [
        Error(
            f"REST_FRAMEWORK['DEFAULT_SCHEMA_CLASS'] is {given!r}, which needs drf-spectacular, "
            "and drf-spectacular is not installed: generating the schema fails with ImportError.",
            hint="Install drf-spectacular and add 'drf_spectacular' to INSTALLED_APPS, or remove "
            "REST_FRAMEWORK['DEFAULT_SCHEMA_CLASS'].",
            id=E008,
        )
    ]


@register(Tags.compatibility, deploy=True)
def check_problem_type_base(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """In production, problem types are absolute URIs: ``PROBLEM_TYPE_BASE_URL`` is an absolute
    URL, not unset and not a path from the root (which E007 lets pass)."""
    base = get_settings().PROBLEM_TYPE_BASE_URL
    if base and not _is_path(base):
        return []
    return [
        Warning(
            "Problem type URIs are relative references (/problems/<slug>/): clients resolve "
            "them against each response's URL, and RFC 9457 recommends absolute ones.",
            hint="Set HTTP_ERRORS['PROBLEM_TYPE_BASE_URL'] to the absolute URL of your "
            "problem pages, e.g. 'https://api.example.com/problems/'.",
            id=W006,
        )
    ]


@register(Tags.compatibility)
def check_middleware(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """Request ids need the middleware, first, or problems and logs carry none.

    A middleware above it answers without one: a redirect it makes, the 404 it turns into a
    redirect (CommonMiddleware's APPEND_SLASH), the 400 problem of a Host it refuses.
    """
    middleware = list(_middleware())
    if MIDDLEWARE_PATH not in middleware:
        return [
            Warning(
                "RequestIDMiddleware is not installed: problems, logs and responses carry no "
                "request id.",
                hint=f"Add {MIDDLEWARE_PATH!r} at the top of MIDDLEWARE.",
                id=W003,
            )
        ]
    above = middleware[: middleware.index(MIDDLEWARE_PATH)]
    if not above:
        return []
    return [
        Warning(
            f"RequestIDMiddleware comes after {', '.join(above)}: what they answer themselves "
            "(a redirect, a 400 for a disallowed Host) and their log records carry no "
            "request id.",
            hint=f"Move {MIDDLEWARE_PATH!r} to the top of MIDDLEWARE.",
            id=W007,
        )
    ]


@register(Tags.compatibility, Tags.translation)
def check_locale_middleware(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """The app's translations reach a client through LocaleMiddleware, which reads its
    ``Accept-Language``; without it every problem is in ``LANGUAGE_CODE``."""
    languages = _shipped_languages()
    if not settings.USE_I18N or not languages or LOCALE_MIDDLEWARE in _middleware():
        return []
    return [
        Warning(
            f"USE_I18N is on and the app ships translations ({', '.join(languages)}), but "
            f"LocaleMiddleware is not installed: every problem is in LANGUAGE_CODE "
            f"({settings.LANGUAGE_CODE!r}), whatever the client's Accept-Language.",
            hint=f"Add {LOCALE_MIDDLEWARE!r} to MIDDLEWARE, after SessionMiddleware and before "
            "CommonMiddleware.",
            id=W008,
        )
    ]


@register(Tags.compatibility, Tags.translation)
def check_languages(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """Every language of ``LANGUAGES`` is one the library's strings exist in, so that a problem
    is in one language: a request in another gets DRF's and Django's messages in it (their
    catalogs cover most languages) beside the library's English, and only DRF's default
    messages can be given again in English."""
    if not settings.USE_I18N or LOCALE_MIDDLEWARE not in _middleware():
        return []
    unspoken = [code for code, _name in settings.LANGUAGES if not speaks(code)]
    if not unspoken:
        return []
    shown = ", ".join(unspoken[:8]) + (
        f" and {len(unspoken) - 8} more" if len(unspoken) > 8 else ""
    )
    return [
        Warning(
            f"LANGUAGES lists languages django-http-errors has no translations for ({shown}): "
            "a problem in one of them is labelled English but may carry DRF's or Django's "
            "messages in that language.",
            hint=f"Set LANGUAGES to the languages you serve that the library speaks "
            f"({', '.join([SOURCE_LANGUAGE, *_shipped_languages()])}), or translate its "
            "catalog into the others in LOCALE_PATHS.",
            id=W013,
        )
    ]


def _shipped_languages() -> list[str]:
    """The languages the app has translations for."""
    return sorted(path.parent.name for path in LOCALE_DIR.glob("*/LC_MESSAGES"))


@register(Tags.compatibility)
def check_sqlite_transactions(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """SQLite under ``ATOMIC_REQUESTS``: every request holds a transaction, and with it a lock.

    A DEFERRED transaction reads first and takes the write lock later; two of them deadlock on
    that upgrade, SQLite gives up at once with "database is locked", and the handler can only
    answer 503 (W004). An IMMEDIATE one takes the write lock when it begins, before the view
    runs, so every request, reads and refusals included, waits for every other (W005).
    """
    hint = (
        "Drop ATOMIC_REQUESTS: ConditionalUpdateMixin runs each write in a transaction of its "
        "own, after the checks and the body's validation (write_transaction()); with it use "
        "OPTIONS['transaction_mode'] = 'IMMEDIATE' (Django 5.1+) and journal_mode=WAL."
    )
    messages: list[CheckMessage] = []
    for alias in atomic_sqlite_aliases(settings.DATABASES):
        if alias in deferred_sqlite_aliases(settings.DATABASES):
            problem = "DEFERRED transactions: concurrent writes may fail with 'database is locked'"
            messages.append(
                Warning(
                    f"Database {alias!r} is SQLite with ATOMIC_REQUESTS and {problem} (503).",
                    hint=hint,
                    id=W004,
                )
            )
        else:
            messages.append(
                Warning(
                    f"Database {alias!r} is SQLite with ATOMIC_REQUESTS: every request takes "
                    "the write lock before its view runs, so requests run one at a time.",
                    hint=hint,
                    id=W005,
                )
            )
    return messages


def atomic_sqlite_aliases(databases: dict[str, dict[str, Any]]) -> list[str]:
    """The aliases of SQLite databases with ``ATOMIC_REQUESTS``."""
    return [
        alias
        for alias, config in databases.items()
        if config.get("ENGINE") == SQLITE_ENGINE and config.get("ATOMIC_REQUESTS")
    ]


def deferred_sqlite_aliases(databases: dict[str, dict[str, Any]]) -> list[str]:
    """The aliases of SQLite databases with ``ATOMIC_REQUESTS`` and DEFERRED transactions."""
    return [
        alias
        for alias in atomic_sqlite_aliases(databases)
        if str((databases[alias].get("OPTIONS") or {}).get("transaction_mode", "")).upper()
        != "IMMEDIATE"
    ]


def _is_path(base: object) -> bool:
    """Whether a ``PROBLEM_TYPE_BASE_URL`` is a path from the root; one of the wrong type is
    E003's to report."""
    return isinstance(base, str) and base.startswith("/")


def _middleware() -> Sequence[str]:
    return getattr(settings, "MIDDLEWARE", None) or []


def _rest_framework() -> dict[str, Any]:
    return getattr(settings, "REST_FRAMEWORK", {}) or {}


def _handler_is_ours(rest: dict[str, Any]) -> bool:
    return rest.get("EXCEPTION_HANDLER") in (HANDLER_PATH, exception_handler)


def _names_subclass(given: Any, base: type) -> bool:
    """Whether a setting names (by dotted path, as DRF reads it, or as the class) ``base`` or a
    subclass of it; a path that cannot be imported names neither."""
    try:
        found = import_string(given) if isinstance(given, str) else given
    except ImportError:
        return False
    return isinstance(found, type) and issubclass(found, base)


def _first_authenticator_has_no_challenge(rest: dict[str, Any]) -> bool:
    classes = rest.get(
        "DEFAULT_AUTHENTICATION_CLASSES",
        [
            "rest_framework.authentication.SessionAuthentication",
            "rest_framework.authentication.BasicAuthentication",
        ],
    )
    if not classes:
        return False
    try:
        first = import_string(classes[0]) if isinstance(classes[0], str) else classes[0]
        return first().authenticate_header(None) is None
    except Exception:
        return False


def _is_instance(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if isinstance(hint, types.UnionType) or origin is typing.Union:
        return any(_is_instance(value, arg) for arg in typing.get_args(hint))
    if origin is typing.Literal:
        return any(value == arg and type(value) is type(arg) for arg in typing.get_args(hint))
    if origin in (list, tuple):
        item = typing.get_args(hint)[0]
        return isinstance(value, origin) and all(_is_instance(member, item) for member in value)
    if hint is type(None):
        return value is None
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _type_name(hint: Any) -> str:
    return str(hint).replace("typing.", "").replace("<class '", "").replace("'>", "")


# Checks of issue 14: what fails silently.
E010 = "django_http_errors.E010"
W010 = "django_http_errors.W010"
#: Logged by the exception handler: without the app, no check runs but E006, and that one
#: only where the problem pages are routed.
W011 = NOT_INSTALLED_ID
I010 = "django_http_errors.I010"
VIEWS_MODULE = "django_http_errors.views"
#: The Django error handlers of a root URLconf that answer where no DRF view does.
ERROR_HANDLERS = ("handler400", "handler403", "handler404", "handler500")


@register(Tags.urls)
def check_error_handlers(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """Requests no DRF view answers (an unknown URL, a middleware error) need our handlers.

    Without them Django answers those with its HTML pages, and a client that reads problems
    gets none for exactly the errors it can least explain.
    """
    urlconf = get_resolver().urlconf_module
    missing = [name for name in ERROR_HANDLERS if not _is_ours(getattr(urlconf, name, None))]
    if not missing:
        return []
    return [
        Warning(
            f"{', '.join(missing)} of the root URLconf {'is' if len(missing) == 1 else 'are'} "
            "not django-http-errors': requests no DRF view answers get HTML error pages, "
            "not problems.",
            hint="In the root URLconf set "
            + "; ".join(f"{name} = {_handler_path(name)!r}" for name in missing)
            + ".",
            id=W010,
        )
    ]


@register(Tags.urls)
def check_problem_pages(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """Problem types link to the app's pages, served where the URLconf includes them.

    Without a base URL, a type the URLconf cannot reverse is ``about:blank`` and its title only
    the status's reason phrase; with a base that is a path on this site, its links answer 404.
    An absolute base may name pages served elsewhere: the check cannot tell, and says nothing.
    """
    base = get_settings().PROBLEM_TYPE_BASE_URL
    if (base and not _is_path(base)) or _problem_pages_routed():
        return []
    if base:
        consequence = f"the type URIs under PROBLEM_TYPE_BASE_URL ({base!r}) answer 404"
    else:
        consequence = (
            "every problem's type is about:blank and its title only the status's reason phrase"
        )
    return [
        Warning(
            f"The problem type pages (django_http_errors.urls) are not in the URLconf: "
            f"{consequence}.",
            hint="Add path('problems/', include('django_http_errors.urls')) to the root URLconf.",
            id=W009,
        )
    ]


def _problem_pages_routed() -> bool:
    """Whether the root URLconf serves the problem type pages: a type's page reverses."""
    slug = next(iter(problem_types().values())).slug
    try:
        reverse(TYPE_URL_NAME, kwargs={"slug": slug})
    except NoReverseMatch:
        return False
    return True


@register(Tags.urls, Tags.models)
def check_conditional_fields(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """The fields a conditional view's validators come from must exist on its model.

    A version or Last-Modified field named explicitly (on the view or in ``HTTP_ERRORS``) that
    the model lacks is silently ignored: ETags become hashes, or ``Last-Modified`` is never
    sent. The default version field missing is the documented hash mode: reported as info.
    """
    explicit = user_settings()
    defaults = get_settings()
    messages: list[CheckMessage] = []
    for view in _views(get_resolver().url_patterns):
        if not issubclass(view, ConditionalUpdateMixin):
            continue
        model = _model_of(view)
        if model is None:
            continue
        label = f"{view.__module__}.{view.__qualname__}"
        # Resolved as the mixin resolves them: a falsy version_field falls back to the
        # setting, while last_modified_field = "" means "send none".
        version_attr = getattr(view, "version_field", None) or None
        modified_attr = getattr(view, "last_modified_field", None)
        for attribute, setting, given in (
            ("version_field", "VERSION_FIELD", version_attr),
            ("last_modified_field", "LAST_MODIFIED_FIELD", modified_attr),
        ):
            name = given if given is not None else getattr(defaults, setting)
            # A name of the wrong type is E003's to report.
            if not isinstance(name, str) or not name or has_field(model, name):
                continue
            if given is not None or setting in explicit:
                source = attribute if given is not None else f"{SETTING_NAME}[{setting!r}]"
                messages.append(
                    Error(
                        f"{label}: {source} names {name!r}, which is no field of "
                        f"{model._meta.label}; the view silently goes without it.",
                        hint=f"Add the field {name!r} to {model._meta.label} (with a "
                        f"migration), or name one of its fields in {source}.",
                        id=E010,
                    )
                )
            elif attribute == "version_field":
                messages.append(
                    Info(
                        f"{label}: model {model._meta.label} without a version field "
                        f"({name!r}): hash ETags, a serialization per request.",
                        hint=f"Add version = django_http_errors.fields.VersionField() to "
                        f"{model._meta.label} for ETags without serialization and a "
                        f"compare-and-swap; or silence {I010} if hashes are what you want.",
                        id=I010,
                    )
                )
    return messages


def _is_ours(handler: Any) -> bool:
    if isinstance(handler, str):
        return handler.startswith(f"{VIEWS_MODULE}.")
    return getattr(handler, "__module__", None) == VIEWS_MODULE


def _handler_path(name: str) -> str:
    function = {
        "handler400": "bad_request",
        "handler403": "permission_denied",
        "handler404": "page_not_found",
        "handler500": "server_error",
    }[name]
    return f"{VIEWS_MODULE}.{function}"


def _views(patterns: Sequence[URLPattern | URLResolver]) -> list[type]:
    """Every class-based view of the URLconf, once each, in URL order."""
    found: dict[type, None] = {}
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found.update(dict.fromkeys(_views(pattern.url_patterns)))
            continue
        callback = pattern.callback
        # DRF's as_view() sets cls (a viewset's too); Django's sets view_class.
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if isinstance(view, type):
            found[view] = None
    return list(found)


def _model_of(view: type) -> type[models.Model] | None:
    """The model a view serves, from its ``queryset`` or its serializer's ``Meta.model``."""
    queryset = getattr(view, "queryset", None)
    if isinstance(queryset, models.QuerySet):
        return queryset.model
    meta = getattr(getattr(view, "serializer_class", None), "Meta", None)
    model = getattr(meta, "model", None)
    return model if isinstance(model, type) and issubclass(model, models.Model) else None


# Idempotency-Key (issue 15): ids from 020 on.
E020 = "django_http_errors.E020"


@register(Tags.compatibility)
def check_idempotency_settings(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """A key must outlive its lease, or a retry could run a request that is still running."""
    value = user_settings()
    defaults = HttpErrorsSettings()
    expiry = value.get("IDEMPOTENCY_KEY_EXPIRY", defaults.IDEMPOTENCY_KEY_EXPIRY)
    lease = value.get("IDEMPOTENCY_KEY_LEASE", defaults.IDEMPOTENCY_KEY_LEASE)
    if not (isinstance(expiry, int) and isinstance(lease, int)) or 0 <= lease < expiry:
        return []
    return [
        Error(
            f"{SETTING_NAME}['IDEMPOTENCY_KEY_LEASE'] ({lease}) must be at least 0 and less "
            f"than {SETTING_NAME}['IDEMPOTENCY_KEY_EXPIRY'] ({expiry}).",
            hint="The lease is how long a request may run before a retry takes its key over "
            "(a minute); the expiry how long its answer is kept (a day).",
            id=E020,
        )
    ]


# Every writer bumps the version (issue 19).
W016 = "django_http_errors.W016"


@register(Tags.urls, Tags.models)
def check_version_fields(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """A conditional view's version field is a ``VersionField``, or only the mixin bumps it.

    A plain integer field changes with the mixin's writes alone: after a ``save()`` by a form,
    the admin or a script, a client's old ETag still matches, so its If-None-Match gets a
    stale 304 and its If-Match overwrites the change.
    """
    from .fields import VersionField

    default = get_settings().VERSION_FIELD
    seen: set[tuple[type[models.Model], str]] = set()
    messages: list[CheckMessage] = []
    for view in _views(get_resolver().url_patterns):
        model = _model_of(view) if issubclass(view, ConditionalUpdateMixin) else None
        if model is None:
            continue
        # Resolved as the mixin resolves it; a name that is no field is E010's to report.
        name = getattr(view, "version_field", None) or default
        if not isinstance(name, str) or not has_field(model, name) or (model, name) in seen:
            continue
        seen.add((model, name))
        if isinstance(model._meta.get_field(name), VersionField):
            continue
        messages.append(
            Warning(
                f"{model._meta.label}.{name}, the version field of "
                f"{view.__module__}.{view.__qualname__}, is no VersionField: only the mixin's "
                "writes bump it, so a save() by a form, the admin or a script leaves the ETag "
                "clients hold matching (a stale 304, an overwritten change).",
                hint=f"Declare it as {name} = django_http_errors.fields.VersionField() and run "
                f"makemigrations; or bump it in every other writer and silence {W016}.",
                id=W016,
            )
        )
    return messages


# Lists that show what the detail hides (issue 19).
W017 = "django_http_errors.W017"
#: A view sets this to say that its own queryset already leaves out what its permissions hide.
QUERYSET_EXCLUDES_HIDDEN = "queryset_excludes_hidden_objects"
#: The methods whose object lookups HiddenFilter filters.
LOOKUP_METHODS = ("GET", "PUT", "PATCH", "DELETE", "POST")


@register(Tags.urls, Tags.security)
def check_hidden_objects_in_lists(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """What a view's permissions hide from its detail (404), its list must not show.

    DRF asks object permissions only where it looks up one object: a list shows every object of
    the queryset unless ``HiddenFilter`` (or the view's own queryset) leaves the hidden ones
    out, and ``HiddenFilter`` can only with the ``object_filter`` of every rule that judges
    objects. Read from the view's ``permission_classes`` and ``filter_backends``.
    """
    # Imported here so that this check stays one block of its own.
    from .permissions import HiddenFilter, refusals, unfiltered_rules

    messages: list[CheckMessage] = []
    for view in _views(get_resolver().url_patterns):
        if getattr(view, QUERYSET_EXCLUDES_HIDDEN, False):
            continue
        label = f"{view.__module__}.{view.__qualname__}"
        # ListModelMixin's list(), or a viewset's own list action.
        lists = callable(getattr(view, "list", None))
        filtered = any(
            isinstance(backend, type) and issubclass(backend, HiddenFilter)
            for backend in getattr(view, "filter_backends", ())
        )
        for permission_class in getattr(view, "permission_classes", ()):
            permission = permission_class()
            name = getattr(permission_class, "__name__", type(permission).__name__)
            missing = unfiltered_rules(permission)
            methods = LOOKUP_METHODS if filtered else ("GET",)
            if not any(r.hide for m in methods for r in refusals(permission, m, view)):
                continue
            if lists and not filtered:
                fix = "add HiddenFilter to its filter_backends"
                if missing:
                    fix += f" and give {', '.join(missing)} an object_filter(request, view)"
                messages.append(
                    Warning(
                        f"{label}: its list shows every object of its queryset, also those "
                        f"{name} hides from its detail (404).",
                        hint=f"Lists leave out what the detail hides: {fix}; or leave them "
                        f"out in get_queryset() and set {QUERYSET_EXCLUDES_HIDDEN} = True.",
                        id=W017,
                    )
                )
            elif filtered and missing:
                messages.append(
                    Warning(
                        f"{label}: HiddenFilter cannot leave out what {name} hides; rules in it "
                        "without an object_filter(request, view) of their own: "
                        f"{', '.join(missing)}. Requests it hides objects from fail with "
                        "ImproperlyConfigured.",
                        hint="Give each an object_filter(request, view) returning the Q of the "
                        "objects its allows_object allows; a rule that hides nothing can "
                        "instead have an entry of permission_classes of its own.",
                        id=W017,
                    )
                )
    return messages


# Read your own writes (issue 20): ids from 021.
E021 = "django_http_errors.E021"
W021 = "django_http_errors.W021"
READ_YOUR_WRITES_MIDDLEWARE = "django_http_errors.routing.ReadYourWritesMiddleware"


@register(Tags.compatibility)
def check_read_your_writes(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """``READ_YOUR_WRITES`` is a number of seconds, and needs its middleware to do anything."""
    seconds = user_settings().get("READ_YOUR_WRITES", 0)
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds == 0:
        return []  # off, or of the wrong type: E003's to report
    if seconds < 0:
        return [
            Error(
                f"{SETTING_NAME}['READ_YOUR_WRITES'] ({seconds}) must not be negative.",
                hint="It is the seconds a client reads from the primary after a write; 0 is off.",
                id=E021,
            )
        ]
    if READ_YOUR_WRITES_MIDDLEWARE in _middleware():
        return []
    return [
        Warning(
            f"{SETTING_NAME}['READ_YOUR_WRITES'] is set but ReadYourWritesMiddleware is not "
            "installed: no request is marked, and every read goes where the router sends it.",
            hint=f"Add {READ_YOUR_WRITES_MIDDLEWARE!r} to MIDDLEWARE, after RequestIDMiddleware.",
            id=W021,
        )
    ]
