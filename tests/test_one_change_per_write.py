"""A project adopting ``VersionField`` with ``ConditionalUpdateMixin`` and ``@conditional``, as
a new user would: every successful change moves the version by exactly one (DRF's handlers,
custom actions, a view's own verbs, a parent table, a ``post_save`` receiver, a caught
savepoint), and a stale ``If-Match`` is always 412, in autocommit and under
``ATOMIC_REQUESTS``, and for one of eight writers racing with one ``If-Match`` (PostgreSQL).
Several of these moved the version by two."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connections, transaction
from django.db.models.signals import post_save
from django.shortcuts import get_object_or_404
from django.test import Client
from django.urls import include, path
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from django_http_errors.decorators import conditional
from django_http_errors.mixins import ConditionalUpdateMixin
from tests.conftest import write
from tests.testapp.models import Post, VersionedPage


class PostSer(serializers.ModelSerializer[Post]):
    class Meta:
        model = Post
        fields = ["id", "title", "body", "version"]


class OpenPosts:
    """The posts, for anyone: the versions are the point here, not who may write."""

    queryset = Post.objects.all()
    serializer_class = PostSer
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []


class Posts(OpenPosts, ConditionalUpdateMixin, viewsets.ModelViewSet[Post]):
    precondition_required = False

    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        post = self.get_object()
        with self.conditional_write(post):
            post.title = request.data["title"]
            post.save()
            post.save()  # saved twice: still one change
            again = Post.objects.get(pk=post.pk)  # read again after the claim
            again.body = "again"
            again.save()
        return Response(PostSer(Post.objects.get(pk=post.pk)).data)

    @action(detail=True, methods=["post"])
    def via_serializer(self, request: Request, pk: str | None = None) -> Response:
        ser = self.get_serializer(self.get_object(), data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        ser.save()
        return Response(ser.data)

    @action(detail=True, methods=["post"])
    def update_fields(self, request: Request, pk: str | None = None) -> Response:
        post = self.get_object()
        with self.conditional_write(post):
            post.title = request.data["title"]
            post.save(update_fields=["title"])
        return Response(PostSer(Post.objects.get(pk=post.pk)).data)


class Pages(ConditionalUpdateMixin, viewsets.ModelViewSet[VersionedPage]):
    queryset = VersionedPage.objects.all()
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    precondition_required = False

    class serializer_class(serializers.ModelSerializer[VersionedPage]):
        class Meta:
            model = VersionedPage
            fields = ["id", "title", "version"]


class PostView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @conditional(object_func=lambda self, request, pk: get_object_or_404(Post, pk=pk))
    def get(self, request: Request, pk: int) -> Response:
        return Response(PostSer(Post.objects.get(pk=pk)).data)

    @conditional(object_func=lambda self, request, pk: get_object_or_404(Post, pk=pk))
    def put(self, request: Request, pk: int) -> Response:
        post = Post.objects.get(pk=pk)
        post.title = request.data["title"]
        post.save()
        return Response(PostSer(post).data)

    @conditional(object_func=lambda self, request, pk: get_object_or_404(Post, pk=pk))
    def delete(self, request: Request, pk: int) -> Response:
        Post.objects.filter(pk=pk).delete()
        return Response(status=204)


router = SimpleRouter()
router.register("posts", Posts, basename="adopting-post")
router.register("pages", Pages, basename="adopting-page")
urlpatterns = [
    path("adopting/", include(router.urls)),
    path("adopting/apiview/<int:pk>/", PostView.as_view()),
]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=[False, True], ids=["autocommit", "atomic_requests"])
def atomic(request: pytest.FixtureRequest) -> Iterator[bool]:
    saved = {c.alias: c.settings_dict["ATOMIC_REQUESTS"] for c in connections.all()}
    for c in connections.all():
        c.settings_dict["ATOMIC_REQUESTS"] = request.param
    yield request.param
    for c in connections.all():
        c.settings_dict["ATOMIC_REQUESTS"] = saved[c.alias]


@pytest.fixture
def post(users: dict[str, User]) -> Post:
    return Post.objects.create(owner=users["alice"], title="t", body="b")


@pytest.fixture(params=[False, True], ids=["no-receiver", "receiver"])
def receiver(request: pytest.FixtureRequest) -> Iterator[None]:
    """A post_save receiver: DRF's update then claims first and saves after."""

    def noop(**kwargs: Any) -> None:
        pass

    if request.param:
        post_save.connect(noop, sender=Post, weak=False)
    yield
    if request.param:
        post_save.disconnect(noop, sender=Post)


