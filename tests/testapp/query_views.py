"""Lists of posts for the query string's tests: the library's classes and DRF's own, side by
side on the same data, with django-filter's date, boolean, number, range, choice and
model-choice filters."""

from __future__ import annotations

from typing import Any

import django_filters
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.urls import path
from django_filters import rest_framework as plain_django_filter
from django_filters.widgets import QueryArrayWidget
from rest_framework import filters as drf_filters
from rest_framework import generics, pagination, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from django_http_errors import query
from django_http_errors.exceptions import InvalidQueryParameters
from django_http_errors.query.django_filter import DjangoFilterBackend
from tests.testapp.models import Post


class PostSerializer(serializers.ModelSerializer[Post]):
    owner = serializers.ReadOnlyField(source="owner.username")

    class Meta:
        model = Post
        fields = ["id", "title", "body", "owner", "version", "updated_at"]


class PostFilter(plain_django_filter.FilterSet):
    """One filter of each kind a form field reads differently (the boolean with the widget
    django-filter gives DRF views)."""

    updated_after = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gt")
    updated_on = django_filters.DateFilter(field_name="updated_at", lookup_expr="date")
    has_body = plain_django_filter.BooleanFilter(method="filter_has_body")
    min_version = django_filters.NumberFilter(field_name="version", lookup_expr="gte")
    version = django_filters.RangeFilter()
    title = django_filters.ChoiceFilter(choices=[("First", "First"), ("Second", "Second")])
    owner = django_filters.ModelChoiceFilter(queryset=User.objects.all(), to_field_name="username")

    class Meta:
        model = Post
        fields: list[str] = []

    def filter_has_body(self, queryset: QuerySet[Post], name: str, value: bool) -> QuerySet[Post]:
        return queryset.exclude(body="") if value else queryset.filter(body="")


class Pages(query.PageNumberPagination):
    page_size = 2
    page_size_query_param = "page_size"
    max_page_size = 10


class DrfPages(pagination.PageNumberPagination):
    page_size = 2
    page_size_query_param = "page_size"
    max_page_size = 10


class Offsets(query.LimitOffsetPagination):
    default_limit = 2
    max_limit = 10


class DrfOffsets(pagination.LimitOffsetPagination):
    default_limit = 2
    max_limit = 10


class Cursor(query.CursorPagination):
    page_size = 2
    page_size_query_param = "page_size"
    max_page_size = 10
    ordering = "id"


class DrfCursor(pagination.CursorPagination):
    page_size = 2
    page_size_query_param = "page_size"
    max_page_size = 10
    ordering = "id"


class Posts(query.KnownQueryParametersMixin, generics.ListAPIView[Post]):
    """The library's list: its paginator, filters and the unknown-parameter check (on with the
    setting)."""

    queryset = Post.objects.select_related("owner")
    serializer_class = PostSerializer
    permission_classes = [AllowAny]
    filter_backends = [DjangoFilterBackend, query.SearchFilter, query.OrderingFilter]
    filterset_class = PostFilter
    search_fields = ["title", "body"]
    ordering_fields = ["id", "title", "updated_at"]
    ordering = ["id"]
    pagination_class = Pages


class DrfPosts(generics.ListAPIView[Post]):
    """The same list with DRF's and django-filter's own classes."""

    queryset = Post.objects.select_related("owner")
    serializer_class = PostSerializer
    permission_classes = [AllowAny]
    filter_backends = [
        plain_django_filter.DjangoFilterBackend,
        drf_filters.SearchFilter,
        drf_filters.OrderingFilter,
    ]
    filterset_class = PostFilter
    search_fields = ["title", "body"]
    ordering_fields = ["id", "title", "updated_at"]
    ordering = ["id"]
    pagination_class = DrfPages


class PostsSince(Posts):
    """A list that reads a parameter of its own, ``since`` (a date), and allows it."""

    allowed_query_parameters = ["since"]

    def get_queryset(self) -> QuerySet[Post]:
        queryset = super().get_queryset()
        since = self.request.query_params.get("since")
        if since is None:
            return queryset
        try:
            day = serializers.DateField().run_validation(since)
        except serializers.ValidationError as exc:
            raise InvalidQueryParameters({"since": exc.detail}) from exc
        return queryset.filter(updated_at__date__gte=day)


class LenientPosts(Posts):
    """The check turned off for this view, whatever the setting says."""

    refuse_unknown_query_parameters = False


class StrictPosts(Posts):
    """The check turned on for this view, whatever the setting says."""

    refuse_unknown_query_parameters = True


class Unpaginated(Posts):
    pagination_class = None


class Since(APIView):
    """A view's own parameter, refused with the library's exception."""

    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        since = request.query_params.get("since", "")
        try:
            day = serializers.DateField().run_validation(since)
        except serializers.ValidationError as exc:
            raise InvalidQueryParameters({"since": exc.detail}) from exc
        return Response({"since": day.isoformat()})


class ArrayFilter(plain_django_filter.FilterSet):
    """Titles as a query array, in any of the three ways ``QueryArrayWidget`` reads one
    (``titles=a,b``, ``titles=a&titles=b``, ``titles[]=a&titles[]=b``)."""

    titles = django_filters.MultipleChoiceFilter(
        field_name="title",
        choices=[("First", "First"), ("Second", "Second")],
        widget=QueryArrayWidget,
    )

    class Meta:
        model = Post
        fields: list[str] = []


class CountedArrayFilter(ArrayFilter):
    """``ArrayFilter``, counting the filtersets made (``made``: one entry each)."""

    made: list[None] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.made.append(None)


def variant(base: type[Any], **attributes: Any) -> Any:
    """``base`` as a view, with ``attributes`` changed."""
    return type(base.__name__, (base,), attributes).as_view()


urlpatterns = [
    path("posts/", Posts.as_view()),
    path("drf/posts/", DrfPosts.as_view()),
    path("offsets/posts/", variant(Posts, pagination_class=Offsets)),
    path("drf/offsets/posts/", variant(DrfPosts, pagination_class=DrfOffsets)),
    path("cursor/posts/", variant(Posts, pagination_class=Cursor)),
    path("drf/cursor/posts/", variant(DrfPosts, pagination_class=DrfCursor)),
    path("unpaginated/posts/", Unpaginated.as_view()),
    path("since/posts/", PostsSince.as_view()),
    path("lenient/posts/", LenientPosts.as_view()),
    path("strict/posts/", StrictPosts.as_view()),
    path("since/", Since.as_view()),
    path("array/posts/", variant(Posts, filterset_class=ArrayFilter)),
    path("array/counted/posts/", variant(Posts, filterset_class=CountedArrayFilter)),
]
