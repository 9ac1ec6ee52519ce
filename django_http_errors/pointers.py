"""Nested validation errors flattened to RFC 6901 JSON Pointers (pure: no Django import)."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

__all__ = ["escape_token", "iter_errors"]

#: Characters left as they are in a URI fragment (RFC 3986 §3.5: pchar / "/" / "?").
_FRAGMENT_SAFE = "/?:@!$&'()*+,;=-._~"


@functools.lru_cache(maxsize=1024)
def escape_token(token: str) -> str:
    """One reference token: ``~`` as ``~0`` and ``/`` as ``~1`` (RFC 6901 §3), then
    percent-encoded for a URI fragment (RFC 6901 §6)."""
    # Array indices would churn the cache; they never need escaping.
    if token.isdigit() and token.isascii():
        return token
    # A JSON key may hold a lone surrogate ("\ud800" is valid JSON) that UTF-8 cannot encode;
    # surrogatepass gives it octets that percent-decode back to the same key.
    return quote(
        token.replace("~", "~0").replace("/", "~1"), safe=_FRAGMENT_SAFE, errors="surrogatepass"
    )


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
        # Lists first and dicts before the Mapping ABC: isinstance on an ABC is slow.
        if isinstance(value, (list, tuple)):
            # Messages in a list are the messages of the member that holds the list; anything
            # else in it is an array item (a ListSerializer), and an empty one has no errors.
            items: list[tuple[str, Any]] = []
            for index, item in enumerate(value):
                if isinstance(item, str):
                    yield pointer, str(item), getattr(item, "code", None) or "invalid"
                elif item:
                    items.append((f"{pointer}/{index}", item))
            stack.extend(reversed(items))
        elif isinstance(value, (dict, Mapping)):
            children = [
                (pointer if str(key) == non_field_key else f"{pointer}/{escape_token(str(key))}", v)
                for key, v in value.items()
            ]
            stack.extend(reversed(children))
        else:
            yield pointer, str(value), getattr(value, "code", None) or "invalid"