def version(pk: int) -> int:
    return Post.objects.get(pk=pk).version


def etag(url: str) -> str:
    return Client().get(url)["ETag"]


@pytest.mark.usefixtures("atomic", "receiver")
@pytest.mark.parametrize("method", ["PUT", "PATCH"])
@pytest.mark.parametrize("if_match", [True, False])
def test_put_patch_moves_by_one(post: Post, method: str, if_match: bool) -> None:
    url = f"/adopting/posts/{post.pk}/"
    tag = etag(url)
    headers = {"If-Match": tag} if if_match else {}
    response = write(Client(), method, url, {"title": "new", "body": "x"}, **headers)
    assert response.status_code == 200, response.content
    assert version(post.pk) == 2
    assert response.json()["version"] == 2
    # the stale one
    response = write(Client(), method, url, {"title": "newer", "body": "y"}, **{"If-Match": tag})
    assert response.status_code == 412, response.content
    assert version(post.pk) == 2
    assert Post.objects.get(pk=post.pk).title == "new"


@pytest.mark.usefixtures("atomic")
def test_pages_parent_table(users: Any) -> None:
    page = VersionedPage.objects.create(title="p")
    url = f"/adopting/pages/{page.pk}/"
    tag = etag(url)
    response = write(Client(), "PATCH", url, {"title": "q"}, **{"If-Match": tag})
    assert response.status_code == 200, response.content
    assert VersionedPage.objects.get(pk=page.pk).version == 2
    response = write(Client(), "PATCH", url, {"title": "r"}, **{"If-Match": tag})
    assert response.status_code == 412


@pytest.mark.usefixtures("atomic")
def test_delete(post: Post) -> None:
    url = f"/adopting/posts/{post.pk}/"
    tag = etag(url)
    Post.objects.get(pk=post.pk).save()  # someone else
    assert write(Client(), "DELETE", url, **{"If-Match": tag}).status_code == 412
    assert write(Client(), "DELETE", url, **{"If-Match": etag(url)}).status_code == 204
    assert not Post.objects.filter(pk=post.pk).exists()


@pytest.mark.usefixtures("atomic")
@pytest.mark.parametrize("name", ["publish", "via_serializer", "update_fields"])
def test_custom_action(post: Post, name: str) -> None:
    url = f"/adopting/posts/{post.pk}/"
    tag = etag(url)
    response = write(Client(), "POST", f"{url}{name}/", {"title": "pub"}, **{"If-Match": tag})
    assert response.status_code == 200, response.content
    assert version(post.pk) == 2, Post.objects.get(pk=post.pk).__dict__
    assert Client().get(url)["ETag"] != tag
    response = write(Client(), "POST", f"{url}{name}/", {"title": "pub2"}, **{"If-Match": tag})
    assert response.status_code == 412, response.content
    assert version(post.pk) == 2


@pytest.mark.usefixtures("atomic")
def test_custom_action_without_if_match(post: Post) -> None:
    url = f"/adopting/posts/{post.pk}/"
    response = write(Client(), "POST", f"{url}publish/", {"title": "pub"})
    assert response.status_code == 200, response.content
    assert version(post.pk) == 2


