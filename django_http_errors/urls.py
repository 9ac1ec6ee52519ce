"""Problem type pages: include under any prefix, e.g. ``path("problems/", include(...))``."""

from __future__ import annotations

from django.core.checks import CheckMessage
from django.urls import URLPattern, path

from . import views
from .checks import check_installed

__all__ = ["urlpatterns"]

app_name = "django_http_errors"


class _PagesPattern(URLPattern):
    """The catalog's pattern, which also reports the app missing from ``INSTALLED_APPS`` (E006).

    Django's URL checks call every pattern's ``check()``, with or without the app; its own
    checks, registered from its ``ready()``, never run without it.
    """

    def check(self) -> list[CheckMessage]:
        return [*super().check(), *check_installed(None)]


_catalog = path("", views.problem_catalog, name="problem-catalog")

urlpatterns = [
    # One pattern only, so that the error is reported once.
    _PagesPattern(_catalog.pattern, _catalog.callback, _catalog.default_args, _catalog.name),
    path("<slug:slug>/", views.problem_type, name="problem-type"),
]
