"""Keys stored when a key's scope was its client, method and path, re-scoped to the client.

Without it, a retry that crosses the upgrade would not find its key, and be done again. Where
one client used one key on several paths, the newest claim keeps it: a retry of another of
them then names other content (422), as it would under the new scope.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import migrations
from django.utils import timezone


def scope_at_this_migration(client: str, key: str) -> str:
    """``idempotency.keys.scope_digest`` as it is at this migration (a stored format)."""
    digest = hashlib.sha256()
    for part in (client, key):
        encoded = part.encode("utf-8", "surrogatepass")
        digest.update(len(encoded).to_bytes(8, "big"))
        digest.update(encoded)
    return digest.hexdigest()


def scope_by_client(apps: Any, schema_editor: Any) -> None:
    """Every key that has not expired, newest first, under its new scope. An expired key is
    never found again, under either scope: it is left as it is."""
    keys = apps.get_model("django_http_errors", "IdempotencyKey")
    using = schema_editor.connection.alias if schema_editor is not None else "default"
    rows = keys.objects.using(using)
    live = rows.filter(expires_at__gt=timezone.now()).order_by("-claimed_at", "-id")
    taken: set[str] = set()
    # Read whole before any row changes: a cursor still open on the table would see them.
    for pk, stored, client, key in list(live.values_list("id", "scope", "client", "key")):
        scope = scope_at_this_migration(client, key)
        if scope in taken:
            rows.filter(pk=pk).delete()
            continue
        taken.add(scope)
        if stored != scope:
            rows.filter(pk=pk).update(scope=scope)


class Migration(migrations.Migration):
    dependencies = [("django_http_errors", "0001_initial")]

    operations = [migrations.RunPython(scope_by_client, migrations.RunPython.noop)]
