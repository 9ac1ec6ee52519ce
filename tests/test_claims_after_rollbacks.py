"""After a savepoint that rolled a custom action's claim back, the action's next write is
compared with the version the claim was made against, whatever the action read again since
and however many changes other requests made meanwhile. And ``@conditional`` keeps a plain
integer version's claim, as the mixin does."""

from __future__ import annotations

import os
import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.test import Client
from django.urls import include, path
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from django_http_errors.decorators import conditional
from tests.conftest import basic_client, write
from tests.testapp.conditional_views import MemoSerializer, PostViewSet, saved
from tests.testapp.models import Memo, Post

needs_postgresql = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: a second connection commits while the write's transaction is open",
)


class Boom(Exception):
    pass


def stored(pk: int) -> tuple[str, str, int]:
    row = Post.objects.get(pk=pk)
    return row.title, row.body, row.version


OTHER: list[Any] = []


def others_commit(pk: int, titles: list[str]) -> None:
    """Another request commits each title as a change of the row, on its own connection."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            for title in titles:
                other = Post.objects.get(pk=pk)
                other.title = title
                other.save()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "the other writer was blocked"
    if errors:
        raise errors[0]
    OTHER.append(Post.objects.get(pk=pk).version)


def same_connection_commits(pk: int, titles: list[str]) -> None:
    """Stand-in for SQLite: the changes on the request's own connection."""
    for title in titles:
        Post.objects.filter(pk=pk).update(title=title, version=F("version") + 1)
    OTHER.append(Post.objects.get(pk=pk).version)


def change(pk: int, titles: list[str]) -> None:
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        others_commit(pk, titles)
    else:
        same_connection_commits(pk, titles)


class RereadPostViewSet(PostViewSet):
    precondition_required = False

    @action(detail=True, methods=["post"])
    def refresh_after_savepoint(self, request: Request, pk: str | None = None) -> Response:
        """test_claims_in_writes' refresh_then_conditional_write, but two changes are
        committed by others between the savepoint's rollback and the refresh."""
        post = self.get_object()
        with self.write_transaction(Post):
            try:
                with transaction.atomic():
                    saved(self, post, {"title": "attempt"})
                    raise Boom
            except Boom:
                pass
            change(post.pk, ["Theirs 1", "Theirs 2"])
            post.refresh_from_db()
            with self.conditional_write(post):
                post.title = request.data["title"]
                post.save()
            return Response(self.get_serializer(post).data)

    @action(detail=True, methods=["post"])
    def refresh_after_savepoint_once(self, request: Request, pk: str | None = None) -> Response:
        """The same with one change by another request."""
        post = self.get_object()
        with self.write_transaction(Post):
            try:
                with transaction.atomic():
                    saved(self, post, {"title": "attempt"})
                    raise Boom
            except Boom:
                pass
            change(post.pk, ["Theirs 1"])
            post.refresh_from_db()
            with self.conditional_write(post):
                post.title = request.data["title"]
                post.save()
            return Response(self.get_serializer(post).data)


router = SimpleRouter()
router.register("posts", RereadPostViewSet, basename="reread-post")
urlpatterns = [path("reread/", include(router.urls))]


@pytest.fixture
def post(users: dict[str, User]) -> Post:
    return Post.objects.create(owner=users["alice"], title="First", body="one")  # version 1


def etag(pk: int) -> str:
    return Client().get(f"/reread/posts/{pk}/")["ETag"]


def run_action(post: Post, name: str) -> tuple[int, tuple[str, str, int]]:
    OTHER.clear()
    read = etag(post.pk)  # "<pk>.1"
    response = write(
        basic_client("alice"),
        "POST",
        f"/reread/posts/{post.pk}/{name}/",
        {"title": "Mine"},
        **{"If-Match": read},
    )
    return response.status_code, stored(post.pk)


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_refresh_after_a_caught_savepoint_one_other_change_is_412(post: Post) -> None:
    """One change by another request after the savepoint's rollback: 412."""
    status, row = run_action(post, "refresh_after_savepoint_once")
    assert status == 412, (status, row)


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_refresh_after_a_caught_savepoint_two_other_changes_overwrites(post: Post) -> None:
    """If-Match names version 1; others committed 2 and 3 after the savepoint released the
    row (PostgreSQL; on SQLite, changes in the write's own transaction, which the 412 rolls
    back). Refreshed, the post holds 3: conditional_write() claimed 3 -> 4, and "Mine"
    overwrote "Theirs 2" with 200."""
    status, row = run_action(post, "refresh_after_savepoint")
    theirs = "Theirs 2" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "First"
    assert (status, row[0]) == (412, theirs), (status, row)


@api_view(["GET", "PUT"])
@permission_classes([AllowAny])
@conditional(object_func=lambda request, pk: get_object_or_404(Memo, pk=pk))
def memo_function(request: Request, pk: int) -> Response:
    memo = Memo.objects.get(pk=pk)
    if request.method == "GET":
        return Response(MemoSerializer(memo).data)
    serializer = MemoSerializer(memo, data=request.data)
    serializer.is_valid(raise_exception=True)
    serializer.save()
    return Response(serializer.data)


urlpatterns.append(path("reread/memos/<int:pk>/", memo_function))


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_conditional_over_a_plain_integer_version_keeps_the_claim() -> None:
    """The client echoes the version it read in the content (MemoSerializer: fields
    "__all__"): the handler's save writes version 1 again over the claim's 2, and
    @conditional puts the claim's back (keep_claimed_version), as the mixin does. It did not:
    the state "second" had the ETag of "first", and a stale If-Match was 200."""
    memo = Memo.objects.create(text="first")
    client = Client()
    read = client.get(f"/reread/memos/{memo.pk}/")["ETag"]
    first = write(
        client,
        "PUT",
        f"/reread/memos/{memo.pk}/",
        {"text": "second", "version": 1},
        **{"If-Match": read},
    )
    assert first.status_code == 200, first.content
    stale = write(
        client,
        "PUT",
        f"/reread/memos/{memo.pk}/",
        {"text": "third", "version": 1},
        **{"If-Match": read},
    )
    row = Memo.objects.get(pk=memo.pk)
    assert (stale.status_code, row.text) == (412, "second"), (
        stale.status_code,
        row.text,
        row.version,
    )
