"""The articles app."""

from __future__ import annotations

from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    """The demo's articles."""

    name = "demo_project.articles"
    label = "articles"
    default_auto_field = "django.db.models.BigAutoField"
