"""What a conditional request is evaluated against: an object read or written, a list read or
created in. Pure: which validators each has decides which precondition kinds apply to it."""

from __future__ import annotations

import enum

from django_http_errors.http_names import ETAG, LAST_MODIFIED, READ_METHODS, UNSAFE_METHODS

__all__ = ["Target", "target_of"]


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

    @property
    def methods(self) -> frozenset[str]:
        """The methods of its requests."""
        return READ_METHODS if self in (Target.OBJECT_READ, Target.LIST_READ) else UNSAFE_METHODS

    @property
    def validators(self) -> frozenset[str]:
        """The validators it has (their response headers): a list has no Last-Modified."""
        if self in (Target.OBJECT_READ, Target.WRITE):
            return frozenset({ETAG, LAST_MODIFIED})
        return frozenset({ETAG})


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
