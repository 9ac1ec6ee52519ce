"""A write's claims (``one_change()``) end with it, in every context copied from it too
(asgiref's ``sync_to_async``, a pool that carries the request's context): work handed over in
the write saves the object after it as a change of its own. It wrote the claimed version again.
"""

from __future__ import annotations

import contextvars
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test import Client
from django.urls import include, path
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from django_http_errors.fields import one_change
from django_http_errors.writes import swap_version
from tests.conftest import basic_client, write
from tests.testapp.conditional_views import PostViewSet
from tests.testapp.models import Post


def stored(pk: int) -> tuple[str, str, int]:
    row = Post.objects.get(pk=pk)
    return row.title, row.body, row.version


# 1. A context copied inside the write keeps the claim after it.

POOL = ThreadPoolExecutor(1)
RELEASE = threading.Event()
PENDING: list[Future[Any]] = []


def mark_notified(post: Post) -> None:
    """Background work on the post, after the write (a notification sent, then recorded)."""
    try:
        RELEASE.wait(10)
        post.body = "notified"
        post.save()  # autocommit, its own connection, after the write committed
    finally:
        connection.close()


class HandingOverPostViewSet(PostViewSet):
    precondition_required = False

    @action(detail=True, methods=["post"])
    def notify_later(self, request: Request, pk: str | None = None) -> Response:
        """A conditional write that hands the post to background work, with the request's
        context (a request id, a tracing span), as asgiref's sync_to_async does."""
        post = self.get_object()
        with self.conditional_write(post):
            post.title = request.data["title"]
            post.save()
            PENDING.append(POOL.submit(contextvars.copy_context().run, mark_notified, post))
        return Response(self.get_serializer(post).data)


router = SimpleRouter()
router.register("posts", HandingOverPostViewSet, basename="handing-over-post")
urlpatterns = [path("handing-over/", include(router.urls))]


@pytest.fixture
def post(users: dict[str, User]) -> Post:
    return Post.objects.create(owner=users["alice"], title="First", body="one")  # version 1


def etag(pk: int) -> str:
    return Client().get(f"/handing-over/posts/{pk}/")["ETag"]


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_background_work_given_the_requests_context_reuses_the_claimed_version(post: Post) -> None:
    """The write commits ("Mine", version 2); the background save of the post, after it, is
    another committed change: version 3. It wrote 2 again (the claim in the copied context),
    and the ETag of ("Mine", "one") matched ("Mine", "notified")."""
    RELEASE.clear()
    PENDING.clear()
    alice = basic_client("alice")
    read = etag(post.pk)
    response = write(
        alice,
        "POST",
        f"/handing-over/posts/{post.pk}/notify_later/",
        {"title": "Mine"},
        **{"If-Match": read},
    )
    assert response.status_code == 200, response.content
    assert stored(post.pk) == ("Mine", "one", 2)
    mine = etag(post.pk)  # what a client reading ("Mine", "one") holds: "<pk>.2"
    RELEASE.set()
    PENDING[0].result(10)
    after = stored(post.pk)
    # The client's If-Match names the state before the background change.
    stale = write(
        alice, "PATCH", f"/handing-over/posts/{post.pk}/", {"title": "Over"}, **{"If-Match": mine}
    )
    # A committed change of content is a new version, and a stale If-Match is 412.
    assert (after, stale.status_code) == (("Mine", "notified", 3), 412), (
        after,
        stale.status_code,
        stored(post.pk),
    )


@pytest.mark.django_db(transaction=True)
def test_a_context_copied_in_a_write_keeps_its_claim_after_the_write(post: Post) -> None:
    """The same without a view: the copy holds the write's very claims, which end with it."""
    with ThreadPoolExecutor(1) as pool:
        go = threading.Event()

        def later() -> None:
            try:
                go.wait(10)
                post.body = "later"
                post.save()
            finally:
                connection.close()

        with transaction.atomic(), one_change():
            assert swap_version(post, "version") is True
            post.title = "Claimed"
            post.save()
            future = pool.submit(contextvars.copy_context().run, later)
        assert stored(post.pk) == ("Claimed", "one", 2)
        go.set()
        future.result(10)
    assert stored(post.pk) == ("Claimed", "later", 3), stored(post.pk)
