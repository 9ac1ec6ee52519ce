"""The existing API's URLconf, with the library's problem type pages."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("labels", views.LabelViewSet, basename="label")
router.register("legacy-labels", views.LegacyLabelViewSet, basename="legacy-label")

urlpatterns = [
    path("api/", include(router.urls)),
    path("api/label-count/", views.label_count),
    path("api/report/", views.Report.as_view()),
    path("api/problems/", include("django_http_errors.urls")),
]
