"""``Idempotency-Key`` for DRF views: an unsafe request done once, its answer replayed to retries.

The key is claimed by inserting a unique row (never checked, then written), marked written in
the write's own transaction, and its answer stored once the response is final. See
``docs/idempotency.md``.
"""

from __future__ import annotations

import json
import logging
import math
import secrets
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from django.db import (
    DatabaseError,
    IntegrityError,
    OperationalError,
    connections,
    models,
    router,
    transaction,
)
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from rest_framework.request import Request

from .conditional import ETAG, LAST_MODIFIED
from .conf import get_settings
from .descriptions import HeaderParameter, Operation, OperationDescription, inherited
from .exceptions import (
    IdempotencyKeyInUse,
    IdempotencyKeyNeedsAuthentication,
    IdempotencyKeyRequired,
    IdempotencyKeyReused,
    IdempotentAnswerLost,
    MalformedIdempotencyKey,
)
from .idempotency_keys import MalformedKey, parse_idempotency_key, request_fingerprint, scope_digest
from .models import IdempotencyKey
from .wiring import AnsweredEarly, ViewWiring

__all__ = ["IDEMPOTENCY_KEY", "IDEMPOTENT_REPLAYED", "IdempotencyMixin"]

IDEMPOTENCY_KEY: Final = "Idempotency-Key"
#: Sent with a replayed answer, so that clients and operators can tell it from a first one.
IDEMPOTENT_REPLAYED: Final = "Idempotent-Replayed"
#: The headers of the first answer that its replays repeat; the rest (Vary, Allow, the request
#: id, ...) is the view's and the middleware's to add to each answer anew.
REPLAYED_HEADERS: Final = ("Content-Type", "Location", ETAG, LAST_MODIFIED)

_UNSAFE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# A claim can meet a row that is deleted (released or expired) before it is read: try again,
# a few times, before answering that the key is in use.
_CLAIM_ATTEMPTS: Final = 3
#: How long a claim's statement waits for another request's open transaction that holds the
#: key's row (PostgreSQL's ``lock_timeout``) before the key is taken to be in use: a retry
#: is told 409 at once, not held until that request ends, however long it runs.
CLAIM_LOCK_TIMEOUT: Final = "100ms"
#: PostgreSQL's SQLSTATE for a lock not granted within ``lock_timeout``.
_LOCK_NOT_AVAILABLE: Final = "55P03"

#: Every key ``parse_idempotency_key`` accepts, as an ECMA-262 regular expression: a
#: structured-field string of 1 to 255 characters (an escaped quote or backslash counting as
#: one), or the bare token many clients send.
IDEMPOTENCY_KEY_PATTERN: Final = (
    '^(?:"(?:[ !#-\\[\\]-~]|\\\\["\\\\]){1,255}"|[!#$%&\'*+.^_`|~0-9A-Za-z:/=-]{1,255})$'
)
#: What the key is for a client (English, translated where it is shown).
IDEMPOTENCY_KEY_DESCRIPTION: Final = gettext_noop(
    'A unique key, such as a UUID, as a quoted string ("8e03...") or bare, sent again with '
    "each retry: the request is done once and its answer replayed; the same key with other "
    "content is 422, while the first is in flight 409."
)

