"""Evaluate conditional requests in the order the standard sets: pure, plain values in and out."""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from django_http_errors.etags import (
    EntityTag,
    Wildcard,
    parse_etag,
    parse_etag_list,
    strong_match,
    weak_match,
)
from django_http_errors.http_dates import format_http_date, parse_http_date

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
