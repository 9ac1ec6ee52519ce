"""The second a validator stands for, and the Last-Modified to send: pure, plain values.

HTTP-dates themselves (RFC 9110 §5.6.7) are parsed and formatted by ``http_dates``.
"""

from __future__ import annotations

import math

from django_http_errors.http_dates import format_http_date

__all__ = ["last_modified_to_send", "to_second", "validator_second"]


def validator_second(changed_at: float, *, clock_skew: int) -> float:
    """The date a change is known to be past by every clock: its whole second, plus one, plus
    the largest difference between the clocks that stamp changes and hand out dates.

    An HTTP-date names a whole second, and a client may send back any date it was given
    (Last-Modified, the ``Date`` of an answer, a date in the content), stamped by another
    server's clock. Compared with this date, If-Unmodified-Since passes and If-Modified-Since
    gives 304 only for a date no clock could have read before the change: a date from before
    it, or from its own second, fails (412, or a full answer), which is safe; none after it
    overwrites or hides it, while the clocks differ by no more than ``clock_skew`` seconds.
    """
    return float(math.floor(changed_at) + 1 + clock_skew)


def last_modified_to_send(validator: float | None, *, now: float) -> str | None:
    """The Last-Modified to send (a ``validator_second``), or None until its second has come.

    An origin server sends no Last-Modified later than its answer's date (RFC 9110 §8.8.2.1).
    Sent from its second on, the date is later than every change it covers and earlier than
    every change to come, so If-Unmodified-Since and If-Modified-Since with it stay exact.
    """
    second = to_second(validator)
    if second is None or second > math.floor(now):
        return None
    return format_http_date(second)


def to_second(last_modified: float | None) -> int | None:
    """Last-Modified truncated to HTTP-date's one-second resolution; ``None`` if there is none."""
    # NaN or infinity cannot be sent as Last-Modified, so it is no validator at all.
    if last_modified is None or not math.isfinite(last_modified):
        return None
    return math.floor(last_modified)
