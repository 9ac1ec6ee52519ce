"""Checks of how the project wires the app: DRF's settings, the middleware, the languages and
the databases."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Tags
from django.middleware.locale import LocaleMiddleware as DjangosLocaleMiddleware
from django.utils.module_loading import import_string

from ..check_ids import CHECK_IDS
from ..conf import REQUEST_ID_MIDDLEWARE
from ..handlers import exception_handler
from ..languages import SOURCE_LANGUAGE, speaks
from ..negotiation import ProblemContentNegotiation
from .common import middleware, reports, rest_framework

__all__ = [
    "DRF_NEGOTIATION_PATH",
    "HANDLER_PATH",
    "LOCALE_MIDDLEWARE",
    "MIDDLEWARE_PATH",
    "NEGOTIATION_PATH",
    "SCHEMA_MODULE",
    "SQLITE_ENGINE",
    "atomic_sqlite_aliases",
    "check_content_negotiation",
    "check_exception_handler",
    "check_languages",
    "check_locale_middleware",
    "check_middleware",
    "check_schema_class",
    "check_sqlite_transactions",
    "deferred_sqlite_aliases",
]

HANDLER_PATH: Final = "django_http_errors.handlers.exception_handler"
NEGOTIATION_PATH: Final = "django_http_errors.negotiation.ProblemContentNegotiation"
#: The module of ``ProblemAutoSchema``, built on drf-spectacular.
SCHEMA_MODULE: Final = "django_http_errors.schema"
#: DRF's default ``DEFAULT_CONTENT_NEGOTIATION_CLASS``.
DRF_NEGOTIATION_PATH: Final = "rest_framework.negotiation.DefaultContentNegotiation"
MIDDLEWARE_PATH: Final = REQUEST_ID_MIDDLEWARE
LOCALE_MIDDLEWARE: Final = "django.middleware.locale.LocaleMiddleware"
SQLITE_ENGINE: Final = "django.db.backends.sqlite3"
#: The app's translations, one directory per language.
LOCALE_DIR: Final = Path(__file__).resolve().parent.parent / "locale"


@reports("W001", "W002", tags=[Tags.compatibility])
def check_exception_handler(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """Our handler must be DRF's ``EXCEPTION_HANDLER``, or DRF answers with its own bodies.

    Without it, DRF also answers 403 instead of 401 to unauthenticated requests whenever the
    first authentication class has no challenge, as SessionAuthentication has none.
    """
    rest = rest_framework()
    if _handler_is_ours(rest):
        return []
    messages = [CHECK_IDS["W001"](path=HANDLER_PATH)]
    if _first_authenticator_has_no_challenge(rest):
        messages.append(CHECK_IDS["W002"](path=HANDLER_PATH))
    return messages


@reports("E005", tags=[Tags.compatibility])
def check_content_negotiation(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """With our handler, DRF's negotiation must be ``ProblemContentNegotiation`` (or a subclass).

    DRF's own answers 406 to a client that accepts only ``application/problem+json`` (the one
    media type an OpenAPI document gives for a DELETE's responses), before the view runs: the
    client gets 406 instead of its errors and its 204s.
    """
    rest = rest_framework()
    if not _handler_is_ours(rest):
        return []
    given = rest.get("DEFAULT_CONTENT_NEGOTIATION_CLASS", DRF_NEGOTIATION_PATH)
    if _names_subclass(given, ProblemContentNegotiation):
        return []
    return [CHECK_IDS["E005"](given=given, path=NEGOTIATION_PATH)]


@reports("E008", tags=[Tags.compatibility])
def check_schema_class(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """``ProblemAutoSchema`` is drf-spectacular's ``AutoSchema`` extended: it needs drf-spectacular.

    Without it DRF cannot import the class it is told to use: generating the schema fails with
    an ``ImportError``, of drf-spectacular or of its dependency uritemplate.
    """
    given = rest_framework().get("DEFAULT_SCHEMA_CLASS")
    if not (isinstance(given, str) and given.startswith(f"{SCHEMA_MODULE}.")):
        return []
    # Found as AppConfig.ready() finds it to load the OpenAPI extensions.
    if importlib.util.find_spec("drf_spectacular") is not None:
        return []
    return [CHECK_IDS["E008"](given=given)]


@reports("W003", "W007", tags=[Tags.compatibility])
def check_middleware(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """Request ids need the middleware, first, or problems and logs carry none.

    A middleware above it answers without one: a redirect it makes, the 404 it turns into a
    redirect (CommonMiddleware's APPEND_SLASH), the 400 problem of a Host it refuses.
    """
    installed = list(middleware())
    if MIDDLEWARE_PATH not in installed:
        return [CHECK_IDS["W003"](path=MIDDLEWARE_PATH)]
    above = installed[: installed.index(MIDDLEWARE_PATH)]
    if not above:
        return []
    return [CHECK_IDS["W007"](above=", ".join(above), path=MIDDLEWARE_PATH)]


@reports("W008", tags=[Tags.compatibility, Tags.translation])
def check_locale_middleware(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """The app's translations reach a client through LocaleMiddleware, which reads its
    ``Accept-Language``; without it every problem is in ``LANGUAGE_CODE``."""
    languages = _shipped_languages()
    if not settings.USE_I18N or not languages or selects_languages():
        return []
    return [
        CHECK_IDS["W008"](
            languages=", ".join(languages),
            language_code=settings.LANGUAGE_CODE,
            path=LOCALE_MIDDLEWARE,
        )
    ]


@reports("W013", tags=[Tags.compatibility, Tags.translation])
def check_languages(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """Every language of ``LANGUAGES`` is one the library's strings exist in, so that a problem
    is in one language: a request in another gets DRF's and Django's messages in it (their
    catalogs cover most languages) beside the library's English, and only DRF's default
    messages can be given again in English."""
    if not settings.USE_I18N or not selects_languages():
        return []
    unspoken = [code for code, _name in settings.LANGUAGES if not speaks(code)]
    if not unspoken:
        return []
    shown = ", ".join(unspoken[:8]) + (
        f" and {len(unspoken) - 8} more" if len(unspoken) > 8 else ""
    )
    spoken = ", ".join([SOURCE_LANGUAGE, *_shipped_languages()])
    return [CHECK_IDS["W013"](unspoken=shown, spoken=spoken)]


def selects_languages() -> bool:
    """Whether ``MIDDLEWARE`` has Django's ``LocaleMiddleware``, or a subclass of it (the
    library's, which names ``Cookie`` in ``Vary``)."""
    for path in middleware():
        try:
            found = import_string(path)
        except ImportError:
            continue  # check E002 and Django's own say so
        if isinstance(found, type) and issubclass(found, DjangosLocaleMiddleware):
            return True
    return False


def _shipped_languages() -> list[str]:
    """The languages the app has translations for."""
    return sorted(path.parent.name for path in LOCALE_DIR.glob("*/LC_MESSAGES"))


@reports("W004", "W005", tags=[Tags.compatibility])
def check_sqlite_transactions(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """SQLite under ``ATOMIC_REQUESTS``: every request holds a transaction, and with it a lock.

    A DEFERRED transaction reads first and takes the write lock later; two of them deadlock on
    that upgrade, SQLite gives up at once with "database is locked", and the handler can only
    answer 503 (W004). An IMMEDIATE one takes the write lock when it begins, before the view
    runs, so every request, reads and refusals included, waits for every other (W005).
    """
    deferred = deferred_sqlite_aliases(settings.DATABASES)
    return [
        CHECK_IDS["W004" if alias in deferred else "W005"](alias=alias)
        for alias in atomic_sqlite_aliases(settings.DATABASES)
    ]


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
