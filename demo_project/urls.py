"""The demo's URLs: the article API, health, schema, API docs and the problem type pages."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from demo_project.articles.views import ArticleViewSet, HealthView

router = DefaultRouter()
router.register("articles", ArticleViewSet, basename="article")

urlpatterns = [
    path("api/health/", HealthView.as_view(), name="health"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its assets from drf-spectacular-sidecar, served locally: no CDN.
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/problems/", include("django_http_errors.urls")),
    path("api/", include(router.urls)),
]

handler400 = "django_http_errors.views.bad_request"
handler403 = "django_http_errors.views.permission_denied"
handler404 = "django_http_errors.views.page_not_found"
handler500 = "django_http_errors.views.server_error"
