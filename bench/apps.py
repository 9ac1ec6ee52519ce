"""The benchmark's models and views, installed only by ``bench.settings``."""

from __future__ import annotations

from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Holds the django-concurrency model that the PUT comparison needs."""

    name = "bench"
    default_auto_field = "django.db.models.BigAutoField"