@pytest.mark.usefixtures("atomic")
def test_apiview_conditional(post: Post) -> None:
    url = f"/adopting/apiview/{post.pk}/"
    tag = etag(url)
    assert tag
    response = write(Client(), "PUT", url, {"title": "x"}, **{"If-Match": tag})
    assert response.status_code == 200, response.content
    assert version(post.pk) == 2
    assert response.json()["version"] == 2
    assert write(Client(), "PUT", url, {"title": "y"}, **{"If-Match": tag}).status_code == 412
    assert write(Client(), "DELETE", url, **{"If-Match": tag}).status_code == 412
    assert version(post.pk) == 2
    assert write(Client(), "DELETE", url, **{"If-Match": etag(url)}).status_code == 204


@pytest.mark.usefixtures("atomic")
def test_save_after_the_write_moves_on(post: Post) -> None:
    """Outside any write, saves bump as ever (the claims ended)."""
    obj = Post.objects.get(pk=post.pk)
    obj.save()
    obj.save()
    assert version(post.pk) == 3
    with transaction.atomic():
        obj.save()
    assert version(post.pk) == 4


# --- more adoption shapes ------------------------------------------------------------------

from rest_framework import generics  # noqa: E402

from tests.other_writers import Boom, failing_attempt  # noqa: E402


class Posts2(Posts):
    def perform_update(self, serializer: Any) -> None:
        instance = serializer.save()
        instance.body = instance.body + "!"
        instance.save()
        Post.objects.get(pk=instance.pk).save()

    @action(detail=True, methods=["post"])
    def rename(self, request: Request, pk: str | None = None) -> Response:
        return self.partial_update(request, pk=pk)

    @action(detail=True, methods=["post"])
    def hook(self, request: Request, pk: str | None = None) -> Response:
        ser = self.get_serializer(self.get_object(), data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        self.perform_update(ser)
        return Response(ser.data)

    @action(detail=False, methods=["post"])
    def touch_all(self, request: Request) -> Response:
        with self.write_transaction(Post):
            for post in self.get_queryset():
                with self.conditional_write(post):
                    post.body = "all"
                    post.save()
                    post.save()
        return Response({})

    @action(detail=True, methods=["post"])
    def retry_in_write(self, request: Request, pk: str | None = None) -> Response:
        post = self.get_object()
        with self.write_transaction(Post):
            with failing_attempt(), self.conditional_write(post):
                post.title = "attempt"
                post.save()
            with self.conditional_write(post):
                post.title = request.data["title"]
                post.save()
        return Response(PostSer(post).data)

    @action(detail=True, methods=["post"])
    def retry_outside_write(self, request: Request, pk: str | None = None) -> Response:
        post = self.get_object()
        try:
            with self.conditional_write(post):
                post.title = "attempt"
                post.save()
                raise Boom
        except Boom:
            pass
        with self.conditional_write(post):
            post.title = request.data["title"]
            post.save()
        return Response(PostSer(post).data)


class OwnPut(OpenPosts, ConditionalUpdateMixin, generics.RetrieveUpdateDestroyAPIView[Post]):
    precondition_required = False

    def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        post = self.get_object()
        post.title = request.data["title"]
        post.save()
        post.save()
        return Response(PostSer(post).data)


router2 = SimpleRouter()
router2.register("posts", Posts2, basename="adopting-more-post")
urlpatterns += [
    path("adopting-more/", include(router2.urls)),
    path("adopting-own/<int:pk>/", OwnPut.as_view()),
]


@pytest.mark.usefixtures("atomic")
@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("PUT", ""),
        ("PATCH", ""),
        ("POST", "rename/"),
        ("POST", "hook/"),
        ("POST", "retry_in_write/"),
        ("POST", "retry_outside_write/"),
    ],
)
def test_more_shapes(post: Post, method: str, suffix: str) -> None:
    url = f"/adopting-more/posts/{post.pk}/"
    tag = etag(url)
    data = {"title": "n", "body": "b"}
    response = write(Client(), method, url + suffix, data, **{"If-Match": tag})
    assert response.status_code == 200, response.content
    assert version(post.pk) == 2, Post.objects.get(pk=post.pk).__dict__
    response = write(Client(), method, url + suffix, data, **{"If-Match": tag})
    assert response.status_code == 412, response.content
    assert version(post.pk) == 2


