"""Evaluate conditional requests in the order the standard sets: pure, plain values in and out."""

from __future__ import annotations

import enum
import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Final

from django_http_errors.etags import (
    EntityTag,
    Wildcard,
    parse_etag,
    parse_etag_list,
    strong_match,
    weak_match,
)

__all__ = [
    "GUARDED_METHODS",
    "PRECONDITION_HEADERS",
    "READ_METHODS",
    "Outcome",
    "PreconditionHeader",
    "Preconditions",
    "Target",
    "evaluate",
    "format_http_date",
    "last_modified_to_send",
    "parse_http_date",
    "target_of",
    "validator_second",
]

#: The header fields of conditional requests and of validators (RFC 9110 §8.8).
IF_MATCH: Final = "If-Match"
IF_NONE_MATCH: Final = "If-None-Match"
IF_MODIFIED_SINCE: Final = "If-Modified-Since"
IF_UNMODIFIED_SINCE: Final = "If-Unmodified-Since"
ETAG: Final = "ETag"
LAST_MODIFIED: Final = "Last-Modified"

# Methods are case-sensitive tokens (RFC 9110 §9.1): "get" is not GET and never gets a 304.
#: The methods a 304 answers: If-Modified-Since concerns only them, and a false If-None-Match
#: is 412 for any other.
READ_METHODS: Final = frozenset({"GET", "HEAD"})
#: The writes to an existing resource that a precondition must guard when one is required
#: (else the 428 of a required precondition): a POST creates or acts, and honours the
#: preconditions it is sent.
GUARDED_METHODS: Final = frozenset({"PUT", "PATCH", "DELETE"})

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


class Outcome(enum.Enum):
    """What the server does after evaluating the preconditions (``evaluate``)."""

    PROCEED = "proceed"
    NOT_MODIFIED = "not_modified"
    PRECONDITION_FAILED = "precondition_failed"


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation where it is shown, as Django's does, without Django."""
    return message


class Target(enum.Enum):
    """What a conditional request is evaluated against, so which preconditions apply to it."""

    #: GET of one object: its ETag and Last-Modified.
    OBJECT_READ = "object-read"
    #: GET of a list: its weak ETag (no Last-Modified).
    LIST_READ = "list-read"
    #: POST to a list: the list's weak ETag.
    CREATE = "create"
    #: PUT, PATCH, DELETE or an unsafe action on one object.
    WRITE = "write"


def target_of(
    method: str, *, action: str | None, detail: bool, lists: bool, creates: bool
) -> Target | None:
    """What a conditional view evaluates an operation's preconditions against, if anything.

    ``lists``: a GET of a list whose changes the view tracks (else it has no ETag).
    """
    if method in READ_METHODS:
        if detail:
            # A custom GET action shows something other than the object the validators describe.
            return Target.OBJECT_READ if action in (None, "retrieve") else None
        return Target.LIST_READ if lists and action in (None, "list") else None
    if method == "OPTIONS":
        return None
    if detail:
        return Target.WRITE
    return Target.CREATE if creates else None


@dataclass(frozen=True)
class PreconditionHeader:
    """One precondition header field: its name, the ``Preconditions`` member that holds it,
    the targets it applies to, and what it does (in English, translated where it is shown)."""

    name: str
    member: str
    targets: frozenset[Target]
    description: str


#: Every precondition the evaluation reads: ``Preconditions.of`` and the OpenAPI parameters
#: both read this table, so a new kind is one row here (and its step in ``evaluate``).
PRECONDITION_HEADERS: Final = (
    PreconditionHeader(
        IF_MATCH,
        "if_match",
        frozenset(Target),
        gettext_noop("The ETag you last saw (strong comparison); no match is 412."),
    ),
    PreconditionHeader(
        IF_NONE_MATCH,
        "if_none_match",
        frozenset(Target),
        gettext_noop(
            "'*' or entity tags (weak comparison); a match is 304 on GET, 412 on a write."
        ),
    ),
    PreconditionHeader(
        IF_MODIFIED_SINCE,
        "if_modified_since",
        frozenset({Target.OBJECT_READ}),
        gettext_noop("An HTTP date; not modified since then (and no If-None-Match) is 304."),
    ),
    # A list has no Last-Modified to compare a date with: its GET and POST ignore it.
    PreconditionHeader(
        IF_UNMODIFIED_SINCE,
        "if_unmodified_since",
        frozenset({Target.OBJECT_READ, Target.WRITE}),
        gettext_noop("An HTTP date; modified since then (and no If-Match) is 412."),
    ),
)


