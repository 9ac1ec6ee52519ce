"""System checks: every misconfiguration we can detect, each with a stable id and a hint."""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, Tags, Warning, register
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.module_loading import import_string

from .conf import (
    REQUEST_ID_MIDDLEWARE,
    SETTING_NAME,
    SETTING_NAMES,
    HttpErrorsSettings,
    get_settings,
    raw_setting,
    user_settings,
)
from .handlers import NOT_INSTALLED_ID, exception_handler
from .mixins import ConditionalUpdateMixin, has_field

HANDLER_PATH = "django_http_errors.handlers.exception_handler"
MIDDLEWARE_PATH = REQUEST_ID_MIDDLEWARE

E001 = "django_http_errors.E001"
E002 = "django_http_errors.E002"
E003 = "django_http_errors.E003"
E004 = "django_http_errors.E004"
W001 = "django_http_errors.W001"
W002 = "django_http_errors.W002"
W003 = "django_http_errors.W003"
W004 = "django_http_errors.W004"
W005 = "django_http_errors.W005"
W006 = "django_http_errors.W006"
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
    return messages


@register(Tags.compatibility)
def check_exception_handler(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """Our handler must be DRF's ``EXCEPTION_HANDLER``, or DRF answers with its own bodies.

    Without it, DRF also answers 403 instead of 401 to unauthenticated requests whenever the
    first authentication class has no challenge, as SessionAuthentication has none.
    """
    rest = getattr(settings, "REST_FRAMEWORK", {}) or {}
    if rest.get("EXCEPTION_HANDLER") in (HANDLER_PATH, exception_handler):
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


@register(Tags.compatibility, deploy=True)
def check_problem_type_base(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """In production, problem types are absolute URIs: ``PROBLEM_TYPE_BASE_URL`` is set."""
    if get_settings().PROBLEM_TYPE_BASE_URL:
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
    """Request ids need the middleware, or problems and logs carry none."""
    if MIDDLEWARE_PATH in getattr(settings, "MIDDLEWARE", []):
        return []
    return [
        Warning(
            "RequestIDMiddleware is not installed: problems, logs and responses carry no "
            "request id.",
            hint=f"Add {MIDDLEWARE_PATH!r} near the top of MIDDLEWARE.",
            id=W003,
        )
    ]


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
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return any(_is_instance(value, arg) for arg in typing.get_args(hint))
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
#: Logged by the exception handler, not reported by a check: without the app, none runs.
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
                        hint=f"Add version = PositiveIntegerField(default=1) to "
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
