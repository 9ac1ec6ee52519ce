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

from demo_project.articles.models import Article
from django_http_errors.permissions import (
    IsAdminUser,
    IsAuthenticated,
    IsOwner,
    IsOwnerOrReadOnly,
    hidden,
)
from django_http_errors.schema import ProblemAutoSchema
from tests.testapp.permission_views import ArticleTitleSerializer

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


def article_view(authentication: str, composition: str) -> Any:
    """An article view (GET, PUT, PATCH) over every article, so only permissions decide."""
    view = type(
        f"SchemaArticle_{authentication}_{composition}",
        (RetrieveUpdateAPIView,),
        {
            "queryset": Article.objects.all(),
            "serializer_class": ArticleTitleSerializer,
            "schema": ProblemAutoSchema(),
            "authentication_classes": AUTHENTICATION[authentication],
            "permission_classes": [COMPOSITIONS[composition]],
            "throttle_classes": [],
        },
    )
    return view.as_view()


urlpatterns = [
    path(f"{authentication}/{composition}/<int:pk>/", article_view(authentication, composition))
    for authentication in AUTHENTICATION
    for composition in COMPOSITIONS
]
