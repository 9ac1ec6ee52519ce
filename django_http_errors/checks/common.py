"""What the checks share: how one is registered with the ids it reports, and how they read
the project (its settings, its URLconf's views)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final, TypeVar

from django.conf import settings
from django.core.checks import CheckMessage, register
from django.db import models
from django.urls import URLPattern, URLResolver

from ..check_ids import CHECK_IDS

__all__ = [
    "APP_NAME",
    "REPORTED_BY",
    "is_path",
    "middleware",
    "model_of",
    "reports",
    "rest_framework",
    "urlconf_views",
]

APP_NAME: Final = "django_http_errors"

Check = TypeVar("Check", bound=Callable[..., list[CheckMessage]])

#: Every check of the app and the codes of the ids it reports.
REPORTED_BY: dict[Callable[..., list[CheckMessage]], tuple[str, ...]] = {}


def reports(
    *codes: str, tags: Sequence[str] = (), deploy: bool = False, registered: bool = True
) -> Callable[[Check], Check]:
    """Declare the ids a check reports and register it with Django's check framework (unless
    ``registered`` is false: a check that something else calls)."""
    unknown = [code for code in codes if code not in CHECK_IDS]
    if unknown:
        raise LookupError(f"No such check ids in check_ids: {', '.join(unknown)}")

    def declare(check: Check) -> Check:
        REPORTED_BY[check] = codes
        if registered:
            register(*tags, deploy=deploy)(check)
        return check

    return declare


def is_path(base: object) -> bool:
    """Whether a ``PROBLEM_TYPE_BASE_URL`` is a path from the root; one of the wrong type is
    E003's to report."""
    return isinstance(base, str) and base.startswith("/")


def middleware() -> Sequence[str]:
    """``MIDDLEWARE``, or none."""
    return getattr(settings, "MIDDLEWARE", None) or []


def rest_framework() -> dict[str, Any]:
    """``REST_FRAMEWORK``, or an empty dict."""
    return getattr(settings, "REST_FRAMEWORK", {}) or {}


def urlconf_views(patterns: Sequence[URLPattern | URLResolver]) -> list[type]:
    """Every class-based view of the URLconf, once each, in URL order."""
    found: dict[type, None] = {}
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found.update(dict.fromkeys(urlconf_views(pattern.url_patterns)))
            continue
        callback = pattern.callback
        # DRF's as_view() sets cls (a viewset's too); Django's sets view_class.
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if isinstance(view, type):
            found[view] = None
    return list(found)


def model_of(view: type) -> type[models.Model] | None:
    """The model a view serves, from its ``queryset`` or its serializer's ``Meta.model``."""
    queryset = getattr(view, "queryset", None)
    if isinstance(queryset, models.QuerySet):
        return queryset.model
    meta = getattr(getattr(view, "serializer_class", None), "Meta", None)
    model = getattr(meta, "model", None)
    return model if isinstance(model, type) and issubclass(model, models.Model) else None