@pytest.mark.usefixtures("atomic")
def test_collection(users: Any) -> None:
    posts = [Post.objects.create(owner=users["alice"], title=str(i)) for i in range(3)]
    response = write(Client(), "POST", "/adopting-more/posts/touch_all/", {})
    assert response.status_code == 200, response.content
    assert [version(p.pk) for p in posts] == [2, 2, 2]


@pytest.mark.usefixtures("atomic")
def test_own_put(post: Post) -> None:
    url = f"/adopting-own/{post.pk}/"
    tag = etag(url)
    response = write(Client(), "PUT", url, {"title": "n"}, **{"If-Match": tag})
    assert response.status_code == 200, response.content
    assert version(post.pk) == 2
    assert write(Client(), "PUT", url, {"title": "m"}, **{"If-Match": tag}).status_code == 412


# --- reads of the view's own (a generic view's get()), for a client that accepts only problems


class OwnGet(OpenPosts, ConditionalUpdateMixin, generics.RetrieveAPIView[Post]):
    content = True

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        post = self.get_object()
        if self.content:
            return Response(PostSer(post).data)
        return Response(status=204)


class OwnGetEmpty(OwnGet):
    content = False


urlpatterns += [
    path("adopting-get/full/<int:pk>/", OwnGet.as_view()),
    path("adopting-get/empty/<int:pk>/", OwnGetEmpty.as_view()),
]

PROBLEMS = "application/problem+json"


@pytest.mark.parametrize("name", ["empty", "full"])
@pytest.mark.parametrize("accept", [PROBLEMS, "application/json"])
def test_own_read_preconditions(post: Post, name: str, accept: str) -> None:
    url = f"/adopting-get/{name}/{post.pk}/"
    stale = etag(f"/adopting-get/full/{post.pk}/")
    Post.objects.get(pk=post.pk).save()
    response = Client().get(url, headers={"If-Match": stale, "Accept": accept})
    expected = 406 if (name == "full" and accept == PROBLEMS) else 412
    assert response.status_code == expected, response.content
    current = etag(f"/adopting-get/full/{post.pk}/")
    response = Client().get(url, headers={"If-None-Match": current, "Accept": accept})
    expected = 406 if (name == "full" and accept == PROBLEMS) else 304
    assert response.status_code == expected, response.content


# --- racing writers with one If-Match (PostgreSQL) ------------------------------------------

import threading  # noqa: E402

from django.db import connection  # noqa: E402

from tests.other_writers import needs_postgresql  # noqa: E402


@needs_postgresql
@pytest.mark.usefixtures("atomic", "receiver")
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("PUT", "/adopting-more/posts/{}/"),
        ("PATCH", "/adopting-more/posts/{}/"),
        ("POST", "/adopting/posts/{}/publish/"),
        ("POST", "/adopting/posts/{}/via_serializer/"),
        ("PUT", "/adopting/apiview/{}/"),
        ("PUT", "/adopting-own/{}/"),
        ("DELETE", "/adopting/posts/{}/"),
    ],
)
def test_race(post: Post, method: str, url: str) -> None:
    url = url.format(post.pk)
    tag = etag(f"/adopting/posts/{post.pk}/")
    n = 8
    barrier = threading.Barrier(n)
    codes: list[int] = []

    def run(i: int) -> None:
        try:
            barrier.wait(5)
            data = None if method == "DELETE" else {"title": f"w{i}", "body": f"b{i}"}
            codes.append(write(Client(), method, url, data, **{"If-Match": tag}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    ok = 204 if method == "DELETE" else 200
    # A DELETE that looks its row up after the winner's commit is 404 (RFC 9110 §13.2.1).
    losers = {412, 404} if method == "DELETE" else {412}
    assert codes.count(ok) == 1, codes
    assert set(codes) - {ok} <= losers, codes
    if method != "DELETE":
        assert version(post.pk) == 2