@dataclass(frozen=True, slots=True)
class Preconditions:
    """The four precondition field values as received, None when absent (RFC 9110 §13.1)."""

    if_match: str | None = None
    if_none_match: str | None = None
    if_modified_since: str | None = None
    if_unmodified_since: str | None = None

    @classmethod
    def of(cls, headers: Mapping[str, str]) -> Preconditions:
        """The fields of a request's headers (a case-insensitive mapping, as Django's)."""
        return cls(**{field.member: headers.get(field.name) for field in PRECONDITION_HEADERS})

    def guards_write(self, *, last_modified: float | None) -> bool:
        """Whether these guard a write from lost updates (else the 428 of a required precondition).

        If-Match always does. If-Unmodified-Since only when valid and when the resource has a
        Last-Modified to compare it with: otherwise ``evaluate`` ignores it.
        """
        return self.if_match is not None or (
            self.if_unmodified_since is not None
            and parse_http_date(self.if_unmodified_since) is not None
            and _to_second(last_modified) is not None
        )


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
    second = _to_second(validator)
    if second is None or second > math.floor(now):
        return None
    return format_http_date(second)


def evaluate(
    method: str,
    preconditions: Preconditions,
    *,
    etag: str | None,
    last_modified: float | None,
    exists: bool = True,
    same_state: tuple[str, ...] = (),
) -> Outcome:
    """Decide PROCEED, 304 or 412 from the preconditions, in the order of RFC 9110 §13.2.2.

    ``same_state``: the ETags of the other representations of the current state (other
    formats). If-Match is compared with the selected representation's ETag; a write whose
    If-Match names the same state in another format has seen everything it could overwrite, so
    it passes too: If-Match guards against lost updates, and none is possible here.
    """
    is_read = method in READ_METHODS
    # Without a current representation there is nothing to compare a validator against.
    current_etag = parse_etag(etag) if exists and etag is not None else None
    others = [tag for tag in map(parse_etag, same_state) if tag is not None] if exists else []
    current_second = _to_second(last_modified) if exists else None

    # Step 1: If-Match decides alone; If-Unmodified-Since is then ignored.
    if preconditions.if_match is not None:
        if_match = parse_etag_list(preconditions.if_match)
        # Unlike Django, a malformed If-Match fails: it never lets a write through.
        if if_match is None or not _if_match_passes(if_match, current_etag, others, exists=exists):
            return Outcome.PRECONDITION_FAILED
    # Step 2: If-Unmodified-Since, only without If-Match.
    elif preconditions.if_unmodified_since is not None and not _if_unmodified_since_passes(
        preconditions.if_unmodified_since, current_second
    ):
        return Outcome.PRECONDITION_FAILED

    # Step 3: If-None-Match; If-Modified-Since is then ignored.
    if preconditions.if_none_match is not None:
        if_none_match = parse_etag_list(preconditions.if_none_match)
        if if_none_match is None:
            # A read loses only a cache hit; a write must not pass an unreadable condition.
            if not is_read:
                return Outcome.PRECONDITION_FAILED
        elif not _if_none_match_passes(if_none_match, current_etag, exists=exists):
            return Outcome.NOT_MODIFIED if is_read else Outcome.PRECONDITION_FAILED
    # Step 4: If-Modified-Since, for GET and HEAD only.
    elif (
        is_read
        and preconditions.if_modified_since is not None
        and not _if_modified_since_passes(preconditions.if_modified_since, current_second)
    ):
        return Outcome.NOT_MODIFIED

    # Step 5: perform the method.
    return Outcome.PROCEED


def _to_second(last_modified: float | None) -> int | None:
    """Truncate Last-Modified to HTTP-date's one-second resolution."""
    # NaN or infinity cannot be sent as Last-Modified, so it is no validator at all.
    if last_modified is None or not math.isfinite(last_modified):
        return None
    return math.floor(last_modified)


def _if_match_passes(
    if_match: tuple[EntityTag, ...] | Wildcard,
    current: EntityTag | None,
    others: list[EntityTag],
    *,
    exists: bool,
) -> bool:
    """If-Match: "*" needs a representation, a list a strong match (RFC 9110 §13.1.1)."""
    if isinstance(if_match, Wildcard):
        return exists
    # A missing or weak current ETag never matches strongly.
    candidates = [tag for tag in (current, *others) if tag is not None]
    return any(strong_match(tag, have) for tag in if_match for have in candidates)


def _if_unmodified_since_passes(value: str, current_second: int | None) -> bool:
    """If-Unmodified-Since: ignored without a date to compare, else not newer (RFC 9110 §13.1.4)."""
    date = parse_http_date(value)
    if date is None or current_second is None:
        return True
    return current_second <= date


def _if_none_match_passes(
    if_none_match: tuple[EntityTag, ...] | Wildcard, current: EntityTag | None, *, exists: bool
) -> bool:
    """If-None-Match: "*" needs no representation, a list no weak match (RFC 9110 §13.1.2)."""
    if isinstance(if_none_match, Wildcard):
        return not exists
    # Weak comparison: a cache may reuse any representation that is semantically equivalent.
    return current is None or not any(weak_match(tag, current) for tag in if_none_match)


def _if_modified_since_passes(value: str, current_second: int | None) -> bool:
    """If-Modified-Since: ignored without a date to compare, else newer (RFC 9110 §13.1.3)."""
    date = parse_http_date(value)
    if date is None or current_second is None:
        return True
    return current_second > date
