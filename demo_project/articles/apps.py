"""The articles app."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    """The demo's articles."""

    name = "demo_project.articles"
    label = "articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(use_write_ahead_log, sender=self)


def use_write_ahead_log(sender: AppConfig, using: str, **kwargs: Any) -> None:
    """SQLite in WAL mode: readers never wait for the writer, nor the writer for readers.

    Set once, as the database is migrated: WAL is a property of the database file, which keeps
    it, so no request pays a statement for it.
    """
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
