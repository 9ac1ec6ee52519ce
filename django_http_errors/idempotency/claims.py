"""The claim of an ``Idempotency-Key``: the state machine of its row, from claim to answer.

A key is claimed by inserting a unique row (never checked, then written), marked written in
the write's own transaction, and its answer stored once the response is final; a retry meets
the row and is answered from its state. No view needed: a ``KeyedRequest`` in, a ``Claim`` or
the answer to replay out, or the 409 or 422 raised.
"""

from __future__ import annotations

import json
import math
import secrets
from datetime import datetime, timedelta
from typing import Any, Final

from django.db import IntegrityError, OperationalError, router
from django.http import HttpResponse, HttpResponseBase
from django.utils import timezone

from django_http_errors.conf import get_settings
from django_http_errors.exceptions import (
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    IdempotentAnswerLost,
)
from django_http_errors.http_names import (
    CONTENT_TYPE,
    ETAG,
    IDEMPOTENT_REPLAYED,
    LAST_MODIFIED,
    LOCATION,
)
from django_http_errors.models import IdempotencyKey

from .store import (
    Claim,
    KeyedRequest,
    insert,
    lock_not_available,
    savepoint_if_in_transaction,
    update,
)

__all__ = ["REPLAYED_HEADERS", "claim", "keep", "mark_written", "principal_of"]

#: The headers of the first answer that its replays repeat; the rest (Vary, Allow, the request
#: id, ...) is the view's and the middleware's to add to each answer anew.
REPLAYED_HEADERS: Final = (CONTENT_TYPE, LOCATION, ETAG, LAST_MODIFIED)
# A claim can meet a row that is deleted (released or expired) before it is read: try again,
# a few times, before answering that the key is in use.
_CLAIM_ATTEMPTS: Final = 3


def claim(keyed: KeyedRequest) -> Claim | HttpResponse:
    """Insert the key's row in a transaction of its own, or decide what the held row answers:
    the stored answer to replay, or 409 or 422 raised.

    The insert, and the takeover of step 5, never wait for another request's open
    transaction (see ``store``): a row that transaction holds is in use.

    Steps, for the row that holds the scope when the insert fails:
    1. Expired: delete it and claim again.
    2. Another fingerprint: 422, the key names other content.
    3. Done: replay its answer.
    4. Written without answer, past the lease: 409, the change is made and only its answer
       is lost (its owner is taken for dead); within the lease, the answer is being stored.
    5. In flight past the lease: take it over (its owner is taken for dead).
    6. In flight: 409.
    """
    settings = get_settings()
    # Rows are stamped by the clock of the server that wrote them: a lease or an expiry is
    # over only once it is over by every server's clock.
    skew = timedelta(seconds=settings.CLOCK_SKEW)
    lease = timedelta(seconds=settings.IDEMPOTENCY_KEY_LEASE)
    using = router.db_for_write(IdempotencyKey)
    keys = IdempotencyKey._default_manager.db_manager(using)
    for _attempt in range(_CLAIM_ATTEMPTS):
        now = timezone.now()
        owner = secrets.token_hex(16)
        expires_at = now + timedelta(seconds=settings.IDEMPOTENCY_KEY_EXPIRY)
        # Committed at once (outside ATOMIC_REQUESTS), so that other processes see it: in
        # autocommit the INSERT is a transaction of its own; inside another transaction
        # (ATOMIC_REQUESTS, a test) a savepoint keeps it usable after an IntegrityError.
        # An IntegrityError means another request holds the key: look at its row. A lock not
        # granted, that another request's transaction, still open, holds it.
        try:
            with savepoint_if_in_transaction(using):
                insert(keyed, owner, now, expires_at, using)
            return Claim(keyed.scope, owner, using)
        except IntegrityError:
            locked = False
        except OperationalError as exc:
            if not lock_not_available(exc):
                raise
            locked = True
        held = keys.filter(scope=keyed.scope).first()
        if held is None:
            if locked:  # inserted by a transaction not yet committed (ATOMIC_REQUESTS)
                raise IdempotencyKeyInUse()
            continue
        # Step 1
        if held.expires_at <= now - skew:
            keys.filter(pk=held.pk, expires_at__lte=now - skew).delete()
            continue
        # Step 2
        if held.fingerprint != keyed.fingerprint:
            raise IdempotencyKeyReused()
        # Step 3
        if held.state == IdempotencyKey.State.DONE:
            return _replayed(held)
        lease_ends = held.claimed_at + lease + skew
        leased = lease_ends > now
        # Step 4
        if held.state == IdempotencyKey.State.WRITTEN and not leased:
            raise IdempotentAnswerLost()
        # Step 5: only the owner that was seen is replaced, so of several retries one wins.
        if held.state == IdempotencyKey.State.IN_FLIGHT and not leased:
            seen = Claim(held.scope, held.owner, using)
            try:
                with savepoint_if_in_transaction(using):
                    taken = update(
                        seen,
                        str(IdempotencyKey.State.IN_FLIGHT),
                        wait=False,
                        owner=owner,
                        claimed_at=now,
                    )
            except OperationalError as exc:
                if not lock_not_available(exc):
                    raise
                # Its owner is writing right now, past its lease: its outcome is near.
                raise IdempotencyKeyInUse() from exc
            if taken:
                return Claim(held.scope, owner, using)
            continue
        # Step 6: in flight, retry when its lease ends; written, its answer comes at once.
        if held.state == IdempotencyKey.State.IN_FLIGHT:
            raise IdempotencyKeyInUse(retry_after=_seconds_until(lease_ends, now))
        raise IdempotencyKeyInUse()
    raise IdempotencyKeyInUse()


