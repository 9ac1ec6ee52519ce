"""Test-only views, each raising one kind of error."""

from __future__ import annotations

from django.db import transaction
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import admin, codebase_views, idempotency_views, views

keyed = SimpleRouter()
keyed.register("idempotent/posts", idempotency_views.KeyedPostViewSet, basename="keyed-post")
keyed.register(
    "idempotent/unthrottled-posts",
    idempotency_views.UnthrottledKeyedPostViewSet,
    basename="unthrottled-keyed-post",
)
keyed.register(
    "idempotent/two-scopes-posts",
    idempotency_views.TwoScopesKeyedPostViewSet,
    basename="two-scopes-keyed-post",
)
keyed.register(
    "idempotent/limited-posts",
    idempotency_views.LimitedKeyedPostViewSet,
    basename="limited-keyed-post",
)
keyed.register(
    "idempotent/looking-up-posts",
    idempotency_views.LookingUpKeyedPostViewSet,
    basename="looking-up-keyed-post",
)
keyed.register(
    "idempotent/catching-posts",
    idempotency_views.CatchingKeyedPostViewSet,
    basename="catching-keyed-post",
)
keyed.register(
    "idempotent/unthrottled-catching-posts",
    idempotency_views.UnthrottledCatchingKeyedPostViewSet,
    basename="unthrottled-catching-keyed-post",
)
keyed.register(
    "idempotent/posts-keyed-on-create",
    idempotency_views.PostKeyedOnCreateViewSet,
    basename="post-keyed-on-create",
)

codebases = SimpleRouter()
codebases.register("codebase/plain/posts", codebase_views.PLAIN, basename="plain-post")
codebases.register(
    "codebase/unguarded/posts", codebase_views.UnguardedPostViewSet, basename="unguarded-post"
)
for order, view in codebase_views.ORDERS.items():
    codebases.register(f"codebase/{order}/posts", view, basename=f"{order}-post")

urlpatterns = [
    *codebases.urls,
    path("conditional/", include("tests.testapp.conditional_urls")),
    path("adoption/", include("tests.testapp.adoption_views")),
    path("decorated/", include("tests.testapp.decorated_views")),
    path("admin/", admin.site.urls),
    path("idempotent/notes/", idempotency_views.OpenNotes.as_view()),
    *keyed.urls,
    path("", include("tests.testapp.permission_views")),
    path("schema/", include("tests.testapp.schema_views")),
    path("query/", include("tests.testapp.query_views")),
    path("boom/", views.Boom.as_view()),
    path("write-then-fail/", views.WriteThenFail.as_view()),
    path("raise/<str:name>/", views.Raise.as_view()),
    path("labels/", views.CreateLabel.as_view()),
    path("gzipped-labels/", views.CreateGzippedLabel.as_view()),
    path("throttled-login/", views.ThrottledLogin.as_view()),
    path("shelves/<int:pk>/", views.DeleteShelf.as_view()),
    path("write-then-invalid/", views.WriteThenInvalid.as_view()),
    path("orders/", views.Orders.as_view()),
    path("throttled/", views.Throttled.as_view()),
    path("html-first/", views.HtmlFirst.as_view()),
    path("database/", transaction.non_atomic_requests(views.DatabasePing.as_view())),
    path("plain/permission-denied/", views.plain_permission_denied),
    path("plain/suspicious/", views.plain_suspicious),
    path("plain/missing/", views.plain_missing),
    path("plain/crash/", views.plain_crash),
]
