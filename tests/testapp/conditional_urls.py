"""Routes of the conditional-request test views."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import conditional_views

router = SimpleRouter()
router.register("notes", conditional_views.NoteViewSet, basename="note")
router.register("timed-notes", conditional_views.TimedNoteViewSet, basename="timed-note")
router.register(
    "stable-timed-notes", conditional_views.StableTimedNoteViewSet, basename="stable-timed-note"
)
router.register("posts", conditional_views.PostViewSet, basename="post")
router.register("albums", conditional_views.AlbumViewSet, basename="album")
router.register(
    "archiving-posts", conditional_views.ArchivingPostViewSet, basename="archiving-post"
)
router.register(
    "newest-first-posts", conditional_views.NewestFirstPostViewSet, basename="newest-first-post"
)
router.register("split-notes", conditional_views.SplitNoteViewSet, basename="split-note")
router.register("retext-notes", conditional_views.RetextNoteViewSet, basename="retext-note")
router.register("renaming-posts", conditional_views.RenamingPostViewSet, basename="renaming-post")
router.register("raced-posts", conditional_views.RacedPostViewSet, basename="raced-post")
router.register("swapping-notes", conditional_views.SwappingNoteViewSet, basename="swapping-note")
router.register("books", conditional_views.BookViewSet, basename="book")
router.register("shelves", conditional_views.ShelfViewSet, basename="shelf")
router.register("shouting-notes", conditional_views.ShoutingNoteViewSet, basename="shouting-note")
router.register(
    "overtaken-posts", conditional_views.OvertakenPostViewSet, basename="overtaken-post"
)
router.register(
    "versioned-pages", conditional_views.VersionedPageViewSet, basename="versioned-page"
)
router.register("failing-posts", conditional_views.FailingPostViewSet, basename="failing-post")
router.register("recent-posts", conditional_views.RecentPostViewSet, basename="recent-post")
router.register("counted-posts", conditional_views.CountedPostViewSet, basename="counted-post")
router.register("labelled-posts", conditional_views.LabelledPostViewSet, basename="labelled-post")
router.register(
    "twice-looked-up-posts", conditional_views.TwiceLookedUpPostViewSet, basename="twice-post"
)

urlpatterns = [
    path("post-view/<int:pk>/", conditional_views.PostView.as_view()),
    path("create-post/", conditional_views.CreatePostView.as_view()),
    path("own-verbs-posts/<int:pk>/", conditional_views.OwnVerbsPostView.as_view()),
    path(
        "overtaken-own-verbs-posts/<int:pk>/",
        conditional_views.OvertakenOwnVerbsPostView.as_view(),
    ),
    path("slow-own-verbs-posts/<int:pk>/", conditional_views.SlowOwnVerbsPostView.as_view()),
    path("ping-posts/<int:pk>/", conditional_views.PingPostView.as_view()),
    path("owners/<int:pk>/posts/", conditional_views.OwnersPostsView.as_view()),
    path(
        "loud-notes/<int:pk>/",
        conditional_views.NoteViewSet.as_view(
            {"get": "retrieve", "patch": "partial_update"},
            serializer_class=conditional_views.LoudNoteSerializer,
        ),
    ),
    *router.urls,
]
