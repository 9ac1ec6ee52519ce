"""The store of keys: one row per key in its scope, written by three SQL statements.

Every keyed write inserts its row, marks it written and stores its answer: these statements are
written as SQL, as the ORM's compilation of a one-row statement costs several times the
statement itself (bench/run.py measures it). The model's columns are its fields' names, and
every value is one that each backend's driver adapts alike, or adapted as the ORM does
(datetimes). No view needed: ``claims`` decides what to write.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.db import OperationalError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from django_http_errors.models import IdempotencyKey

__all__ = [
    "CLAIM_LOCK_TIMEOUT",
    "Claim",
    "KeyedRequest",
    "insert",
    "lock_not_available",
    "savepoint_if_in_transaction",
    "update",
]

#: How long a claim's statement waits for another request's open transaction that holds the
#: key's row (PostgreSQL's ``lock_timeout``) before the key is taken to be in use: a retry
#: is told 409 at once, not held until that request ends, however long it runs.
CLAIM_LOCK_TIMEOUT: Final = "100ms"
#: PostgreSQL's SQLSTATE for a lock not granted within ``lock_timeout``.
_LOCK_NOT_AVAILABLE: Final = "55P03"


@dataclass(frozen=True)
class KeyedRequest:
    """What a request with a key is: who sent which key for what, and its content's digest."""

    scope: str
    client: str
    method: str
    path: str
    key: str
    fingerprint: str


@dataclass(frozen=True)
class Claim:
    """The row this request claimed, and the token that proves the claim is still its own."""

    scope: str
    owner: str
    using: str


def insert(
    keyed: KeyedRequest, owner: str, claimed_at: datetime, expires_at: datetime, using: str
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


def update(claim: Claim, only_if: str | None = None, *, wait: bool = True, **values: Any) -> int:
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


def lock_not_available(exc: OperationalError) -> bool:
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


def savepoint_if_in_transaction(using: str) -> AbstractContextManager[Any]:
    """A savepoint inside a transaction, so that a failed statement leaves it usable; nothing
    in autocommit, where the statement is a transaction of its own."""
    if transaction.get_connection(using).in_atomic_block:
        return transaction.atomic(using=using)
    return nullcontext()
