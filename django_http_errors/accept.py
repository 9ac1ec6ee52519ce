"""Which media type a client prefers, from its ``Accept`` field: pure, plain values in and out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

__all__ = ["preferred_media_type"]

_OWS: Final = " \t"


def preferred_media_type(accept: str | None, offered: Sequence[str]) -> str | None:
    """The one of ``offered`` that ``accept`` weighs highest, the first of equals; ``None``
    when it accepts none of them (RFC 9110 §12.5.1).

    Each offered type takes the weight of the most specific range that matches it
    (``text/html`` before ``text/*`` before ``*/*``); ``q=0`` refuses it (§12.4.2). No
    ``Accept`` (or none that can be read) accepts anything: the first offered.
    """
    ranges = [parsed for parsed in map(_parse_range, (accept or "").split(",")) if parsed]
    if not ranges:
        # No Accept, or none of it readable: no preference (§12.5.1).
        return offered[0] if offered else None
    best, best_weight = None, 0.0
    for media_type in offered:
        weight = _weight(media_type.lower(), ranges)
        if weight > best_weight:
            best, best_weight = media_type, weight
    return best


def _weight(media_type: str, ranges: list[tuple[str, str, float]]) -> float:
    kind, _, subtype = media_type.partition("/")
    found: tuple[int, float] | None = None
    for range_kind, range_subtype, weight in ranges:
        if range_kind == kind and range_subtype == subtype:
            specificity = 2
        elif range_kind == kind and range_subtype == "*":
            specificity = 1
        elif range_kind == "*" and range_subtype == "*":
            specificity = 0
        else:
            continue
        if found is None or specificity > found[0]:
            found = (specificity, weight)
    return 0.0 if found is None else found[1]


def _parse_range(item: str) -> tuple[str, str, float] | None:
    """``type/subtype`` and its weight; ``None`` for an element that is not a media range."""
    media_range, *parameters = item.split(";")
    kind, slash, subtype = media_range.strip(_OWS).lower().partition("/")
    if not (kind and slash and subtype) or (kind == "*" and subtype != "*"):
        return None
    weight = 1.0
    for parameter in parameters:
        name, _, value = parameter.strip(_OWS).partition("=")
        if name.strip(_OWS).lower() == "q":
            try:
                weight = float(value.strip(_OWS))
            except ValueError:
                return None
            if not 0.0 <= weight <= 1.0:
                return None
    return kind, subtype, weight
