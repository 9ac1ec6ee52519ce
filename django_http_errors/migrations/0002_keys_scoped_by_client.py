"""Keys stored when a key's scope was its client, method and path, re-scoped to the client.

Without it, a retry that crosses the upgrade would not find its key, and be done again. Where
one client used one key on several paths, the newest claim keeps it: a retry of another of
them then names other content (422), as it would under the new scope.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import migrations


def scope_at_this_migration(client: str, key: str) -> str:
    """``idempotency.keys.scope_digest`` as it is at this migration (a stored format)."""
    digest = hashlib.sha256()
    for part in (client, key):
        encoded = part.encode("utf-8", "surrogatepass")
        digest.update(len(encoded).to_bytes(8, "big"))
        digest.update(encoded)
    return digest.hexdigest()


def scope_by_client(apps: Any, schema_editor: Any) -> None:
    keys = apps.get_model("django_http_errors", "IdempotencyKey")
    using = schema_editor.connection.alias if schema_editor is not None else "default"
    rows = keys.objects.using(using)
    taken: set[str] = set()
    newest_first = rows.order_by("-claimed_at", "-id").only("id", "scope", "client", "key")
    for row in newest_first.iterator():
        scope = scope_at_this_migration(row.client, row.key)
        if scope in taken:
            rows.filter(pk=row.pk).delete()
            continue
        taken.add(scope)
        if row.scope != scope:
            rows.filter(pk=row.pk).update(scope=scope)


class Migration(migrations.Migration):
    dependencies = [("django_http_errors", "0001_initial")]

    operations = [migrations.RunPython(scope_by_client, migrations.RunPython.noop)]
