"""The query tests' lists alone, where the tests' URLconf mounts them: the schema test_query.py
reads, without the test app's few hundred other operations (a second to generate)."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("test/query/", include("tests.testapp.query_views"))]
