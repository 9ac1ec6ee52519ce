"""A write's claims (``one_change()``) reach no save of another committed state: not a save in a
context copied from the write (asgiref's ``sync_to_async``, a pool that carries the request's
context), after the write; not, on PostgreSQL, a save after a savepoint that rolled the claim
back and was caught by the action, when another request changed the row meanwhile.
"""

from __future__ import annotations

import contextvars
import os
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
from tests.testapp.conditional_views import PostViewSet, saved
from tests.testapp.models import Post

needs_postgresql = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: a second connection commits while the write's transaction is open",
)


class Boom(Exception):
    pass


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


# 2. A savepoint of the write that rolled the claim back, caught.

OTHER_WRITER: list[Any] = []


def another_writer_commits(pk: int, title: str) -> int:
    """Another request commits a change of the row, on its own connection (a thread)."""
    result: list[Any] = []

    def run() -> None:
        try:
            other = Post.objects.get(pk=pk)
            other.title = title
            other.save()
            result.append(Post.objects.get(pk=pk).version)
        except BaseException as error:
            result.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "the other writer was blocked by the write's row lock"
    if isinstance(result[0], BaseException):
        raise result[0]
    return int(result[0])


class ReviewPostViewSet(PostViewSet):
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

    @action(detail=True, methods=["post"])
    def retry_in_savepoint(self, request: Request, pk: str | None = None) -> Response:
        """A first attempt in a savepoint, saved through its serializer (``_save_looked_up``,
        which claims the row), whose side effect then fails and is caught; a second attempt.
        Between them another request commits a change (PostgreSQL released the row lock with
        the savepoint)."""
        post = self.get_object()
        with self.write_transaction(Post):
            try:
                with transaction.atomic():
                    saved(self, post, {"title": "attempt"})
                    raise Boom  # e.g. a unique slug taken, an IntegrityError
            except Boom:
                pass
            OTHER_WRITER.append(another_writer_commits(post.pk, "Theirs"))
            return Response(saved(self, post, request.data).data)

    @action(detail=True, methods=["post"])
    def refresh_then_conditional_write(self, request: Request, pk: str | None = None) -> Response:
        """As above, but the action follows swap_version()'s advice after a rollback: it reads
        the row again, then writes in ``conditional_write()``."""
        post = self.get_object()
        with self.write_transaction(Post):
            try:
                with transaction.atomic():
                    saved(self, post, {"title": "attempt"})
                    raise Boom
            except Boom:
                pass
            OTHER_WRITER.append(another_writer_commits(post.pk, "Theirs"))
            post.refresh_from_db()
            with self.conditional_write(post):
                post.title = request.data["title"]
                post.save()
            return Response(self.get_serializer(post).data)


router = SimpleRouter()
router.register("posts", ReviewPostViewSet, basename="review-post")
urlpatterns = [path("review/", include(router.urls))]


@pytest.fixture
def post(users: dict[str, User]) -> Post:
    return Post.objects.create(owner=users["alice"], title="First", body="one")  # version 1


def etag(pk: int) -> str:
    return Client().get(f"/review/posts/{pk}/")["ETag"]


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
        f"/review/posts/{post.pk}/notify_later/",
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
        alice, "PATCH", f"/review/posts/{post.pk}/", {"title": "Over"}, **{"If-Match": mine}
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


@needs_postgresql
@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_a_caught_savepoint_that_rolled_back_the_claim_then_a_save_shares_a_version(
    post: Post,
) -> None:
    """The request's If-Match names version 1; "Theirs" was committed as version 2 after the
    savepoint released the row: the second attempt is 412 (or at the least a new version).
    It was 200, "Mine" written as version 2 over "Theirs" version 2."""
    OTHER_WRITER.clear()
    alice = basic_client("alice")
    read = etag(post.pk)
    response = write(
        alice,
        "POST",
        f"/review/posts/{post.pk}/retry_in_savepoint/",
        {"title": "Mine"},
        **{"If-Match": read},
    )
    assert OTHER_WRITER == [2]  # "Theirs" committed as version 2
    title, _, version = stored(post.pk)
    assert (response.status_code, title) == (412, "Theirs"), (response.status_code, title, version)


@needs_postgresql
@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_a_caught_savepoint_then_refresh_and_conditional_write_overwrites_a_committed_change(
    post: Post,
) -> None:
    """After refresh_from_db() the post holds "Theirs" (version 2): conditional_write() claims
    again, against the version the request's If-Match named (1), and is 412. The rolled-back
    claim counted, and "Mine" was written over "Theirs" with one version."""
    OTHER_WRITER.clear()
    alice = basic_client("alice")
    read = etag(post.pk)
    response = write(
        alice,
        "POST",
        f"/review/posts/{post.pk}/refresh_then_conditional_write/",
        {"title": "Mine"},
        **{"If-Match": read},
    )
    assert OTHER_WRITER == [2]
    title, _, version = stored(post.pk)
    assert (response.status_code, title) == (412, "Theirs"), (response.status_code, title, version)
