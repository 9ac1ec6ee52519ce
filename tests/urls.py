"""The test app's views and the library's problem pages; the demo's URLs for its own tests."""

from __future__ import annotations

from django.urls import include, path

from demo_project.urls import urlpatterns as demo_urlpatterns

urlpatterns = [
    path("test/", include("tests.testapp.urls")),
    # Where the demo mounts them, so that the demo's tests find its problem types where it does.
    path("api/problems/", include("django_http_errors.urls")),
    # The demo's plain-DRF control for its races (test_demo_concurrency.py).
    path("test/conditional/", include("tests.demo_controls")),
    # The demo's own routes, but for the problem pages mounted above.
    *(
        route
        for route in demo_urlpatterns
        if getattr(route, "app_name", None) != "django_http_errors"
    ),
]

handler400 = "django_http_errors.views.bad_request"
handler403 = "django_http_errors.views.permission_denied"
handler404 = "django_http_errors.views.page_not_found"
handler500 = "django_http_errors.views.server_error"
