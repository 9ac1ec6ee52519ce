"""The articles app."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created


class ArticlesConfig(AppConfig):
    """The demo's articles."""

    name = "demo_project.articles"
    label = "articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        connection_created.connect(use_write_ahead_log)


def use_write_ahead_log(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """SQLite in WAL mode: readers never wait for the writer, nor the writer for readers."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
