"""The demo's URLs: the article API, health, schema, API docs, problem type pages and login.

``/`` leads to ``/api/``, whose root links everything else: a person who opens the server's
address in a browser finds the whole demo from there.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse, HttpResponseBase
from django.urls import include, path
from django.utils import translation
from django.views.generic import RedirectView
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import APIRootView, DefaultRouter

from demo_project.articles.views import ArticleViewSet, HealthView
from django_http_errors.exceptions import InvalidQueryParameters

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


class SchemaView(SpectacularAPIView):
    """drf-spectacular's schema view, in one language and labelled with it.

    Its descriptions are the library's and the demo's, written in English and not translated;
    drf-spectacular translates its own summaries into the active language. So the document is
    English whatever ``Accept-Language`` says, and ``?lang=`` (drf-spectacular's) gives its
    translated strings beside the English ones, labelled with both languages. A ``lang`` that
    is not one of ``LANGUAGES`` is a 400 naming it.
    """

    @extend_schema(exclude=True)  # as drf-spectacular's own (SERVE_INCLUDE_SCHEMA)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        lang = request.query_params.get("lang")
        language = "en"
        if lang:
            codes = [code for code, _name in settings.LANGUAGES]
            try:
                language = serializers.ChoiceField(choices=codes).run_validation(lang)
            except serializers.ValidationError as exc:
                raise InvalidQueryParameters({"lang": exc.detail}) from exc
        with translation.override("en"):
            response: HttpResponseBase = super().get(request, *args, **kwargs)  # type: ignore[no-untyped-call]
        # Set before LocaleMiddleware's, which would name the request's language.
        response["Content-Language"] = "en" if language == "en" else f"{language}, en"
        return response


router = DemoRouter()
router.register("articles", ArticleViewSet, basename="article")

urlpatterns = [
    # The API first: Django tries the patterns in order, and most requests are the API's. None
    # of the router's patterns matches a path routed below (health, schema, docs, problems).
    path("api/", include(router.urls)),
    path("", RedirectView.as_view(pattern_name="api-root"), name="home"),
    path("api/health/", HealthView.as_view(), name="health"),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    # Swagger UI with its assets from drf-spectacular-sidecar, served locally: no CDN.
    path("api/docs/", DocsView.as_view(url_name="schema"), name="docs"),
    path("api/problems/", include("django_http_errors.urls")),
    # DRF's session login and logout: the browsable API shows a "Log in" link.
    path("api-auth/", include("rest_framework.urls")),
]

handler400 = "django_http_errors.views.bad_request"
handler403 = "django_http_errors.views.permission_denied"
handler404 = "django_http_errors.views.page_not_found"
handler500 = "django_http_errors.views.server_error"
