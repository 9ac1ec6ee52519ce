"""Custom actions' writes that are no race, each answered as it was: the action's own save or
``bump_version()`` before a ``conditional_write()``, two conditional writes, a retry after a
409 that reads the row again; and ``@conditional`` and a view's own ``put()`` that roll their
write back themselves (a dry run), delete, raise after saving, or save a ``VersionField`` twice.
A claim compared with the version the lookup saw, whatever the action read since, refused the
first three with 412 or 409; keeping a plain version's claim in a write marked for rollback was
a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
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
from django_http_errors.exceptions import Conflict
from django_http_errors.writes import bump_version
from tests.conftest import basic_client, write
from tests.testapp.conditional_views import MemoSerializer, PostViewSet, saved
from tests.testapp.models import Memo, Post


class ActionsPostViewSet(PostViewSet):
    """Actions that write their post before, or around, a ``conditional_write()`` that retitles
    it (``retitled()``); nobody else writes, but where the action says so."""

    precondition_required = False

    def retitled(self, post: Post, request: Request) -> Response:
        with self.conditional_write(post):
            post.title = request.data["title"]
            post.save()
        return Response(self.get_serializer(post).data)

    @action(detail=True, methods=["post"])
    def plain_save_then_cw(self, request: Request, pk: str | None = None) -> Response:
        """The action's own (unguarded) save first."""
        post = self.get_object()
        post.body = "touched"
        post.save()
        return self.retitled(post, request)

    @action(detail=True, methods=["post"])
    def bump_refresh_then_cw(self, request: Request, pk: str | None = None) -> Response:
        """The action's own bump_version() of its row, and a refresh, first."""
        post = self.get_object()
        bump_version(Post.objects.filter(pk=post.pk), body="bumped")
        post.refresh_from_db()
        return self.retitled(post, request)

    @action(detail=True, methods=["post"])
    def cw_twice(self, request: Request, pk: str | None = None) -> Response:
        post = self.get_object()
        with self.conditional_write(post):
            post.body = "first"
            post.save()
        return self.retitled(post, request)

    @action(detail=True, methods=["post"])
    def saved_then_refresh_then_cw(self, request: Request, pk: str | None = None) -> Response:
        post = self.get_object()
        saved(self, post, {"body": "first"})
        post.refresh_from_db()
        return self.retitled(post, request)

    @action(detail=True, methods=["post"])
    def retry_on_conflict(self, request: Request, pk: str | None = None) -> Response:
        """No precondition sent: an optimistic retry, reading the row again after a 409,
        where another request changed the row after the lookup."""
        post = self.get_object()
        Post.objects.filter(pk=post.pk).update(body="theirs", version=F("version") + 1)
        for _attempt in range(3):
            try:
                return self.retitled(post, request)
            except Conflict:
                post.refresh_from_db()
        return Response({"gave_up": True}, status=409)


router = SimpleRouter()
router.register("posts", ActionsPostViewSet, basename="actions-post")
urlpatterns: list[Any] = [path("actions/", include(router.urls))]


@api_view(["GET", "PUT"])
@permission_classes([AllowAny])
@conditional(object_func=lambda request, pk: get_object_or_404(Memo, pk=pk))
def dry_run_memo(request: Request, pk: int) -> Response:
    """A dry run: the change is made, its answer shown, then rolled back."""
    memo = Memo.objects.get(pk=pk)
    if request.method == "GET":
        return Response(MemoSerializer(memo).data)
    memo.text = request.data["text"]
    memo.save()
    transaction.set_rollback(True)
    return Response(MemoSerializer(memo).data)


@api_view(["GET", "PUT", "DELETE"])
@permission_classes([AllowAny])
@conditional(object_func=lambda request, pk: get_object_or_404(Memo, pk=pk))
def deleting_memo(request: Request, pk: int) -> Response:
    memo = Memo.objects.get(pk=pk)
    if request.method == "GET":
        return Response(MemoSerializer(memo).data)
    if request.method == "DELETE":
        memo.delete()
        return Response(status=204)
    memo.text = request.data["text"]
    memo.save()
    raise RuntimeError("after saving")


@api_view(["GET", "PUT"])
@permission_classes([AllowAny])
@conditional(object_func=lambda request, pk: get_object_or_404(Post, pk=pk))
def post_function(request: Request, pk: int) -> Response:
    post = Post.objects.get(pk=pk)
    if request.method == "GET":
        return Response({"title": post.title})
    post.title = request.data["title"]
    post.save()
    post.save()
    return Response({"title": post.title, "version": post.version})


urlpatterns += [
    path("actions/dry/<int:pk>/", dry_run_memo),
    path("actions/del/<int:pk>/", deleting_memo),
    path("actions/postf/<int:pk>/", post_function),
]


@pytest.fixture
def post(users: dict[str, User]) -> Post:
    return Post.objects.create(owner=users["alice"], title="First", body="one")


def run(post: Post, name: str, if_match: bool = True) -> Any:
    headers = {"If-Match": Client().get(f"/actions/posts/{post.pk}/")["ETag"]} if if_match else {}
    return write(
        basic_client("alice"),
        "POST",
        f"/actions/posts/{post.pk}/{name}/",
        {"title": "Mine"},
        **headers,
    )


pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("if_match", [True, False])
def test_plain_save_then_conditional_write(post: Post, if_match: bool) -> None:
    response = run(post, "plain_save_then_cw", if_match)
    row = Post.objects.get(pk=post.pk)
    assert response.status_code == 200, (response.status_code, row.title, row.body, row.version)


@pytest.mark.parametrize("if_match", [True, False])
def test_bump_refresh_then_conditional_write(post: Post, if_match: bool) -> None:
    response = run(post, "bump_refresh_then_cw", if_match)
    row = Post.objects.get(pk=post.pk)
    assert response.status_code == 200, (response.status_code, row.title, row.body, row.version)


