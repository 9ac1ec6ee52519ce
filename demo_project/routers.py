"""Where the demo's queries go when it has a read replica (``DATABASE_REPLICA_URL``).

Installed by the settings only when the replica is configured; docs/deployment.md says what a
replica's lag may show a client, and what it never changes.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, models

from django_http_errors.routing import reads_from_primary

#: The aliases of the primary (DATABASE_URL) and of its read replica (DATABASE_REPLICA_URL).
PRIMARY, REPLICA = "default", "replica"


class PrimaryReplicaRouter:
    """Reads go to the replica; writes, every query inside a transaction, and the reads of a
    client that has just written (``READ_YOUR_WRITES``), to the primary."""

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str:
        """The replica, unless the primary has a transaction open in this thread, or the
        request's client wrote less than ``READ_YOUR_WRITES`` seconds ago."""
        # A transaction reads what it is about to change (SELECT ... FOR UPDATE, the row a
        # compare-and-swap re-reads): on a replica it would read a copy that may be behind,
        # and lock nothing. A client that has just written reads its change where it was
        # made, not a copy that may not have it yet.
        if connections[PRIMARY].in_atomic_block or reads_from_primary():
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str:
        """Always the primary: a replica is read-only."""
        return PRIMARY

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool | None:
        """Rows read from either database are rows of the same one."""
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool:
        """Migrations run on the primary; the replica receives them by replication."""
        return db == PRIMARY
