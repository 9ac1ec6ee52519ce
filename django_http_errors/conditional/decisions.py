"""What a request's preconditions decide, of an object, a list or a create, and the 304.

Plain values in (the method, the headers, the validators), an ``Outcome`` out, or the 412 or
428 raised: no view needed. The mixin and ``@conditional`` both answer from these.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from django.http import HttpResponseBase, StreamingHttpResponse

from django_http_errors.exceptions import PreconditionFailed, PreconditionRequired
from django_http_errors.http_names import (
    CONTENT_LANGUAGE,
    CONTENT_LENGTH,
    CONTENT_TYPE,
    ETAG,
    GUARDED_METHODS,
    READ_METHODS,
)
from django_http_errors.internals import refusing_headers

from .preconditions import (
    PRECONDITIONS,
    Outcome,
    Preconditions,
    evaluate,
    guarding_headers,
    names_a_state_tag,
)

__all__ = [
    "NotModifiedResponse",
    "decide_collection",
    "decide_create",
    "decide_object",
    "not_modified",
    "require_guard",
]

#: Representation metadata that a 304 does not carry: it describes a
#: representation the 304 does not send. ``LocaleMiddleware`` would add Content-Language.
_NOT_ON_304: Final = frozenset(
    name.lower() for name in (CONTENT_TYPE, CONTENT_LENGTH, CONTENT_LANGUAGE)
)
#: The kinds a list or a create can be asked: a list has a weak ETag and no Last-Modified.
_OF_A_LIST: Final = tuple(kind for kind in PRECONDITIONS if kind.compares == ETAG)


class NotModifiedResponse(StreamingHttpResponse):
    """A 304: no content, and only the header fields RFC 9110 §15.4.5 lists.

    No Content-Type, Content-Language or Content-Length, also when a middleware adds them
    later: Django's CommonMiddleware gives every non-streaming response a Content-Length (``0``
    here), so this one streams its empty content, and ``LocaleMiddleware`` a Content-Language.
    """

    status_code = 304

    def __init__(self) -> None:
        super().__init__(streaming_content=())
        self.headers = refusing_headers(dict(self.headers), _NOT_ON_304)


def not_modified(request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
    """The handler of a read whose preconditions are false: 304, no content."""
    return NotModifiedResponse()


def decide_object(
    method: str,
    preconditions: Preconditions,
    *,
    etag: str | None,
    last_modified: float | None,
    exists: bool = True,
    etags_of_state: Callable[[], Sequence[str]] | None = None,
) -> Outcome:
    """PROCEED or 304 for an object's preconditions; 412 raised, naming its ETag.

    ``exists``: whether there is a current representation (a PUT may create one). A write's
    If-Match may name this state in another representation: worth asking
    (``etags_of_state()``) only once the selected representation's ETag did not match.
    """
    outcome = evaluate(method, preconditions, etag=etag, last_modified=last_modified, exists=exists)
    if (
        outcome is Outcome.PRECONDITION_FAILED
        and etags_of_state is not None
        and preconditions.if_match is not None
        and method not in READ_METHODS
    ):
        same_state = tuple(etags_of_state())
        # A stale ETag (the common 412) names none of them: the outcome stands, unevaluated.
        if names_a_state_tag(preconditions.if_match, same_state):
            outcome = evaluate(
                method,
                preconditions,
                etag=etag,
                last_modified=last_modified,
                exists=exists,
                same_state=same_state,
            )
    if outcome is Outcome.PRECONDITION_FAILED:
        raise PreconditionFailed(etag=etag if exists else None)
    return outcome


def decide_collection(method: str, preconditions: Preconditions, etag: str | None) -> Outcome:
    """PROCEED or 304 for a list's preconditions, from its weak ETag; 412 raised."""
    outcome = evaluate(method, preconditions, etag=etag, last_modified=None)
    if outcome is Outcome.PRECONDITION_FAILED:
        raise PreconditionFailed(etag=etag)
    return outcome


def decide_create(preconditions: Preconditions, etag: Callable[[], str | None]) -> None:
    """Raise 412 when a POST's If-Match or If-None-Match is false, compared with the list.

    The list has a weak ETag only: no If-Match tag matches it strongly, ``*`` does, and
    If-None-Match with ``*`` or the list's ETag is false. The list has no Last-Modified, so
    If-Unmodified-Since is ignored, and a POST without these fields costs no query
    (``etag()`` is only called when one is sent).
    """
    if not preconditions.sent(_OF_A_LIST):
        return
    current = etag()
    if evaluate("POST", preconditions, etag=current, last_modified=None) is not Outcome.PROCEED:
        raise PreconditionFailed(etag=current)


def require_guard(
    method: str, *, guarded: bool, required: bool, report: Callable[[], None] | None = None
) -> None:
    """A PUT, PATCH or DELETE that no precondition guards: 428 when one is ``required``
    (RFC 6585 §3); else ``report()`` is called, in the ``"report"`` mode of blind writes."""
    if method not in GUARDED_METHODS or guarded:
        return
    if required:
        raise PreconditionRequired(required_headers=guarding_headers())
    if report is not None:
        report()
