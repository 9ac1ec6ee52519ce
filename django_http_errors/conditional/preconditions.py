"""The precondition header fields, declared once, and their evaluation in the order RFC 9110
§13.2.2 sets: pure, plain values in and out.

``PRECONDITIONS`` is the one declaration of the kinds: the request header, the methods it
concerns, the validator it compares, what it means to a client, and the test that decides it.
``Preconditions.of()`` reads a request's headers from it, ``evaluate()`` runs its tests in its
order, ``guards_write()`` asks it which fields guard a write, and the schema documents it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import Final

from django_http_errors.etags import (
    EntityTag,
    Wildcard,
    parse_etag,
    parse_etag_list,
    strong_match,
    weak_match,
)
from django_http_errors.http_dates import parse_http_date
from django_http_errors.http_names import (
    ETAG,
    IF_MATCH,
    IF_MODIFIED_SINCE,
    IF_NONE_MATCH,
    IF_UNMODIFIED_SINCE,
    LAST_MODIFIED,
    READ_METHODS,
)

from .dates import to_second
from .targets import Target

__all__ = [
    "PRECONDITIONS",
    "Current",
    "Outcome",
    "Precondition",
    "Preconditions",
    "evaluate",
    "guarding_headers",
    "names_a_state_tag",
    "revalidating_headers",
]


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation without translating it: this module imports no Django."""
    return message


class Outcome(enum.Enum):
    """What the server does after evaluating the preconditions (``evaluate``)."""

    PROCEED = "proceed"
    NOT_MODIFIED = "not_modified"
    PRECONDITION_FAILED = "precondition_failed"


@dataclass(frozen=True)
class Current:
    """What a precondition is compared with: the request's method and the current state."""

    method: str
    #: The selected representation's ETag, ``None`` without one (or without a resource).
    etag: EntityTag | None
    #: The ETags of the other representations of the same state (other formats).
    others: tuple[EntityTag, ...]
    #: Last-Modified, truncated to the second, ``None`` without one.
    second: int | None
    exists: bool

    @property
    def is_read(self) -> bool:
        """Whether the method is one a 304 answers."""
        return self.method in READ_METHODS


@dataclass(frozen=True)
class Precondition:
    """One kind of precondition: its header field, where it applies, and its test."""

    #: The request header field.
    name: str
    #: The validator it compares (the response header that carries it).
    compares: str
    #: What a client sends and what it gets, for the API's documentation.
    description: str
    #: Whether the field's value holds for the current state (RFC 9110 §13.1).
    holds: Callable[[str, Current], bool]
    #: Its step in the evaluation order of RFC 9110 §13.2.2: the first false one decides.
    step: int
    #: The methods it is evaluated for; ``None``: every method.
    methods: frozenset[str] | None = None
    #: A header field whose presence makes this one ignored.
    yields_to: str | None = None
    #: False on a read, it means "not modified" (304) rather than 412.
    not_modified: bool = False
    #: Whether its presence (a usable value) guards a write from lost updates, so that it
    #: satisfies a required precondition (RFC 6585 §3).
    guards: Callable[[str, int | None], bool] | None = None

    @property
    def member(self) -> str:
        """Its name as a ``Preconditions`` member and keyword: ``if_match`` for ``If-Match``."""
        return self.name.lower().replace("-", "_")

    @property
    def targets(self) -> frozenset[Target]:
        """What it applies to: the targets with its validator, among its methods' (the API
        description lists it there)."""
        return frozenset(
            target
            for target in Target
            if self.compares in target.validators
            and (self.methods is None or self.methods & target.methods)
        )


def _if_match_holds(value: str, current: Current) -> bool:
    """If-Match: "*" needs a representation, a list a strong match (RFC 9110 §13.1.1)."""
    if_match = parse_etag_list(value)
    # Unlike Django, a malformed If-Match fails: it never lets a write through.
    if if_match is None:
        return False
    if isinstance(if_match, Wildcard):
        return current.exists
    # A missing or weak current ETag never matches strongly.
    candidates = [tag for tag in (current.etag, *current.others) if tag is not None]
    return any(strong_match(tag, have) for tag in if_match for have in candidates)