LOST_CLAIM_DETAIL = _(
    "This request took longer than the server waits for it, and a retry with the same "
    "Idempotency-Key took its place: this one changed nothing. Retry to get the answer."
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _KeyedRequest:
    """What a request with a key is: who sent which key for what, and its content's digest."""

    scope: str
    client: str
    method: str
    path: str
    key: str
    fingerprint: str


@dataclass(frozen=True)
class _Claim:
    """The row this request claimed, and the token that proves the claim is still its own."""

    scope: str
    owner: str
    using: str


class IdempotencyMixin(ViewWiring):
    """``Idempotency-Key`` (IETF httpapi draft): each unsafe request is done once per key.

    Mix it in before DRF's classes, beside ``ConditionalUpdateMixin`` in either order:
    ``class V(IdempotencyMixin, ConditionalUpdateMixin, ModelViewSet)``. After authentication,
    permissions and throttles, and before the preconditions and the body, the key is claimed (a
    unique row), or the answer of the request that claimed it is replayed (same content), or
    refused: 422 (other content), 409 (still in flight). Keys belong to the authenticated user,
    the method and the path, and expire after ``IDEMPOTENCY_KEY_EXPIRY`` seconds. The key is
    marked written in the write's own transaction, which the view's write handlers run in;
    a custom action that writes opens it with ``write_transaction()`` or ``conditional_write()``.
    """

    #: Refuse the unsafe methods without a key (400); ``None``: ``IDEMPOTENCY_KEY_REQUIRED``.
    idempotency_key_required: bool | None = None
    #: The methods whose key the view honours; a key on any other method is ignored.
    idempotent_methods: frozenset[str] = _UNSAFE_METHODS

    # Per request: DRF makes a new view instance for each one.
    _idempotency_claim: _Claim | None = None
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
        return principal_of(getattr(request, "user", None))

    def read_keyed_content(self, request: Request) -> None:
        """Read a keyed request's content before DRF's checks, which claim the key."""
        if self._takes_key(request):
            # The fingerprint needs the content's bytes, and a CSRF check of a session-
            # authenticated form consumes them; read now, Django keeps them for the parsers.
            self._idempotency_content = request.body

    def claim_idempotency_key(self, request: Request) -> None:
        """Claim this request's key, or raise the replay, 400, 409 or 422 that answers it.

        After DRF's checks, so a replay comes before the preconditions and the body: a retried
        conditional write gets its first answer, not a 412 against its own change.
        """
        method = request.method or ""
        if method not in self.idempotent_methods or method not in _UNSAFE_METHODS:
            return
        value = request.headers.get(IDEMPOTENCY_KEY)
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
        keyed = _KeyedRequest(
            scope=scope_digest(client, method, request.path, key),
            client=client,
            method=method,
            path=request.path,
            key=key,
            fingerprint=fingerprint,
        )
        self._idempotency_claim = _claim(keyed)

    @contextmanager
    def join_write(self, model: type[models.Model]) -> Iterator[None]:
        """The key is marked written in the write's transaction: both commit, or neither.

        A request that lost its claim (it ran longer than ``IDEMPOTENCY_KEY_LEASE`` and a
        retry took the key over) is refused here with a 409, so its write rolls back and only
        one write with the key ever commits.
        """
        with super().join_write(model):
            claim = self._idempotency_claim
            written = IdempotencyKey.State.WRITTEN
            if claim is not None and not _update(claim, state=str(written)):
                raise IdempotencyKeyInUse(LOST_CLAIM_DETAIL)
            yield

    def keep_answer(self, response: HttpResponseBase) -> None:
        """Store the final answer for the retries, or release the key (see ``_keep``)."""
        super().keep_answer(response)
        claim = self._idempotency_claim
        if claim is not None:
            self._idempotency_claim = None
            try:
                _keep(claim, response)
            except DatabaseError:
                # The key stays claimed: a retry after the lease is run again if nothing was
                # written, or told to look the resource up if something was. This answer is
                # still the right one for this client.
                logger.exception("The answer for an Idempotency-Key could not be stored.")

    def _takes_key(self, request: Request) -> bool:
        method = request.method or ""
        return (
            method in self.idempotent_methods
            and method in _UNSAFE_METHODS
            and IDEMPOTENCY_KEY in request.headers
        )

    # API description (descriptions.py)

    def describe_operation(self, operation: Operation) -> OperationDescription:
        """``Idempotency-Key`` and the problems it can give, on a method that honours it."""
        method = operation.method
        if method not in self.idempotent_methods or method not in _UNSAFE_METHODS:
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


def _claim(keyed: _KeyedRequest) -> _Claim:
    """Insert the key's row in a transaction of its own, or decide what the held row answers.

    The insert, and the takeover of step 5, never wait for another request's open
    transaction (see ``_run_without_waiting``): a row that transaction holds is in use.

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
            with _savepoint_if_in_transaction(using):
                _insert(keyed, owner, now, expires_at, using)
            return _Claim(keyed.scope, owner, using)
        except IntegrityError:
            locked = False
        except OperationalError as exc:
            if not _lock_not_available(exc):
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
            raise AnsweredEarly(_replayed(held))
        lease_ends = held.claimed_at + lease + skew
        leased = lease_ends > now
        # Step 4
        if held.state == IdempotencyKey.State.WRITTEN and not leased:
            raise IdempotentAnswerLost()
        # Step 5: only the owner that was seen is replaced, so of several retries one wins.
        if held.state == IdempotencyKey.State.IN_FLIGHT and not leased:
            seen = _Claim(held.scope, held.owner, using)
            try:
                with _savepoint_if_in_transaction(using):
                    taken = _update(
                        seen,
                        str(IdempotencyKey.State.IN_FLIGHT),
                        wait=False,
                        owner=owner,
                        claimed_at=now,
                    )
            except OperationalError as exc:
                if not _lock_not_available(exc):
                    raise
                # Its owner is writing right now, past its lease: its outcome is near.
                raise IdempotencyKeyInUse() from exc
            if taken:
                return _Claim(held.scope, owner, using)
            continue
        # Step 6: in flight, retry when its lease ends; written, its answer comes at once.
        if held.state == IdempotencyKey.State.IN_FLIGHT:
            raise IdempotencyKeyInUse(retry_after=_seconds_until(lease_ends, now))
        raise IdempotencyKeyInUse()
    raise IdempotencyKeyInUse()


def _seconds_until(moment: datetime, now: datetime) -> int:
    """Whole seconds from ``now`` to ``moment``, at least 1: a Retry-After."""
    return max(1, math.ceil((moment - now).total_seconds()))


def _keep(claim: _Claim, response: HttpResponseBase) -> None:
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
        stored = _update(
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


# Every keyed write inserts its row, marks it written and stores its answer: these three
# statements are written as SQL, as the ORM's compilation of a one-row statement costs
# several times the statement itself (bench/run.py measures it). The model's columns are its
# fields' names, and every value is one that each backend's driver adapts alike, or adapted
# as the ORM does (datetimes).


def _insert(
    keyed: _KeyedRequest, owner: str, claimed_at: datetime, expires_at: datetime, using: str
) -> None:
    """Insert the key's row, in flight; IntegrityError when its scope is held, and
    OperationalError (lock not available) when a transaction still open holds it."""
    connection = connections[using]
    adapt = connection.ops.adapt_datetimefield_value
    values = [
        *(keyed.scope, keyed.client, keyed.method, keyed.path, keyed.key, keyed.fingerprint),
        *(str(IdempotencyKey.State.IN_FLIGHT), owner, adapt(claimed_at), adapt(expires_at)),
        *("{}", b""),
    ]
    _run_without_waiting(connection, _sql(connection, "INSERT", _INSERTED, wait=False), values)


def _update(claim: _Claim, only_if: str | None = None, *, wait: bool = True, **values: Any) -> int:
    """Set ``values`` on the row if ``claim`` still owns it; how many rows changed.

    ``wait=False``: OperationalError (lock not available) rather than wait for a transaction
    that holds the row.
    """
    connection = connections[claim.using]
    if "claimed_at" in values:
        values["claimed_at"] = connection.ops.adapt_datetimefield_value(values["claimed_at"])
    params = [*values.values(), claim.scope, claim.owner]
    conditions: tuple[str, ...] = ("scope", "owner")
    if only_if is not None:
        params.append(only_if)
        conditions += ("state",)
    sql = _sql(connection, "UPDATE", tuple(values), conditions, wait=wait)
    if not wait:
        return _run_without_waiting(connection, sql, params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def _run_without_waiting(connection: BaseDatabaseWrapper, sql: str, params: list[Any]) -> int:
    """Run a statement of ``_sql(..., wait=False)``; how many rows it changed.

    On PostgreSQL the statement itself sets ``lock_timeout`` for its transaction, before it
    meets a lock: in autocommit that transaction is the statement alone, so it costs no
    round trip. Inside a transaction (``ATOMIC_REQUESTS``, a test) the setting would last to
    its end, so the one it replaced is put back: the request's own writes wait as they would.
    Elsewhere the statement runs as it is: SQLite has one writer at a time in any case.
    """
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return int(cursor.rowcount)
        previous = None
        if connection.in_atomic_block:
            cursor.execute("SELECT current_setting('lock_timeout')")
            previous = cursor.fetchone()[0]
        cursor.execute(sql, [*params, CLAIM_LOCK_TIMEOUT])
        changed = int(cursor.rowcount)
        if previous is not None:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
        return changed


def _lock_not_available(exc: OperationalError) -> bool:
    """Whether PostgreSQL refused to wait longer than ``lock_timeout`` for a lock."""
    cause = exc.__cause__
    # psycopg 3 names the SQLSTATE sqlstate, psycopg2 pgcode.
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return bool(sqlstate == _LOCK_NOT_AVAILABLE)


_INSERTED: Final = (
    *("scope", "client", "method", "path", "key", "fingerprint", "state", "owner"),
    *("claimed_at", "expires_at", "headers", "content"),
)
# Built once per backend and shape: quoting the names costs more than the statement.
_statements: dict[tuple[str, str, tuple[str, ...], tuple[str, ...], bool], str] = {}
#: On PostgreSQL, a condition that sets ``lock_timeout`` (the statement's last parameter) for
#: the transaction. It is evaluated as the row to insert or update is read, which never waits
#: (MVCC), so before the statement writes the row, the one step that waits for a lock.
_NO_WAIT: Final = "set_config('lock_timeout', %s, true) IS NOT NULL"


def _sql(
    connection: BaseDatabaseWrapper,
    verb: str,
    names: tuple[str, ...],
    conditions: tuple[str, ...] = (),
    *,
    wait: bool = True,
) -> str:
    gated = not wait and connection.vendor == "postgresql"
    cache_key = (connection.vendor, verb, names, conditions, gated)
    sql = _statements.get(cache_key)
    if sql is None:
        column = connection.ops.quote_name
        table = column(IdempotencyKey._meta.db_table)
        placeholders = ", ".join(["%s"] * len(names))
        if verb == "INSERT":
            sql = f"INSERT INTO {table} ({', '.join(column(name) for name in names)}) "
            sql += (
                f"SELECT {placeholders} WHERE {_NO_WAIT}" if gated else f"VALUES ({placeholders})"
            )
        else:
            where = [f"{column(name)} = %s" for name in conditions]
            sql = (
                f"UPDATE {table} SET {', '.join(f'{column(name)} = %s' for name in names)} "
                f"WHERE {' AND '.join([*where, _NO_WAIT] if gated else where)}"
            )
        _statements[cache_key] = sql
    return sql


def _replayed(row: IdempotencyKey) -> HttpResponse:
    """The stored answer, as it was first given."""
    response = HttpResponse(bytes(row.content), status=row.status or 200)
    headers: dict[str, str] = json.loads(row.headers)
    if "Content-Type" not in headers:
        del response["Content-Type"]
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


def _savepoint_if_in_transaction(using: str) -> AbstractContextManager[Any]:
    if transaction.get_connection(using).in_atomic_block:
        return transaction.atomic(using=using)
    return nullcontext()
