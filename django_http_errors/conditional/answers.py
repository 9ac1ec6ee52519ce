"""The headers a conditional view's success carries: validators and ``Cache-Control``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models
from django.http import HttpResponseBase

from django_http_errors.http_names import CACHE_CONTROL, READ_METHODS

__all__ = ["answer_headers", "is_described", "set_absent"]


def is_described(response: HttpResponseBase) -> bool:
    """Whether the answer is one validators describe: a success or a 304, not an error."""
    status = response.status_code
    return (200 <= status < 300 or status == 304) and not getattr(response, "exception", False)


def answer_headers(
    method: str,
    status: int,
    *,
    read: Mapping[str, str],
    cache_control: Callable[[], str],
    changed: Any,
    created: Any,
    validators_of: Callable[[Any], dict[str, str]],
) -> dict[str, str]:
    """A read's validators (``read``) and ``Cache-Control``; after a PATCH (``changed``) or a
    201 (``created``), the new state's; a PUT's none: what is stored is not exactly what was
    sent (RFC 9110 §9.3.4)."""
    if method in READ_METHODS:
        return {**read, CACHE_CONTROL: cache_control()}
    if method == "PATCH" and changed is not None:
        return validators_of(changed)
    if status == 201 and isinstance(created, models.Model):
        return validators_of(created)
    return {}


def set_absent(response: HttpResponseBase, headers: Mapping[str, str]) -> None:
    """Set each of ``headers`` the response does not carry yet: the view's own win."""
    for name, value in headers.items():
        response.setdefault(name, value)