def names_a_state_tag(if_match: str, same_state: Iterable[str]) -> bool:
    """Whether the If-Match value names one of ``same_state`` (``evaluate``'s ETags of the
    current state's other representations): only then can they change its outcome."""
    # A tag can match strongly only where the field spells it out as it is: a stale ETag (the
    # common 412) spells out none, and is answered without parsing any of them.
    written = [tag for tag in same_state if tag.strip() in if_match]
    if not written:
        return False
    others = tuple(tag for tag in map(parse_etag, written) if tag is not None)
    return _if_match_holds(
        if_match, Current("", etag=None, others=others, second=None, exists=True)
    )


def _if_unmodified_since_holds(value: str, current: Current) -> bool:
    """If-Unmodified-Since: ignored without a date to compare, else not newer (RFC 9110 §13.1.4)."""
    date = parse_http_date(value)
    return date is None or current.second is None or current.second <= date


def _if_none_match_holds(value: str, current: Current) -> bool:
    """If-None-Match: "*" needs no representation, a list no weak match (RFC 9110 §13.1.2)."""
    if_none_match = parse_etag_list(value)
    if if_none_match is None:
        # A read loses only a cache hit; a write must not pass an unreadable condition.
        return current.is_read
    if isinstance(if_none_match, Wildcard):
        return not current.exists
    # Weak comparison: a cache may reuse any representation that is semantically equivalent.
    return current.etag is None or not any(weak_match(tag, current.etag) for tag in if_none_match)


def _if_modified_since_holds(value: str, current: Current) -> bool:
    """If-Modified-Since: ignored without a date to compare, else newer (RFC 9110 §13.1.3)."""
    date = parse_http_date(value)
    return date is None or current.second is None or current.second > date


def _always(value: str, second: int | None) -> bool:
    return True


def _with_a_date_to_compare(value: str, second: int | None) -> bool:
    # Only what evaluate() compares guards: an invalid date, or a resource without
    # Last-Modified, makes the field ignored.
    return parse_http_date(value) is not None and second is not None


#: The precondition kinds, in the order of RFC 9110 §13.1 (and of the API description);
#: ``evaluate`` takes them in the order of their ``step``.
PRECONDITIONS: Final[tuple[Precondition, ...]] = (
    Precondition(
        IF_MATCH,
        compares=ETAG,
        description=gettext_noop("The ETag you last saw (strong comparison); no match is 412."),
        holds=_if_match_holds,
        step=1,
        guards=_always,
    ),
    Precondition(
        IF_NONE_MATCH,
        compares=ETAG,
        description=gettext_noop(
            "'*' or entity tags (weak comparison); a match is 304 on GET, 412 on a write."
        ),
        holds=_if_none_match_holds,
        step=3,
        not_modified=True,
    ),
    # For GET and HEAD only.
    Precondition(
        IF_MODIFIED_SINCE,
        compares=LAST_MODIFIED,
        description=gettext_noop(
            "An HTTP date; not modified since then (and no If-None-Match) is 304."
        ),
        holds=_if_modified_since_holds,
        step=4,
        methods=READ_METHODS,
        yields_to=IF_NONE_MATCH,
        not_modified=True,
    ),
    Precondition(
        IF_UNMODIFIED_SINCE,
        compares=LAST_MODIFIED,
        description=gettext_noop("An HTTP date; modified since then (and no If-Match) is 412."),
        holds=_if_unmodified_since_holds,
        step=2,
        yields_to=IF_MATCH,
        guards=_with_a_date_to_compare,
    ),
)


