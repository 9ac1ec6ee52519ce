"""Views for the permission tests: one per authentication order x composition x hiding."""

from __future__ import annotations

from typing import Any

from django.urls import path
from rest_framework import serializers
from rest_framework.authentication import (
    BasicAuthentication,
    SessionAuthentication,
    TokenAuthentication,
)
from rest_framework.generics import RetrieveUpdateAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from django_http_errors.exceptions import InsufficientScope
from django_http_errors.permissions import (
    IsAdminUser,
    IsAuthenticated,
    IsOwner,
    IsOwnerOrReadOnly,
    hidden,
)
from tests.testapp.authentication import BearerAuthentication
from tests.testapp.models import Post

#: The view's authentication classes, by which one comes first; "none" has none at all.
ORDERS: dict[str, list[Any]] = {
    "session-first": [
        SessionAuthentication,
        BasicAuthentication,
        TokenAuthentication,
        BearerAuthentication,
    ],
    "basic-first": [
        BasicAuthentication,
        TokenAuthentication,
        BearerAuthentication,
        SessionAuthentication,
    ],
    "token-first": [
        TokenAuthentication,
        BearerAuthentication,
        SessionAuthentication,
        BasicAuthentication,
    ],
    "none": [],
}

#: Each composition, plain and with the object-level rule hidden (404 instead of 403).
COMPOSITIONS: dict[str, dict[str, Any]] = {
    "single": {"plain": IsOwnerOrReadOnly, "hidden": hidden(IsOwnerOrReadOnly)},
    "and": {"plain": IsAuthenticated & IsOwner, "hidden": IsAuthenticated & hidden(IsOwner)},
    "or": {"plain": IsAdminUser | IsOwner, "hidden": IsAdminUser | hidden(IsOwner)},
    "not": {"plain": ~IsAdminUser & IsOwner, "hidden": ~IsAdminUser & hidden(IsOwner)},
}


class PostTitleSerializer(serializers.ModelSerializer[Post]):
    """Just enough of a post to write it."""

    class Meta:
        model = Post
        fields = ["id", "title"]


class PostDetail(RetrieveUpdateAPIView[Post]):
    """A post over every post, so that only permissions decide (the queryset hides none)."""

    queryset = Post.objects.all()
    serializer_class = PostTitleSerializer


class HidingPostDetail(PostDetail):
    """The same, with the view (not the permission) asking to hide denied objects."""

    permission_classes = [IsOwnerOrReadOnly]
    authentication_classes = ORDERS["session-first"]
    hide_denied_objects = True


class Scoped(APIView):
    """Answers a Bearer-authenticated request whose token lacks a scope (RFC 6750 §3.1)."""

    authentication_classes = [SessionAuthentication, BearerAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise InsufficientScope(scope="articles:write")


class SessionOnly(APIView):
    """A Session-only API: its 401 carries the configured session challenge."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response({"user": request.user.get_username()})


class Open(APIView):
    """Anyone may read; used to prove that bad credentials fail even where nothing is needed."""

    authentication_classes = ORDERS["session-first"]
    permission_classes = [AllowAny]

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response({"user": request.user.get_username()})


def matrix_view(order: str, composition: str, variant: str) -> Any:
    """The post view for one authentication order, composition and hiding variant."""
    view = type(
        f"PostDetail_{order}_{composition}_{variant}",
        (PostDetail,),
        {
            "authentication_classes": ORDERS[order],
            "permission_classes": [COMPOSITIONS[composition][variant]],
        },
    )
    return view.as_view()


urlpatterns = [
    path(
        f"perm/{order}/{composition}/{variant}/<int:pk>/", matrix_view(order, composition, variant)
    )
    for order in ORDERS
    for composition in COMPOSITIONS
    for variant in ("plain", "hidden")
]
urlpatterns += [
    path("perm/view-hides/<int:pk>/", HidingPostDetail.as_view()),
    path("perm/scoped/", Scoped.as_view()),
    path("perm/session-only/", SessionOnly.as_view()),
    path("perm/open/", Open.as_view()),
]
