"""The demo's URLs: the article API, health, schema, API docs, problem type pages and login.

``/`` leads to ``/api/``, whose root links everything else: a person who opens the server's
address in a browser finds the whole demo from there.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import APIRootView, DefaultRouter

from demo_project.articles.views import ArticleViewSet, HealthView

#: What the API root links besides the router's resources: name in the root -> URL name.
ROOT_LINKS = {
    "docs": "docs",
    "schema": "schema",
    "problems": "django_http_errors:problem-catalog",
    "health": "health",
}


class DemoAPIRootView(APIRootView):
    """The API root: the router's resources, then the docs, schema, problem types and health.

    Open to anyone, and only read: any other method is 405, whoever asks. Behind the default
    IsAuthenticatedOrReadOnly, an anonymous POST was 401, which no credentials could cure.
    """

    permission_classes = [AllowAny]

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        for key, url_name in ROOT_LINKS.items():
            response.data[key] = reverse(url_name, request=request)
        return response


class DemoRouter(DefaultRouter):
    """DRF's router with the demo's API root."""

    APIRootView = DemoAPIRootView


class DocsView(SpectacularSwaggerView):
    """drf-spectacular's Swagger UI page; its OPTIONS answered as Django's views answer it.

    DRF's answers OPTIONS with its metadata, rendered by the page's template renderer, which has
    no template for it: a 500.
    """

    # DRF sends any HttpResponseBase a handler returns (its stubs say Response).
    def options(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:  # type: ignore[override]
        return HttpResponse(headers={"Allow": ", ".join(self.allowed_methods)})


router = DemoRouter()
router.register("articles", ArticleViewSet, basename="article")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="api-root"), name="home"),
    path("api/health/", HealthView.as_view(), name="health"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its assets from drf-spectacular-sidecar, served locally: no CDN.
    path("api/docs/", DocsView.as_view(url_name="schema"), name="docs"),
    path("api/problems/", include("django_http_errors.urls")),
    # DRF's session login and logout: the browsable API shows a "Log in" link.
    path("api-auth/", include("rest_framework.urls")),
    path("api/", include(router.urls)),
]

handler400 = "django_http_errors.views.bad_request"
handler403 = "django_http_errors.views.permission_denied"
handler404 = "django_http_errors.views.page_not_found"
handler500 = "django_http_errors.views.server_error"
