"""Conditional requests through @conditional: an APIView and a function view over the posts the
mixin's tests use, and a view of the RFC table's values (tests/test_decorators.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from django_http_errors.decorators import conditional
from django_http_errors.permissions import IsAdminUser, IsOwnerOrReadOnly
from tests.testapp.models import Post


class PostSerializer(serializers.ModelSerializer[Post]):
    """A post without ``etag``: that field asks a mixin's view."""

    class Meta:
        model = Post
        fields = ["id", "title", "body", "version", "updated_at"]
        read_only_fields = ["version", "updated_at"]
        extra_kwargs = {"title": {"min_length": 1}}


def post_of(view: APIView, request: Request, pk: int) -> Post:
    """The post, after DRF's object permissions: 404 and 403 come before the preconditions."""
    post = get_object_or_404(Post, pk=pk)
    view.check_object_permissions(request, post)
    return post


def _save(request: Request, pk: int, *, partial: bool) -> Response:
    serializer = PostSerializer(Post.objects.get(pk=pk), data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    serializer.save()
    return Response(serializer.data)


class PostDetail(APIView):
    """The mixin's PostViewSet's detail, as an APIView with @conditional methods."""

    permission_classes = [IsOwnerOrReadOnly | IsAdminUser]

    @conditional(object_func=post_of)
    def get(self, request: Request, pk: int) -> Response:
        return Response(PostSerializer(Post.objects.get(pk=pk)).data)

    @conditional(object_func=post_of)
    def put(self, request: Request, pk: int) -> Response:
        return _save(request, pk, partial=False)

    @conditional(object_func=post_of)
    def patch(self, request: Request, pk: int) -> Response:
        return _save(request, pk, partial=True)

    @conditional(object_func=post_of)
    def delete(self, request: Request, pk: int) -> Response:
        Post.objects.filter(pk=pk).delete()
        return Response(status=204)


def any_post(request: Request, pk: int) -> Post:
    """The post, whoever asks."""
    return get_object_or_404(Post, pk=pk)


@api_view(["GET", "HEAD", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@conditional(object_func=any_post)
def post_function(request: Request, pk: int) -> Response:
    """The same detail, as a function view."""
    if request.method in ("GET", "HEAD"):
        return Response(PostSerializer(Post.objects.get(pk=pk)).data)
    if request.method == "DELETE":
        Post.objects.filter(pk=pk).delete()
        return Response(status=204)
    return _save(request, pk, partial=request.method == "PATCH")


def overtaken_post(view: APIView, request: Request, pk: int) -> Post:
    """The post; then another writer changes its row before this request claims it."""
    post = post_of(view, request, pk)
    Post.objects.filter(pk=pk).update(version=F("version") + 1)
    return post


class OvertakenPostDetail(APIView):
    """Another writer changes the row between this request's lookup and its claim."""

    permission_classes = [IsOwnerOrReadOnly | IsAdminUser]

    @conditional(object_func=overtaken_post, precondition_required=False)
    def patch(self, request: Request, pk: int) -> Response:
        return _save(request, pk, partial=True)


@api_view(["GET", "HEAD"])
@permission_classes([AllowAny])
@conditional(object_func=any_post)
def redirecting_post(request: Request, pk: int) -> HttpResponseRedirect:
    """A read whose answer is a redirect, which has no content of its own."""
    return HttpResponseRedirect(f"/elsewhere/{pk}/")


# One row of the RFC 9110 §13.2.2 table: the validators the test sets, whatever the method.

#: The current row's values: etag, the change dated, whether the resource exists.
ROW: dict[str, Any] = {"etag": None, "changed": None, "exists": True}


@api_view(["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS"])
@permission_classes([AllowAny])
@conditional(
    etag_func=lambda request: ROW["etag"],
    last_modified_func=lambda request: ROW["changed"],
    object_func=lambda request: object() if ROW["exists"] else None,
    precondition_required=False,
)
def table_row(request: Request) -> Response:
    """200 when the method is performed."""
    return Response(status=200)


urlpatterns = [
    path("posts/<int:pk>/", PostDetail.as_view()),
    path("function-posts/<int:pk>/", post_function),
    path("overtaken-posts/<int:pk>/", OvertakenPostDetail.as_view()),
    path("table/", table_row),
    path("redirecting-posts/<int:pk>/", redirecting_post),
]
