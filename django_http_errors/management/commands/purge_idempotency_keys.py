"""``manage.py purge_idempotency_keys``: delete the keys whose time is over."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import router
from django.utils import timezone

from django_http_errors.models import IdempotencyKey


class Command(BaseCommand):
    """Delete expired Idempotency-Key rows; a claim finds and frees an expired key itself."""

    help = "Delete the Idempotency-Key rows (claims and stored answers) that have expired."

    def handle(self, *args: Any, **options: Any) -> None:
        using = router.db_for_write(IdempotencyKey)
        deleted, _ = (
            IdempotencyKey._default_manager.db_manager(using)
            .filter(expires_at__lte=timezone.now())
            .delete()
        )
        self.stdout.write(f"Deleted {deleted} expired idempotency key(s).")
