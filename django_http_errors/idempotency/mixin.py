"""``IdempotencyMixin``: the DRF hook wiring of ``Idempotency-Key`` over its parts (``keys``,
``claims``, ``store``): an unsafe request done once, its answer replayed to retries.

See ``docs/idempotency.md``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from django.db import DatabaseError, models
from django.http import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from rest_framework.request import Request

from django_http_errors.conf import get_settings
from django_http_errors.descriptions import (
    HeaderParameter,
    Operation,
    OperationDescription,
    inherited,
)
from django_http_errors.exceptions import (
    IdempotencyKeyInUse,
    IdempotencyKeyNeedsAuthentication,
    IdempotencyKeyRequired,
    IdempotencyKeyReused,
    IdempotentAnswerLost,
    MalformedIdempotencyKey,
)
from django_http_errors.http_names import IDEMPOTENCY_KEY, UNSAFE_METHODS, meta_key
from django_http_errors.wiring import AnsweredEarly, ViewWiring

from . import claims
from .keys import (
    IDEMPOTENCY_KEY_PATTERN,
    MalformedKey,
    parse_idempotency_key,
    request_fingerprint,
    scope_digest,
)
from .store import Claim, KeyedRequest

__all__ = ["IdempotencyMixin"]

LOST_CLAIM_DETAIL = _(
    "This request took longer than the server waits for it, and a retry with the same "
    "Idempotency-Key took its place: this one changed nothing. Retry to get the answer."
)

#: What the key is for a client (English, translated where it is shown).
IDEMPOTENCY_KEY_DESCRIPTION: Final = gettext_noop(
    'A unique key, such as a UUID, as a quoted string ("8e03...") or bare, sent again with '
    "each retry: the request is done once and its answer replayed; the same key with other "
    "content is 422, while the first is in flight 409."
)

logger = logging.getLogger("django_http_errors.idempotency")
#: Where Django keeps the Idempotency-Key header: read there, without building request.headers.
_KEY_IN_META: Final = meta_key(IDEMPOTENCY_KEY)


class IdempotencyMixin(ViewWiring):
    """``Idempotency-Key`` (IETF httpapi draft): each unsafe request is done once per key.

    Mix it in before DRF's classes, beside ``ConditionalUpdateMixin`` in either order:
    ``class V(IdempotencyMixin, ConditionalUpdateMixin, ModelViewSet)``. After authentication,
    permissions and throttles, and before the preconditions and the body, the key is claimed (a
    unique row), or the answer of the request that claimed it is replayed (same content), or
    refused: 422 (other content, another method or path included), 409 (still in flight).
    Keys belong to the authenticated user, and expire after ``IDEMPOTENCY_KEY_EXPIRY`` seconds.
    The key is marked written in the write's own transaction, which the view's write handlers
    run in; a custom action that writes opens it with ``write_transaction()`` or
    ``conditional_write()``.
    """

    #: Refuse the unsafe methods without a key (400); ``None``: ``IDEMPOTENCY_KEY_REQUIRED``.
    idempotency_key_required: bool | None = None
    #: The methods whose key the view honours; a key on any other method is ignored.
    idempotent_methods: frozenset[str] = UNSAFE_METHODS

    # Per request: DRF makes a new view instance for each one.
    _idempotency_claim: Claim | None = None
    _idempotency_content: bytes | None = None

    def is_idempotency_key_required(self) -> bool:
        """Whether an unsafe request without ``Idempotency-Key`` is refused with a 400."""
        if self.idempotency_key_required is not None:
            return self.idempotency_key_required
        return get_settings().IDEMPOTENCY_KEY_REQUIRED

    def get_idempotency_client(self, request: Request) -> str | None:
        """Whom a key belongs to: the authenticated user; ``None``: nobody can own one.

        Anonymous clients cannot be told apart, so a stored answer could reach a stranger:
        their keys are refused (400). Override it to scope keys another way (an API client).
        """
        return claims.principal_of(getattr(request, "user", None))

    def read_keyed_content(self, request: Request) -> None:
        """Read a keyed request's content before DRF's checks, which claim the key."""
        if self._takes_key(request):
            # The fingerprint needs the content's bytes, and a CSRF check of a session-
            # authenticated form consumes them; read now, Django keeps them for the parsers.
            self._idempotency_content = request.body

    def claims_key_early(self, request: Request) -> bool:
        """A key sent by a client it can belong to (``get_idempotency_client()``)."""
        return self._takes_key(request) and self.get_idempotency_client(request) is not None

    def claim_idempotency_key(self, request: Request) -> None:
        """Claim this request's key, or raise the replay, 400, 409 or 422 that answers it.

        After DRF's checks, so a replay comes before the preconditions and the body: a retried
        conditional write gets its first answer, not a 412 against its own change.
        """
        method = request.method or ""
        if method not in self.idempotent_methods or method not in UNSAFE_METHODS:
            return
        value = request.META.get(_KEY_IN_META)
        if value is None:
            if self.is_idempotency_key_required():
                raise IdempotencyKeyRequired()
            return
        try:
            key = parse_idempotency_key(value)
        except MalformedKey as exc:
            raise MalformedIdempotencyKey() from exc
        client = self.get_idempotency_client(request)
        if client is None:
            raise IdempotencyKeyNeedsAuthentication()
        content = self._idempotency_content
        fingerprint = request_fingerprint(
            method,
            request.get_full_path(),
            request.content_type or "",
            request.body if content is None else content,
        )
        keyed = KeyedRequest(
            scope=scope_digest(client, key),
            client=client,
            method=method,
            path=request.path,
            key=key,
            fingerprint=fingerprint,
        )
        claimed = claims.claim(keyed)
        if isinstance(claimed, HttpResponseBase):
            raise AnsweredEarly(claimed)
        self._idempotency_claim = claimed

    @contextmanager
    def join_write(self, model: type[models.Model]) -> Iterator[None]:
        """The key is marked written in the write's transaction: both commit, or neither.

        A request that lost its claim (it ran longer than ``IDEMPOTENCY_KEY_LEASE`` and a
        retry took the key over) is refused here with a 409, so its write rolls back and only
        one write with the key ever commits.
        """
        with super().join_write(model):
            claim = self._idempotency_claim
            if claim is not None and not claims.mark_written(claim):
                raise IdempotencyKeyInUse(LOST_CLAIM_DETAIL)
            yield

    def keep_answer(self, response: HttpResponseBase) -> None:
        """Store the final answer for the retries, or release the key (see ``claims.keep``)."""
        super().keep_answer(response)
        claim = self._idempotency_claim
        if claim is not None:
            self._idempotency_claim = None
            try:
                claims.keep(claim, response)
            except DatabaseError:
                # The key stays claimed: a retry after the lease is run again if nothing was
                # written, or told to look the resource up if something was. This answer is
                # still the right one for this client.
                logger.exception("The answer for an Idempotency-Key could not be stored.")

    def _takes_key(self, request: Request) -> bool:
        method = request.method or ""
        return (
            method in self.idempotent_methods
            and method in UNSAFE_METHODS
            and _KEY_IN_META in request.META
        )

    # API description (descriptions.py)

    def describe_operation(self, operation: Operation) -> OperationDescription:
        """``Idempotency-Key`` and the problems it can give, on a method that honours it."""
        method = operation.method
        if method not in self.idempotent_methods or method not in UNSAFE_METHODS:
            return inherited(super(), operation)
        key = HeaderParameter(
            IDEMPOTENCY_KEY,
            IDEMPOTENCY_KEY_DESCRIPTION,
            required=self.is_idempotency_key_required(),
            pattern=IDEMPOTENCY_KEY_PATTERN,
        )
        problems = (
            IdempotencyKeyRequired,
            MalformedIdempotencyKey,
            IdempotencyKeyNeedsAuthentication,
            IdempotencyKeyInUse,
            IdempotentAnswerLost,
            IdempotencyKeyReused,
        )
        return OperationDescription((key,), (), problems) | inherited(super(), operation)
