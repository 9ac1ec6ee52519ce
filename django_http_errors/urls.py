"""Problem type pages: include under any prefix, e.g. ``path("problems/", include(...))``."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "django_http_errors"

urlpatterns = [
    path("", views.problem_catalog, name="problem-catalog"),
    path("<slug:slug>/", views.problem_type, name="problem-type"),
]
