"""The demo's URLs plus the test-only views."""

from __future__ import annotations

from django.urls import include, path

from demo_project.urls import handler400, handler403, handler404, handler500
from demo_project.urls import urlpatterns as demo_urlpatterns

urlpatterns = [
    path("test/", include("tests.testapp.urls")),
    *demo_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
