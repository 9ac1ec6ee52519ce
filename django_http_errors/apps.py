"""App configuration: wires the system checks and, when installed, the OpenAPI integration."""

from __future__ import annotations

import importlib.util

from django.apps import AppConfig


class DjangoHttpErrorsConfig(AppConfig):
    """Registers the system checks and, when drf-spectacular is installed, its extensions for
    our classes (``openapi.extensions``, which drf-spectacular finds once they are imported)."""

    name = "django_http_errors"
    verbose_name = "HTTP errors"

    def ready(self) -> None:
        from . import checks  # noqa: F401

        # Only the openapi package imports drf-spectacular, and only when it is installed.
        if importlib.util.find_spec("drf_spectacular") is not None:
            importlib.import_module(f"{self.name}.openapi.extensions")
