"""Checks of the ``HTTP_ERRORS`` setting: its shape, its keys, the types and ranges of its
values."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Sequence
from dataclasses import fields
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Tags

from ..assembly import problem_type_uri
from ..check_ids import CHECK_IDS
from ..conf import (
    SETTING_NAME,
    SETTING_NAMES,
    HttpErrorsSettings,
    get_settings,
    raw_setting,
    setting_given,
    user_settings,
)
from ..routing import ReadYourWritesMiddleware
from .common import is_path, middleware, reports

__all__ = [
    "READ_YOUR_WRITES_MIDDLEWARE",
    "check_idempotency_settings",
    "check_problem_type_base",
    "check_read_your_writes",
    "check_setting_name",
    "check_settings",
]

READ_YOUR_WRITES_MIDDLEWARE = (
    f"{ReadYourWritesMiddleware.__module__}.{ReadYourWritesMiddleware.__qualname__}"
)


@reports("E001", "E002", "E003", "E004", "E007", tags=[Tags.compatibility])
def check_settings(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """``HTTP_ERRORS`` must be a dict of known names with values of the right type."""
    value = raw_setting()
    if not isinstance(value, dict):
        return [CHECK_IDS["E001"]()]
    messages: list[CheckMessage] = []
    hints = typing.get_type_hints(HttpErrorsSettings)
    known = ", ".join(sorted(SETTING_NAMES))
    for key in sorted(set(value) - SETTING_NAMES):
        messages.append(CHECK_IDS["E002"](key=key, known=known))
    for field in fields(HttpErrorsSettings):
        if field.name in value and not _is_instance(value[field.name], hints[field.name]):
            messages.append(
                CHECK_IDS["E003"](
                    name=field.name, type=_type_name(hints[field.name]), default=field.default
                )
            )
    retry_after = value.get("DATABASE_RETRY_AFTER", 0)
    if isinstance(retry_after, int) and retry_after < 0:
        messages.append(CHECK_IDS["E004"]())
    base = value.get("PROBLEM_TYPE_BASE_URL")
    if isinstance(base, str) and base and not _is_absolute_url_or_path(base):
        example = problem_type_uri("not-found", None)
        messages.append(CHECK_IDS["E007"](base=base, example=example))
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


@reports("W012", tags=[Tags.compatibility])
def check_setting_name(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """A setting named like ``HTTP_ERRORS`` while ``HTTP_ERRORS`` is unset is a misspelling of it,
    ignored with every key in it."""
    if setting_given():
        return []
    names = [name for name in dir(settings) if name.isupper()]
    return [CHECK_IDS["W012"](name=name) for name in difflib.get_close_matches(SETTING_NAME, names)]


@reports("W006", tags=[Tags.compatibility], deploy=True)
def check_problem_type_base(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """In production, problem types are absolute URIs: ``PROBLEM_TYPE_BASE_URL`` is an absolute
    URL, not unset and not a path from the root (which E007 lets pass)."""
    base = get_settings().PROBLEM_TYPE_BASE_URL
    if base and not is_path(base):
        return []
    return [CHECK_IDS["W006"]()]


@reports("E020", tags=[Tags.compatibility])
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
    return [CHECK_IDS["E020"](lease=lease, expiry=expiry)]


@reports("E021", "W021", tags=[Tags.compatibility])
def check_read_your_writes(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """``READ_YOUR_WRITES`` is a number of seconds, and needs its middleware to do anything."""
    seconds = user_settings().get("READ_YOUR_WRITES", 0)
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds == 0:
        return []  # off, or of the wrong type: E003's to report
    if seconds < 0:
        return [CHECK_IDS["E021"](seconds=seconds)]
    if READ_YOUR_WRITES_MIDDLEWARE in middleware():
        return []
    return [CHECK_IDS["W021"](path=READ_YOUR_WRITES_MIDDLEWARE)]
