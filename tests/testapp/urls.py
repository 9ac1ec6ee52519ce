"""Test-only views, each raising one kind of error."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("boom/", views.Boom.as_view()),
    path("write-then-fail/", views.WriteThenFail.as_view()),
]
