"""System checks: every misconfiguration we can detect, each with a stable id and a hint."""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.module_loading import import_string

from .conf import SETTING_NAME, SETTING_NAMES, HttpErrorsSettings
from .handlers import exception_handler

HANDLER_PATH = "django_http_errors.handlers.exception_handler"
MIDDLEWARE_PATH = "django_http_errors.middleware.RequestIDMiddleware"

E001 = "django_http_errors.E001"
E002 = "django_http_errors.E002"
E003 = "django_http_errors.E003"
E004 = "django_http_errors.E004"
W001 = "django_http_errors.W001"
W002 = "django_http_errors.W002"
W003 = "django_http_errors.W003"
W004 = "django_http_errors.W004"
SQLITE_ENGINE = "django.db.backends.sqlite3"


@register(Tags.compatibility)
def check_settings(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """``HTTP_ERRORS`` must be a dict of known names with values of the right type."""
    value = getattr(settings, SETTING_NAME, {})
    if not isinstance(value, dict):
        return [
            Error(
                f"{SETTING_NAME} must be a dict.",
                hint=f"Set {SETTING_NAME} = {{...}}; its keys are listed in the README.",
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
                hint="Retry-After is a non-negative number of seconds (RFC 9110 §10.2.3).",
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
                "so DRF answers 403 where a request is not authenticated (RFC 9110 §15.5.2 "
                "says 401).",
                hint=f"Set REST_FRAMEWORK['EXCEPTION_HANDLER'] = {HANDLER_PATH!r}.",
                id=W002,
            )
        )
    return messages


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
    """SQLite under ``ATOMIC_REQUESTS`` needs IMMEDIATE transactions for concurrent writers.

    A DEFERRED transaction reads first and takes the write lock later; two of them deadlock on
    that upgrade, SQLite gives up at once with "database is locked", and the handler can only
    answer 503. IMMEDIATE transactions take the lock first and wait for it instead.
    """
    return [
        Warning(
            f"Database {alias!r} is SQLite with ATOMIC_REQUESTS and DEFERRED transactions: "
            "concurrent writes may fail with 'database is locked' (answered 503).",
            hint="On Django 5.1+ set OPTIONS['transaction_mode'] = 'IMMEDIATE'; "
            "or serve concurrent writers from PostgreSQL.",
            id=W004,
        )
        for alias in deferred_sqlite_aliases(settings.DATABASES)
    ]


def deferred_sqlite_aliases(databases: dict[str, dict[str, Any]]) -> list[str]:
    """The aliases of SQLite databases with ``ATOMIC_REQUESTS`` and DEFERRED transactions."""
    return [
        alias
        for alias, config in databases.items()
        if config.get("ENGINE") == SQLITE_ENGINE
        and config.get("ATOMIC_REQUESTS")
        and str((config.get("OPTIONS") or {}).get("transaction_mode", "")).upper() != "IMMEDIATE"
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


# Idempotency-Key (issue 15): ids from 020 on.
E020 = "django_http_errors.E020"


@register(Tags.compatibility)
def check_idempotency_settings(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """A key must outlive its lease, or a retry could run a request that is still running."""
    value = getattr(settings, SETTING_NAME, {})
    if not isinstance(value, dict):
        return []
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
