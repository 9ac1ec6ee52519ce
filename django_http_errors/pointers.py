"""Nested validation errors flattened to RFC 6901 JSON Pointers (pure: no Django import)."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

#: Characters left as they are in a URI fragment (RFC 3986 §3.5: pchar / "/" / "?").
_FRAGMENT_SAFE = "/?:@!$&'()*+,;=-._~"


@functools.lru_cache(maxsize=1024)
def escape_token(token: str) -> str:
    """One reference token: ``~`` as ``~0`` and ``/`` as ``~1`` (RFC 6901 §3), then
    percent-encoded for a URI fragment (RFC 6901 §6)."""
    # Array indices would churn the cache; they never need escaping.
    if token.isdigit() and token.isascii():
        return token
    return quote(token.replace("~", "~0").replace("/", "~1"), safe=_FRAGMENT_SAFE)


def iter_errors(
    errors: Any, non_field_key: str = "non_field_errors"
) -> Iterator[tuple[str, str, str]]:
    """Yield ``(pointer, detail, code)`` for every message in a DRF-style error structure.

    Dicts are objects, lists of messages are one member's messages, lists of dicts or lists are
    arrays (a ``ListSerializer``), and ``non_field_key`` points at the object that holds it.
    The walk is iterative and linear, so deep or huge structures cost neither recursion nor time.
    """
    # A stack of (pointer, value), reversed on push so that output keeps the input's order.
    stack: list[tuple[str, Any]] = [("#", errors)]
    while stack:
        pointer, value = stack.pop()
        if isinstance(value, Mapping):
            children = [
                (pointer if str(key) == non_field_key else f"{pointer}/{escape_token(str(key))}", v)
                for key, v in value.items()
            ]
            stack.extend(reversed(children))
        elif isinstance(value, (list, tuple)):
            if all(isinstance(item, str) for item in value):
                for item in value:
                    yield pointer, str(item), getattr(item, "code", None) or "invalid"
            else:
                # An array of members: an empty dict or list marks an item without errors.
                stack.extend(
                    (f"{pointer}/{index}", item)
                    for index, item in reversed(list(enumerate(value)))
                    if item or isinstance(item, str)
                )
        else:
            yield pointer, str(value), getattr(value, "code", None) or "invalid"
