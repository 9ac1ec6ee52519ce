"""A savepoint that rolled back a custom action's claim, its error caught by the action, takes the
claim with it: the action's next write claims the row again, against the state the claim was
made against, whatever the action read again since and however many changes other requests
made meanwhile. For a row with a version field, and for one without (whose claim is its lock).

On PostgreSQL the savepoint frees the row, and the other requests commit on connections of their
own; on SQLite, which has one writer at a time, their changes are made on the request's own
connection, in its write, which the 412 rolls back. The second attempt was 200 over them.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import models
from django.db.models import F
from django.test import Client
from django.urls import include, path
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from tests.conftest import basic_client, write
from tests.other_writers import another_request_saves, failing_attempt, needs_postgresql
from tests.testapp.conditional_views import NoteViewSet, PostViewSet, saved
from tests.testapp.models import Note, Post

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")


def others_change(model: type[models.Model], pk: Any, field: str, values: list[str]) -> None:
    """Other requests change the row, one value each: committed on connections of their own on
    PostgreSQL; on SQLite, in the request's own write."""
    for value in values:
        if ON_POSTGRESQL:
            another_request_saves(model, pk, **{field: value})
        elif model is Post:
            Post.objects.filter(pk=pk).update(**{field: value}, version=F("version") + 1)
        else:
            model._default_manager.filter(pk=pk).update(**{field: value})


class RetryingViewSetMixin:
    """A first attempt saved through the serializer (which claims the row) fails in a savepoint
    and is caught; other requests change the row (``others``); a second attempt, through the
    serializer again, or, having read the object again, in ``conditional_write()``."""

    precondition_required = False
    #: The field the attempts write.
    written: str

    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        view: Any = self
        obj = view.get_object()
        model = type(obj)
        with view.write_transaction(model):
            with failing_attempt():
                saved(view, obj, {self.written: "attempt"})
            others_change(model, obj.pk, self.written, request.data["others"])
            if not request.data["reread"]:
                return Response(saved(view, obj, {self.written: "Mine"}).data)
            obj.refresh_from_db()
            with view.conditional_write(obj):
                setattr(obj, self.written, "Mine")
                obj.save()
            return Response(view.get_serializer(obj).data)


class RetryingPostViewSet(RetryingViewSetMixin, PostViewSet):
    written = "title"


class RetryingNoteViewSet(RetryingViewSetMixin, NoteViewSet):
    written = "text"


router = SimpleRouter()
router.register("posts", RetryingPostViewSet, basename="retrying-post")
router.register("notes", RetryingNoteViewSet, basename="retrying-note")
urlpatterns = [path("retrying/", include(router.urls))]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db(transaction=True)]

#: Other requests' changes, and whether the action reads the object again before its retry.
RACES = pytest.mark.parametrize(
    ("others", "reread"),
    [(["Theirs"], False), (["Theirs"], True), (["Theirs 1", "Theirs 2"], True)],
    ids=["one-change", "one-change-reread", "two-changes-reread"],
)


def retried(route: str, pk: Any, others: list[str], reread: bool) -> int:
    """The status of the action's retry, for a request whose If-Match named what it read."""
    read = Client().get(f"/retrying/{route}/{pk}/")["ETag"]
    response = write(
        basic_client("alice"),
        "POST",
        f"/retrying/{route}/{pk}/retry/",
        {"others": others, "reread": reread},
        **{"If-Match": read},
    )
    return response.status_code


@RACES
def test_a_post_retried_after_a_caught_savepoint_is_412_where_others_changed_it(
    users: dict[str, User], others: list[str], reread: bool
) -> None:
    post = Post.objects.create(owner=users["alice"], title="First", body="one")
    assert retried("posts", post.pk, others, reread) == 412
    row = Post.objects.get(pk=post.pk)
    assert (row.title, row.version) == (
        (others[-1], 1 + len(others)) if ON_POSTGRESQL else ("First", 1)
    )


@needs_postgresql
@RACES
def test_a_note_retried_after_a_caught_savepoint_is_412_where_others_changed_it(
    others: list[str], reread: bool
) -> None:
    """A note has no version field: its claim is its row's lock, which the savepoint freed."""
    note = Note.objects.create(text="First")
    assert retried("notes", note.pk, others, reread) == 412
    assert Note.objects.get(pk=note.pk).text == others[-1]
