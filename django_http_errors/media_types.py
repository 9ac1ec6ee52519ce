"""Which media type a problem is sent as, from the request's ``Accept``: pure.

The rule: ``application/problem+json`` when the client accepts it; else ``application/json``
when it accepts that; else, as RFC 9110 §12.5.1 lets a server disregard ``Accept``, whichever
of the two the client did not refuse, so it still learns its error; and when it refused both
(``q=0``), nothing: the caller answers 406 without content.
"""

from __future__ import annotations

import functools
from typing import Final

from .problems import PROBLEM_JSON

JSON: Final = "application/json"

#: The media types a problem can be sent as, in the order of preference.
PROBLEM_MEDIA_TYPES: Final = (PROBLEM_JSON, JSON)


def weight(accept: str | None, media_type: str) -> float | None:
    """The weight ``accept`` gives ``media_type``: that of its most specific matching range.

    RFC 9110 §12.5.1: ``type/subtype`` takes precedence over ``type/*``, which takes precedence
    over ``*/*``. No ``Accept`` at all accepts everything (1.0); a range that names the type
    with ``q=0`` refuses it (§12.4.2: "not acceptable"); ``None`` when no range matches, so
    the client did not name the type. A weight that is not a number between 0 and 1 refuses:
    a client that wrote one gave no consent. Parameters other than ``q`` are not compared.
    """
    if accept is None or not accept.strip():
        return 1.0
    wanted_type, _, wanted_subtype = media_type.lower().partition("/")
    best: tuple[int, float] | None = None
    for item in accept.split(","):
        range_, _, parameters = item.partition(";")
        range_type, slash, range_subtype = range_.strip().lower().partition("/")
        if not slash:
            continue
        if (range_type, range_subtype) == (wanted_type, wanted_subtype):
            specificity = 2
        elif (range_type, range_subtype) == (wanted_type, "*"):
            specificity = 1
        elif (range_type, range_subtype) == ("*", "*"):
            specificity = 0
        else:
            continue
        if best is None or specificity > best[0]:
            best = (specificity, quality(parameters))
    return None if best is None else best[1]


def quality(parameters: str) -> float:
    """The ``q`` parameter's weight (RFC 9110 §12.4.2); 1 when absent, 0 when invalid."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                return 0.0
            return quality if 0.0 <= quality <= 1.0 else 0.0
    return 1.0


def accepts(accept: str | None, media_type: str) -> bool:
    """Whether ``accept`` accepts ``media_type``: named with a weight above 0."""
    found = weight(accept, media_type)
    return found is not None and found > 0


#: Clients send few distinct Accept fields, and every error asks this of its request's; the
#: cache is bounded, so a client that sends a new one each time only misses it.
@functools.lru_cache(maxsize=256)
def problem_media_type(accept: str | None) -> str | None:
    """The media type to send a problem as; ``None`` when the client refused both (406).

    1. ``application/problem+json`` when accepted.
    2. Else ``application/json`` when accepted: the same object, which a JSON client reads.
    3. Else the first of them that the client did not refuse with ``q=0``: it named neither
       (``text/csv``), and RFC 9110 §12.5.1 lets the server disregard ``Accept`` rather than
       hide the error behind a 406.
    4. Else ``None``: it refused both, and a refused type is never sent (§12.4.2).
    """
    for media_type in PROBLEM_MEDIA_TYPES:
        if accepts(accept, media_type):
            return media_type
    for media_type in PROBLEM_MEDIA_TYPES:
        if weight(accept, media_type) is None:
            return media_type
    return None
