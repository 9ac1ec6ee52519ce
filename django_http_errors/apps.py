"""App configuration: wires the system checks and, when installed, the OpenAPI integration."""

from __future__ import annotations

import importlib.util

from django.apps import AppConfig


class DjangoHttpErrorsConfig(AppConfig):
    """Registers the checks and, when drf-spectacular is installed, the schema extensions."""

    name = "django_http_errors"
    verbose_name = "HTTP errors"

    def ready(self) -> None:
        from . import checks  # noqa: F401

        if importlib.util.find_spec("drf_spectacular") is not None and _has_module("schema"):
            importlib.import_module(f"{self.name}.schema")


def _has_module(name: str) -> bool:
    return importlib.util.find_spec(f"{DjangoHttpErrorsConfig.name}.{name}") is not None
