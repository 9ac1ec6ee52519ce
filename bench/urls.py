"""The demo's routes plus a plain-DRF article endpoint to compare with."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from bench.views import (
    ERROR_VIEWS,
    DrfDefaultArticleViewSet,
    KeyedArticleViewSet,
    PeerIdempotentArticleViewSet,
    PlainArticleViewSet,
    PlainCreateViewSet,
    floor,
    handlers,
    with_handler,
)
from demo_project.urls import handler400, handler403, handler404, handler500
from demo_project.urls import urlpatterns as demo_urlpatterns

drf_default = SimpleRouter()
drf_default.register("drf/articles", DrfDefaultArticleViewSet, basename="drf-article")

urlpatterns = [
    *drf_default.urls,
    *(
        path(f"bench/{index}/{status}/", with_handler(view, handler))
        for index, handler in enumerate(handlers().values())
        for status, view in ERROR_VIEWS.items()
    ),
    path("bench/floor/", floor),
    path(
        "plain/articles/<int:pk>/",
        PlainArticleViewSet.as_view({"get": "retrieve", "put": "update"}),
        name="plain-article-detail",
    ),
    # The Idempotency-Key race (bench/idempotency_race.py): this library and a peer.
    path("keyed/articles/", KeyedArticleViewSet.as_view({"post": "create"})),
    path("peer/articles/", PeerIdempotentArticleViewSet.as_view({"post": "create"})),
    path("plain-create/articles/", PlainCreateViewSet.as_view({"post": "create"})),
    *demo_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
