"""HTTP-date: parse any of its three formats, format the preferred one; pure, plain values."""

from __future__ import annotations

import math
import re
import time
from datetime import datetime, timedelta, timezone
from typing import Final

__all__ = ["format_http_date", "parse_http_date"]

_DAY_NAMES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_NAMES_LONG: Final = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
_MONTH_NAMES: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
# HTTP-date is case-sensitive and its digits are ASCII only, hence [0-9], not \d.
_DAY: Final = "|".join(_DAY_NAMES)
_DAY_LONG: Final = "|".join(_DAY_NAMES_LONG)
_MONTH: Final = "|".join(_MONTH_NAMES)
_TIME: Final = "(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
_IMF_FIXDATE_RE: Final = re.compile(
    f"(?:{_DAY}), (?P<day>[0-9]{{2}}) (?P<month>{_MONTH}) (?P<year>[0-9]{{4}}) {_TIME} GMT"
)
_RFC850_DATE_RE: Final = re.compile(
    f"(?:{_DAY_LONG}), (?P<day>[0-9]{{2}})-(?P<month>{_MONTH})-(?P<year>[0-9]{{2}}) {_TIME} GMT"
)
_ASCTIME_DATE_RE: Final = re.compile(
    f"(?:{_DAY}) (?P<month>{_MONTH}) (?P<day>[0-9]{{2}}| [0-9]) {_TIME} (?P<year>[0-9]{{4}})"
)
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=timezone.utc)
_OWS: Final = " \t"


def parse_http_date(value: str, *, now: float | None = None) -> int | None:
    """Parse any of the three HTTP-date formats to POSIX seconds, else None (RFC 9110 §5.6.7)."""
    stripped = value.strip(_OWS)
    match = _IMF_FIXDATE_RE.fullmatch(stripped) or _ASCTIME_DATE_RE.fullmatch(stripped)
    is_rfc850 = match is None
    if match is None:
        match = _RFC850_DATE_RE.fullmatch(stripped)
        if match is None:
            return None
    month = _MONTH_NAMES.index(match["month"]) + 1
    day = int(match["day"])
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"])
    if is_rfc850:
        year = _rfc850_year(
            int(match["year"]),
            (month, day, hour, minute, second),
            time.time() if now is None else now,
        )
    else:
        year = int(match["year"])
    # RFC 5322 §3.3, where IMF-fixdate comes from, allows second 60 for a leap second; POSIX
    # time has none, so 23:59:60 counts as the next second, the way timegm does it.
    leap_second = 1 if second == 60 else 0
    try:
        moment = datetime(year, month, day, hour, minute, second - leap_second, tzinfo=timezone.utc)
    except ValueError:
        return None
    return (moment - _EPOCH) // timedelta(seconds=1) + leap_second


def _rfc850_year(two_digits: int, rest: tuple[int, int, int, int, int], now: float) -> int:
    """Expand an rfc850-date's two-digit year: more than 50 years ahead means last century."""
    today = time.gmtime(now)
    # (year, month, day, hour, minute, second) fifty years from now, compared field by field.
    limit = (today.tm_year + 50, *today[1:6])
    year = today.tm_year - today.tm_year % 100 + two_digits
    if (year, *rest) > limit:
        return year - 100
    # Near the end of a century the next one's years are the nearer reading ("00" in 2099).
    if (year + 100, *rest) <= limit:
        return year + 100
    return year


def format_http_date(timestamp: float) -> str:
    """Format POSIX seconds as an IMF-fixdate, the preferred HTTP-date, dropping the fraction."""
    # floor, not int(): the second that contains the instant, also before 1970.
    moment = _EPOCH + timedelta(seconds=math.floor(timestamp))
    return (
        f"{_DAY_NAMES[moment.weekday()]}, {moment.day:02d} {_MONTH_NAMES[moment.month - 1]} "
        f"{moment.year:04d} {moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} GMT"
    )
