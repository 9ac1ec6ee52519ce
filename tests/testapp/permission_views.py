"""Views for the permission tests: one per authentication order x composition x hiding, and
lists under hiding rules."""

from __future__ import annotations

from typing import Any

from django.urls import path
from rest_framework import permissions as drf_permissions
from rest_framework import serializers
from rest_framework.authentication import (
    BasicAuthentication,
    SessionAuthentication,
    TokenAuthentication,
)
from rest_framework.generics import RetrieveUpdateAPIView
from rest_framework.mixins import ListModelMixin, RetrieveModelMixin, UpdateModelMixin
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from django_http_errors.exceptions import InsufficientScope
from django_http_errors.permissions import (
    HiddenFilter,
    IsAdminUser,
    IsAuthenticated,
    IsOwner,
    IsOwnerOrReadOnly,
    Permission,
    Rule,
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


class IsEditor(Permission):
    """A project's own permission with its own code: only editors (staff, here) may write.

    Its rule, stated once, decides and describes; its title, meaning and advice declare its
    code's problem type. This class is all it takes.
    """

    message = "Only editors may change this post."
    code = "not_editor"
    title = "Not an editor"
    meaning = "Only editors may change this resource."
    advice = "Ask an editor to make the change."
    rules = (Rule("allows").for_writes(),)

    def allows(self, request: Any, view: Any) -> bool:
        return bool(request.user.is_staff)


class EditorPostDetail(PostDetail):
    """Posts anyone reads and only editors write."""

    authentication_classes = [BasicAuthentication]
    permission_classes = [IsEditor]


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


class IsOwnerOrStaff(IsOwner):
    """The owner, and staff."""

    allow_staff = True


class SecretOwner(IsOwner):
    """The owner; to anyone else the object does not exist."""

    hide_denied_objects = True


#: Rules over posts, each hiding some from some users; the lists must leave out what each hides.
HIDING_RULES: dict[str, Any] = {
    "hidden-owner": hidden(IsOwner),
    "hidden-owner-or-staff": hidden(IsOwnerOrStaff),
    "hidden-owner-or-admin": hidden(IsOwner | IsAdminUser),
    "admin-or-hidden-owner": IsAdminUser | hidden(IsOwner),
    "hidden-owner-and-authenticated": hidden(IsOwner & IsAuthenticated),
    "drf-authenticated-and-hidden-owner": drf_permissions.IsAuthenticated & hidden(IsOwner),
    "hidden-owner-and-not-admin": hidden(IsOwner) & ~IsAdminUser,
    "hidden-owner-or-anonymous": hidden(IsOwner) | ~IsAuthenticated,
    "hidden-owner-or-read-only": hidden(IsOwnerOrReadOnly),
    # Hides nothing: a post bob may not write is a 403, and listed.
    "owner-or-hidden-admin": IsOwner | hidden(IsAdminUser),
    "secret-owner": SecretOwner,
    "view-hides": IsOwner,
}


class PostUpdates(RetrieveModelMixin, UpdateModelMixin, GenericViewSet[Post]):
    """Posts read and written (a detail's GET and PATCH), under one of the hiding rules."""

    queryset = Post.objects.all()
    serializer_class = PostTitleSerializer


class FilteredPosts(ListModelMixin, PostUpdates):
    """The same posts listed too, with the hidden ones left out of the queryset."""

    filter_backends = [HiddenFilter]


def hiding_views(name: str) -> list[Any]:
    """The list and the detail with ``HiddenFilter``, and the detail where only the permission
    decides, for one rule."""
    attributes = {
        "permission_classes": [HIDING_RULES[name]],
        "hide_denied_objects": name == "view-hides",
    }
    filtered = type(f"FilteredPosts_{name}", (FilteredPosts,), attributes)
    unfiltered = type(f"PostUpdates_{name}", (PostUpdates,), attributes)
    detail = {"get": "retrieve", "patch": "partial_update"}
    return [
        path(f"perm/lists/{name}/", filtered.as_view({"get": "list"})),
        path(f"perm/lists/{name}/<int:pk>/", filtered.as_view(detail)),
        path(f"perm/lists/{name}/unfiltered/<int:pk>/", unfiltered.as_view(detail)),
    ]


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
    path("perm/editor/<int:pk>/", EditorPostDetail.as_view()),
    path("perm/scoped/", Scoped.as_view()),
    path("perm/session-only/", SessionOnly.as_view()),
    path("perm/open/", Open.as_view()),
]
for name in HIDING_RULES:
    urlpatterns += hiding_views(name)