def _seconds_until(moment: datetime, now: datetime) -> int:
    """Whole seconds from ``now`` to ``moment``, at least 1: a Retry-After."""
    return max(1, math.ceil((moment - now).total_seconds()))


def keep(claim: Claim, response: HttpResponseBase) -> None:
    """Store the answer, or release the key, as the outcome decides.

    A success is stored (and replayed). An error after a committed write (the row says
    written) is stored if it is a 4xx; a 5xx leaves the row written, so a retry is told its
    change was made. An error before any write commits releases the key: the request did
    nothing, and a retry, corrected or not, is run anew. Every statement names this
    request's owner token, so a request that lost its claim changes nothing.
    """
    status = response.status_code
    if status < 500 and isinstance(response, HttpResponse):
        if hasattr(response, "render"):
            response.render()
        headers = {name: response[name] for name in REPLAYED_HEADERS if name in response}
        stored = update(
            claim,
            only_if=None if status < 400 else str(IdempotencyKey.State.WRITTEN),
            state=str(IdempotencyKey.State.DONE),
            status=status,
            headers=json.dumps(headers),
            content=response.content,
        )
        if stored:
            return
    keys = IdempotencyKey._default_manager.db_manager(claim.using)
    keys.filter(scope=claim.scope, owner=claim.owner, state=IdempotencyKey.State.IN_FLIGHT).delete()


def mark_written(claim: Claim) -> bool:
    """Mark the key written, in the write's transaction; whether ``claim`` still owned it (a
    request that ran past its lease may have lost it to a retry)."""
    return bool(update(claim, state=str(IdempotencyKey.State.WRITTEN)))


def _replayed(row: IdempotencyKey) -> HttpResponse:
    """The stored answer, as it was first given."""
    response = HttpResponse(bytes(row.content), status=row.status or 200)
    headers: dict[str, str] = json.loads(row.headers)
    if CONTENT_TYPE not in headers:
        del response[CONTENT_TYPE]
    for name, value in headers.items():
        response[name] = value
    response[IDEMPOTENT_REPLAYED] = "true"
    return response


def principal_of(user: Any) -> str | None:
    """Who ``user`` is, for owning keys; ``None`` for an anonymous or unidentifiable one.

    Any object DRF hands over as ``request.user``: a model instance (also inside the lazy object
    of a session login, whose ``_meta`` is the wrapped user's), or a principal without a model
    (an API key), named by its class and its ``pk`` or ``id``.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    meta = getattr(user, "_meta", None)
    kind = getattr(meta, "label_lower", None)
    if kind is None:
        kind = f"{type(user).__module__}.{type(user).__qualname__}".lower()
    identity = getattr(user, "pk", None)
    if identity is None:
        identity = getattr(user, "id", None)
    if identity is None:
        return None
    return f"{kind}:{identity}"
