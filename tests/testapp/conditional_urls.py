"""Routes of the conditional-request test views."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from . import conditional_views

router = SimpleRouter()
router.register("notes", conditional_views.NoteViewSet, basename="note")
router.register(
    "overtaken-articles", conditional_views.OvertakenArticleViewSet, basename="overtaken-article"
)
router.register("plain-articles", conditional_views.PlainArticleViewSet, basename="plain-article")
router.register(
    "versioned-pages", conditional_views.VersionedPageViewSet, basename="versioned-page"
)
router.register(
    "failing-articles", conditional_views.FailingArticleViewSet, basename="failing-article"
)

urlpatterns = router.urls