def test_conditional_write_twice(post: Post) -> None:
    response = run(post, "cw_twice")
    row = Post.objects.get(pk=post.pk)
    assert (response.status_code, row.title, row.body) == (200, "Mine", "first"), row.version


def test_saved_then_refresh_then_cw(post: Post) -> None:
    response = run(post, "saved_then_refresh_then_cw")
    row = Post.objects.get(pk=post.pk)
    assert (response.status_code, row.title, row.body) == (200, "Mine", "first"), row.version


def test_retry_on_conflict_without_precondition(post: Post) -> None:
    response = run(post, "retry_on_conflict", if_match=False)
    row = Post.objects.get(pk=post.pk)
    assert response.status_code == 200, (response.status_code, response.content, row.title)


def test_conditional_dry_run() -> None:
    memo = Memo.objects.create(text="first")
    client = Client()
    read = client.get(f"/actions/dry/{memo.pk}/")["ETag"]
    response = write(client, "PUT", f"/actions/dry/{memo.pk}/", {"text": "x"}, **{"If-Match": read})
    row = Memo.objects.get(pk=memo.pk)
    assert (response.status_code, row.text, row.version) == (200, "first", 1)


def test_conditional_delete() -> None:
    memo = Memo.objects.create(text="first")
    client = Client()
    read = client.get(f"/actions/del/{memo.pk}/")["ETag"]
    response = write(client, "DELETE", f"/actions/del/{memo.pk}/", **{"If-Match": read})
    assert response.status_code == 204
    assert not Memo.objects.filter(pk=memo.pk).exists()


def test_conditional_raises_after_saving() -> None:
    memo = Memo.objects.create(text="first")
    client = Client(raise_request_exception=False)
    read = client.get(f"/actions/del/{memo.pk}/")["ETag"]
    response = write(client, "PUT", f"/actions/del/{memo.pk}/", {"text": "x"}, **{"If-Match": read})
    row = Memo.objects.get(pk=memo.pk)
    assert (response.status_code, row.text, row.version) == (500, "first", 1)


def test_conditional_version_field_noop(post: Post) -> None:
    client = Client()
    read = client.get(f"/actions/postf/{post.pk}/")["ETag"]
    response = write(
        client, "PUT", f"/actions/postf/{post.pk}/", {"title": "x"}, **{"If-Match": read}
    )
    row = Post.objects.get(pk=post.pk)
    assert (response.status_code, row.version) == (200, 2), response.content
    stale = write(client, "PUT", f"/actions/postf/{post.pk}/", {"title": "y"}, **{"If-Match": read})
    assert stale.status_code == 412


from rest_framework import generics  # noqa: E402

from django_http_errors.mixins import ConditionalUpdateMixin  # noqa: E402


class DryRunMemoView(ConditionalUpdateMixin, generics.GenericAPIView):  # type: ignore[misc]
    queryset = Memo.objects.all()
    serializer_class = MemoSerializer
    permission_classes = [AllowAny]
    precondition_required = False

    def get(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def put(self, request: Request, pk: str) -> Response:
        memo = self.get_object()
        memo.text = request.data["text"]
        memo.save()
        transaction.set_rollback(True)
        return Response(self.get_serializer(memo).data)


urlpatterns.append(path("actions/mixin-dry/<int:pk>/", DryRunMemoView.as_view()))


def test_mixin_dry_run() -> None:
    memo = Memo.objects.create(text="first")
    client = Client(raise_request_exception=False)
    read = client.get(f"/actions/mixin-dry/{memo.pk}/")["ETag"]
    response = write(
        client, "PUT", f"/actions/mixin-dry/{memo.pk}/", {"text": "x"}, **{"If-Match": read}
    )
    row = Memo.objects.get(pk=memo.pk)
    assert (response.status_code, row.text, row.version) == (200, "first", 1), response.content[
        :300
    ]


@api_view(["GET", "PUT"])
@permission_classes([AllowAny])
@conditional(object_func=lambda request, pk: get_object_or_404(Memo, pk=pk))
def echoing_memo(request: Request, pk: int) -> Response:
    memo = Memo.objects.get(pk=pk)
    if request.method == "GET":
        return Response(MemoSerializer(memo).data)
    serializer = MemoSerializer(memo, data=request.data)
    serializer.is_valid(raise_exception=True)
    serializer.save()
    return Response(serializer.data)


urlpatterns.append(path("actions/echoing-memos/<int:pk>/", echoing_memo))


def test_conditional_over_a_plain_integer_version_keeps_the_claim() -> None:
    """The client echoes the version it read in the content (MemoSerializer: fields
    "__all__"): the handler's save writes version 1 again over the claim's 2, and
    @conditional puts the claim's back (keep_claimed_version), as the mixin does. It did not:
    the state "second" had the ETag of "first", and a stale If-Match was 200."""
    memo = Memo.objects.create(text="first")
    client = Client()
    read = client.get(f"/actions/echoing-memos/{memo.pk}/")["ETag"]
    first = write(
        client,
        "PUT",
        f"/actions/echoing-memos/{memo.pk}/",
        {"text": "second", "version": 1},
        **{"If-Match": read},
    )
    assert first.status_code == 200, first.content
    stale = write(
        client,
        "PUT",
        f"/actions/echoing-memos/{memo.pk}/",
        {"text": "third", "version": 1},
        **{"If-Match": read},
    )
    row = Memo.objects.get(pk=memo.pk)
    assert (stale.status_code, row.text) == (412, "second"), (
        stale.status_code,
        row.text,
        row.version,
    )
