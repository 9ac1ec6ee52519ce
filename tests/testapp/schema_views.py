"""Views for the schema's permission tests: compositions under three authentication setups."""

from __future__ import annotations

from typing import Any

from django.urls import path
from rest_framework import permissions as drf
from rest_framework.authentication import (
    BasicAuthentication,
    SessionAuthentication,
    TokenAuthentication,
)
from rest_framework.generics import RetrieveUpdateAPIView

from django_http_errors.permissions import (
    IsAdminUser,
    IsAuthenticated,
    IsOwner,
    IsOwnerOrReadOnly,
    hidden,
)
from django_http_errors.schema import ProblemAutoSchema
from tests.testapp.models import Post
from tests.testapp.permission_views import PostTitleSerializer

#: The authentication classes of each setup.
AUTHENTICATION: dict[str, list[Any]] = {
    "session-first": [SessionAuthentication, BasicAuthentication, TokenAuthentication],
    "token-only": [TokenAuthentication],
    "basic-only": [BasicAuthentication],
}

#: Compositions through |, & and ~, ours and DRF's own.
COMPOSITIONS: dict[str, Any] = {
    "owner-or-admin": IsOwner | IsAdminUser,
    "owner-or-read-only-or-admin": IsOwnerOrReadOnly | IsAdminUser,
    "not-admin-and-owner": ~IsAdminUser & IsOwner,
    "authenticated-and-owner": IsAuthenticated & IsOwner,
    "admin-or-hidden-owner": IsAdminUser | hidden(IsOwner),
    "drf-authenticated-or-admin": drf.IsAuthenticated | drf.IsAdminUser,
    "drf-not-admin": ~drf.IsAdminUser,
}


def post_view(authentication: str, composition: str) -> Any:
    """A post view (GET, PUT, PATCH) over every post, so only permissions decide."""
    view = type(
        f"SchemaPost_{authentication}_{composition}",
        (RetrieveUpdateAPIView,),
        {
            "queryset": Post.objects.all(),
            "serializer_class": PostTitleSerializer,
            "schema": ProblemAutoSchema(),
            "authentication_classes": AUTHENTICATION[authentication],
            "permission_classes": [COMPOSITIONS[composition]],
            "throttle_classes": [],
        },
    )
    return view.as_view()


urlpatterns = [
    path(f"{authentication}/{composition}/<int:pk>/", post_view(authentication, composition))
    for authentication in AUTHENTICATION
    for composition in COMPOSITIONS
]