def guarding_headers() -> tuple[str, ...]:
    """The header fields that guard a write, any of which a required precondition asks for."""
    return tuple(kind.name for kind in PRECONDITIONS if kind.guards is not None)


def revalidating_headers() -> tuple[str, ...]:
    """The header fields with which a read asks whether its copy still holds (a 304 if so)."""
    return tuple(kind.name for kind in PRECONDITIONS if kind.not_modified)


class Preconditions:
    """The precondition field values of a request as received, by header field (RFC 9110 §13.1).

    Built from a request's headers (``of()``), or from values by keyword or, in the order of
    ``PRECONDITIONS``, by position: ``Preconditions(if_match='"v1"')``. Each kind's value is
    its keyword's attribute, ``None`` when absent.
    """

    __slots__ = ("values",)

    def __init__(self, *values: str | None, **by_keyword: str | None) -> None:
        keywords = [kind.member for kind in PRECONDITIONS]
        unknown = set(by_keyword) - set(keywords)
        if len(values) > len(keywords) or unknown:
            raise TypeError(f"Preconditions() takes the fields {', '.join(keywords)}.")
        given = {**dict(zip(keywords[: len(values)], values, strict=True)), **by_keyword}
        self.values: Mapping[str, str] = {
            kind.name: value
            for kind in PRECONDITIONS
            if (value := given.get(kind.member)) is not None
        }

    @classmethod
    def of(cls, headers: Mapping[str, str]) -> Preconditions:
        """The fields of a request's headers (a case-insensitive mapping, as Django's)."""
        # Every request with a lookup comes here: the values are kept as ``__init__`` keeps
        # them, without its checks of keywords a caller could have mistyped.
        preconditions = cls.__new__(cls)
        preconditions.values = {
            kind.name: value
            for kind in PRECONDITIONS
            if (value := headers.get(kind.name)) is not None
        }
        return preconditions

    def __getattr__(self, member: str) -> str | None:
        for kind in PRECONDITIONS:
            if kind.member == member:
                return self.values.get(kind.name)
        raise AttributeError(member)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Preconditions) and self.values == other.values

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.values.items())))

    def __repr__(self) -> str:
        return f"Preconditions({self.values!r})"

    def sent(self, kinds: Iterable[Precondition] | None = None) -> list[Precondition]:
        """Which of ``kinds`` (default: every kind) the request carries."""
        return [
            kind for kind in (PRECONDITIONS if kinds is None else kinds) if kind.name in self.values
        ]

    def guards_write(self, *, last_modified: float | None) -> bool:
        """Whether these guard a write from lost updates (else the 428 of a required precondition).

        If-Match always does. If-Unmodified-Since only when valid and when the resource has a
        Last-Modified to compare it with: otherwise ``evaluate`` ignores it.
        """
        second = to_second(last_modified)
        return any(
            kind.guards is not None and kind.guards(self.values[kind.name], second)
            for kind in self.sent()
        )


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
    # Without a current representation there is nothing to compare a validator against.
    current = Current(
        method=method,
        etag=parse_etag(etag) if exists and etag is not None else None,
        others=tuple(tag for tag in map(parse_etag, same_state) if tag is not None)
        if exists
        else (),
        second=to_second(last_modified) if exists else None,
        exists=exists,
    )
    values = preconditions.values
    # Steps 1 to 4: If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since, each in
    # its turn (a kind yields to another whose presence makes it ignored); the first false
    # one decides.
    for kind in sorted(PRECONDITIONS, key=attrgetter("step")):
        value = values.get(kind.name)
        if value is None or (kind.methods is not None and method not in kind.methods):
            continue
        if kind.yields_to is not None and kind.yields_to in values:
            continue
        if not kind.holds(value, current):
            if kind.not_modified and current.is_read:
                return Outcome.NOT_MODIFIED
            return Outcome.PRECONDITION_FAILED
    # Step 5: perform the method.
    return Outcome.PROCEED
