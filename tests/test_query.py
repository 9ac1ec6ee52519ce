"""The query string: a malformed, out-of-range or unknown parameter is 400 naming it.

Each list of the test app (tests/testapp/query_views.py) has a twin made of DRF's and
django-filter's own classes; on valid queries both answer the same, on invalid ones ours name
the parameter where DRF's answer 404, ignore it or point into a body.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import django_filters
import pytest
from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import QueryDict
from django.test import Client, RequestFactory, override_settings
from django.urls import path
from django.utils import timezone
from django_filters import Filter, FilterSet
from django_filters import rest_framework as plain_django_filter
from django_filters.filterset import FilterSetMetaclass
from drf_spectacular.generators import SchemaGenerator
from rest_framework import filters as drf_filters
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request

from django_http_errors.assembly import problem_body
from django_http_errors.exceptions import InvalidQueryParameters
from django_http_errors.query import KnownQueryParametersMixin
from django_http_errors.query import filters as query_filters
from django_http_errors.query.django_filter import (
    DjangoFilterBackend,
    RFC3339DateTimeFilter,
    filters_without_parameters,
    repeatable_parameters,
)
from django_http_errors.schema import (
    INVALID_PARAMETER_COMPONENT,
    INVALID_QUERY_PROBLEM_COMPONENT,
    VALIDATION_PROBLEM_COMPONENT,
)
from tests.conftest import problem
from tests.testapp.models import Post
from tests.testapp.query_views import CountedArrayFilter, PostFilter, Posts, PostSerializer

pytestmark = pytest.mark.django_db

#: The URLconf whose schema the tests below read: the lists alone, where the tests' URLconf
#: mounts them. The whole test app's took a second to generate; the lists' operations and
#: components are the same in both, but for the names drf-spectacular derives from the other
#: paths (operationId, tags, an enum's).
QUERY_URLS = "tests.query_urls"
POSTS = "/test/query/posts/"
OFFSETS = "/test/query/offsets/posts/"
CURSOR = "/test/query/cursor/posts/"
STRICT = {"HTTP_ERRORS": {"REFUSE_UNKNOWN_QUERY_PARAMETERS": True}}
#: The ``openapi`` fixture: the schema generated for a URLconf (tests/conftest.py).
OpenAPI = Callable[[str], dict[str, Any]]


@pytest.fixture
def posts(users: dict[str, User]) -> list[Post]:
    """Five posts of alice's and bob's, changed a day apart, one without a body."""
    made = []
    now = timezone.now()
    for number, (owner, title, body) in enumerate(
        [
            ("alice", "First", "A body"),
            ("bob", "Second", "Another"),
            ("alice", "Second", ""),
            ("bob", "First", "Words here"),
            ("alice", "First", "More words"),
        ]
    ):
        post = Post.objects.create(owner=users[owner], title=title, body=body)
        Post.objects.filter(pk=post.pk).update(updated_at=now - timedelta(days=5 - number))
        made.append(post)
    Post.objects.filter(pk=made[1].pk).update(version=3)
    return made


def get(path: str, query: str = "", **extra: Any) -> Any:
    return Client(raise_request_exception=False).get(f"{path}?{query}" if query else path, **extra)


def refused(response: Any) -> list[dict[str, str]]:
    """The ``errors`` of a 400 for the query string, after checking its shape."""
    assert response.status_code == 400, response.content
    body = problem(response)
    assert body["code"] == "invalid_query"
    assert body["type"].endswith("/invalid-query/")
    errors: list[dict[str, str]] = body["errors"]
    for error in errors:
        assert set(error) == {"parameter", "detail", "code"}
    if len(errors) == 1:
        assert body["detail"] == errors[0]["detail"]
    return errors


def twin(path: str) -> str:
    """The same list made of DRF's and django-filter's own classes."""
    return path.replace("/test/query/", "/test/query/drf/")


def same_as_drf(path: str, query: str) -> Any:
    """Our answer, after checking that DRF's classes give the same on the same data."""
    ours, drfs = get(path, query), get(twin(path), query)
    assert ours.status_code == drfs.status_code == 200, (ours.content, drfs.content)
    text = drfs.content.decode().replace("/test/query/drf/", "/test/query/")
    assert ours.content.decode() == text
    return ours.json()


# The exception a view raises for its own parameters


def test_a_views_own_parameter_is_400_naming_it() -> None:
    (error,) = refused(get("/test/query/since/", "since=yesterday"))
    assert error["parameter"] == "since"
    assert error["code"] == "invalid"
    assert error["detail"].startswith("Date has wrong format.")
    assert get("/test/query/since/", "since=2026-01-02").json() == {"since": "2026-01-02"}


def test_several_errors_are_listed_under_one_detail() -> None:
    exc = InvalidQueryParameters({"since": "Enter a valid date.", "until": ["No.", "Never."]})
    body = problem_body(exc, RequestFactory().get("/"))
    assert body["status"] == 400
    assert body["detail"] == "The query string is invalid: each error is listed in errors."
    assert [(e["parameter"], e["detail"]) for e in body["errors"]] == [
        ("since", "Enter a valid date."),
        ("until", "No."),
        ("until", "Never."),
    ]


# Pagination: page number, limit and offset, cursor


def forged_cursor() -> str:
    """A cursor that decodes, at a position no id can have."""
    return base64.b64encode(b"p=abc").decode()


MALFORMED_PAGES = [
    (POSTS, "page=abc", "page", "invalid"),
    (POSTS, "page=0", "page", "min_value"),
    (POSTS, "page=-1", "page", "min_value"),
    (POSTS, "page=1.5", "page", "invalid"),
    (POSTS, "page=1e3", "page", "invalid"),
    (POSTS, "page=" + "9" * 5000, "page", "max_string_length"),
    (POSTS, "page=%00", "page", "invalid"),
    # What DRF's IntegerField reads too: a whole fraction, a space (an unencoded "+"), other
    # scripts' digits (a fullwidth 1).
    (POSTS, "page=1.0", "page", "invalid"),
    (POSTS, "page_size=+2", "page_size", "invalid"),
    (POSTS, "page=%EF%BC%91", "page", "invalid"),
    (OFFSETS, "offset=1.0", "offset", "invalid"),
    (POSTS, "page_size=abc", "page_size", "invalid"),
    (POSTS, "page_size=0", "page_size", "min_value"),
    (POSTS, "page_size=11", "page_size", "max_value"),
    (OFFSETS, "limit=-1", "limit", "min_value"),
    (OFFSETS, "limit=0", "limit", "min_value"),
    (OFFSETS, "limit=11", "limit", "max_value"),
    (OFFSETS, "limit=x", "limit", "invalid"),
    (OFFSETS, "offset=x", "offset", "invalid"),
    (OFFSETS, "offset=-1", "offset", "min_value"),
    (CURSOR, "cursor=abc", "cursor", "invalid"),
    (CURSOR, "cursor=%E2%82%AC", "cursor", "invalid"),
    (CURSOR, f"cursor={forged_cursor()}", "cursor", "invalid"),
    (CURSOR, "page_size=abc", "page_size", "invalid"),
    (CURSOR, "page_size=11", "page_size", "max_value"),
]


@pytest.mark.parametrize(("path", "query", "parameter", "code"), MALFORMED_PAGES)
def test_a_malformed_or_out_of_range_page_parameter_is_400(
    posts: list[Post], path: str, query: str, parameter: str, code: str
) -> None:
    (error,) = refused(get(path, query))
    assert (error["parameter"], error["code"]) == (parameter, code)


@pytest.mark.parametrize(
    ("query", "status"),
    [("page=abc", 404), ("page=0", 404), ("page_size=abc", 200), ("page_size=11", 200)],
)
def test_drfs_own_paginator_answers_them_otherwise(
    posts: list[Post], query: str, status: int
) -> None:
    assert get(twin(POSTS), query).status_code == status


def test_drfs_own_cursor_paginator_fails_on_a_forged_cursor(posts: list[Post]) -> None:
    assert get(twin(CURSOR), f"cursor={forged_cursor()}").status_code == 500
    assert get(twin(CURSOR), "cursor=abc").status_code == 404


def test_a_well_formed_page_past_the_last_is_still_404(posts: list[Post]) -> None:
    response = get(POSTS, "page=4")
    assert response.status_code == 404
    assert problem(response)["code"] == "not_found"


@pytest.mark.parametrize(
    ("path", "query"),
    [
        (POSTS, ""),
        (POSTS, "page=2"),
        (POSTS, "page=3"),
        (POSTS, "page=last"),
        (POSTS, "page=2&page_size=3"),
        (POSTS, "page_size=10"),
        (POSTS, "page=&page_size="),
        (OFFSETS, "limit=3&offset=1"),
        (OFFSETS, "offset=4"),
        (OFFSETS, "offset=100"),
        (OFFSETS, "limit=10"),
        (CURSOR, ""),
        (CURSOR, "page_size=4"),
        (CURSOR, "cursor="),
    ],
)
def test_valid_pages_are_drfs(posts: list[Post], path: str, query: str) -> None:
    same_as_drf(path, query)


def test_a_cursor_walks_as_drfs(posts: list[Post]) -> None:
    page: str | None = CURSOR
    seen = []
    while page:
        body = same_as_drf(page, "")
        seen += [post["id"] for post in body["results"]]
        page = body["next"] and body["next"].replace("http://testserver", "")
    assert seen == [post.pk for post in posts]


# Ordering and search


def test_an_unknown_ordering_field_is_400_listing_the_allowed_ones(posts: list[Post]) -> None:
    (error,) = refused(get(POSTS, "ordering=-secret,title,other"))
    assert error["parameter"] == "ordering"
    assert error["code"] == "invalid_choice"
    assert "-secret, other" in error["detail"]
    assert "id, title, updated_at" in error["detail"]
    # DRF leaves it out and answers in the default order.
    assert get(twin(POSTS), "ordering=secret").status_code == 200


@pytest.mark.parametrize(
    "query", ["ordering=title", "ordering=-title,id", "ordering=-updated_at", "ordering=id,"]
)
def test_a_valid_ordering_is_drfs(posts: list[Post], query: str) -> None:
    same_as_drf(POSTS, query)


@pytest.mark.parametrize("query", ["", "search=", "title=First"])
def test_no_search_is_no_terms_as_in_drf(query: str) -> None:
    request = Request(RequestFactory().get(f"{POSTS}?{query}"))
    assert query_filters.SearchFilter().get_search_terms(request) == []
    assert drf_filters.SearchFilter().get_search_terms(request) == []


def test_a_nul_in_the_search_names_the_parameter(posts: list[Post]) -> None:
    (error,) = refused(get(POSTS, "search=a%00b"))
    assert error == {
        "parameter": "search",
        "detail": "Null characters are not allowed.",
        "code": "null_characters_not_allowed",
    }
    # DRF's own answers 400 too, but points into a body that was never sent.
    assert problem(get(twin(POSTS), "search=a%00b"))["errors"][0]["pointer"] == "#"


@pytest.mark.parametrize("query", ["search=words", "search=first%20more", "search="])
def test_a_valid_search_is_drfs(posts: list[Post], query: str) -> None:
    same_as_drf(POSTS, query)


# django-filter


MALFORMED_FILTERS = [
    ("updated_after=yesterday", "updated_after", "invalid"),
    ("updated_on=2026-13-01", "updated_on", "invalid"),
    ("has_body=maybe", "has_body", "invalid_choice"),
    ("min_version=x", "min_version", "invalid"),
    ("version_min=x&version_max=3", "version_min", "invalid"),
    ("version_min=1&version_max=three", "version_max", "invalid"),
    ("title=Third", "title", "invalid_choice"),
    ("owner=carol", "owner", "invalid_choice"),
]


@pytest.mark.parametrize(("query", "parameter", "code"), MALFORMED_FILTERS)
def test_an_invalid_filter_value_is_400_naming_the_parameter_sent(
    posts: list[Post], query: str, parameter: str, code: str
) -> None:
    (error,) = refused(get(POSTS, query))
    assert (error["parameter"], error["code"]) == (parameter, code)


def test_django_filters_own_backend_points_into_a_body_or_ignores_the_value(
    posts: list[Post],
) -> None:
    response = get(twin(POSTS), "updated_after=yesterday")
    assert problem(response)["errors"][0]["pointer"] == "#/updated_after"
    # A boolean its widget cannot read is no filter at all: every post.
    assert get(twin(POSTS), "has_body=maybe").json()["count"] == len(posts)


def test_an_unreadable_boolean_says_what_is_accepted(posts: list[Post]) -> None:
    (error,) = refused(get(POSTS, "has_body=maybe"))
    assert error["detail"] == "“maybe” is not accepted: send one of true, false."


def test_errors_of_several_filters_are_all_listed(posts: list[Post]) -> None:
    errors = refused(get(POSTS, "updated_after=x&min_version=y"))
    assert {e["parameter"] for e in errors} == {"updated_after", "min_version"}


@pytest.mark.parametrize(
    "query",
    [
        "updated_after=2000-01-01T00:00:00Z",
        "updated_on=2000-01-01",
        "has_body=true",
        "has_body=false",
        "has_body=1",
        "min_version=2",
        "version_min=1&version_max=1",
        "version_max=3",
        "title=First",
        "owner=alice",
        "owner=",
        "owner=alice&title=First&ordering=-id&page_size=1&page=2",
    ],
)
def test_valid_filters_are_drfs(posts: list[Post], query: str) -> None:
    same_as_drf(POSTS, query)


def test_a_date_time_filter_filters(posts: list[Post]) -> None:
    since = Post.objects.get(pk=posts[3].pk).updated_at
    query = f"updated_after={since.isoformat().replace('+00:00', 'Z')}"
    assert [p["id"] for p in same_as_drf(POSTS, query)["results"]] == [posts[4].pk]


@pytest.mark.parametrize("offset", ["+17:12", "-21:21", "+00:00"])
def test_a_date_time_with_any_offset_filters_at_its_moment(posts: list[Post], offset: str) -> None:
    """RFC 3339 allows offsets PostgreSQL refuses (it takes at most 15:59): the same moment."""
    since = Post.objects.get(pk=posts[3].pk).updated_at
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    shift = timedelta(hours=hours, minutes=minutes) * (1 if offset[0] == "+" else -1)
    local = (since + shift).replace(tzinfo=None).isoformat() + offset
    response = get(POSTS, f"updated_after={quote(local)}")
    assert response.status_code == 200, response.content
    assert [p["id"] for p in response.json()["results"]] == [posts[4].pk]


def test_a_date_time_before_year_1_in_utc_is_400_naming_it(posts: list[Post]) -> None:
    errors = refused(get(POSTS, f"updated_after={quote('0001-01-01T00:30:00+01:00')}"))
    assert [e["parameter"] for e in errors] == ["updated_after"]


# django-filter, sent none of its parameters: every detail request, a 304


class CountedFilterSets(FilterSetMetaclass):
    """Counts the filtersets made of its classes, without changing the class itself (whose own
    ``__init__`` would take it off the fast path)."""

    made = 0

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        CountedFilterSets.made += 1
        return super().__call__(*args, **kwargs)


class CountedPostFilter(PostFilter, metaclass=CountedFilterSets):
    pass


def test_without_a_query_string_the_list_is_drfs_and_no_filterset_is_made(
    posts: list[Post],
) -> None:
    CountedFilterSets.made = 0
    request = RequestFactory().get(POSTS)
    response = Posts.as_view(filterset_class=CountedPostFilter)(request)
    response.render()
    assert CountedFilterSets.made == 0
    assert json.loads(response.content) == same_as_drf(POSTS, "")
    request = RequestFactory().get(POSTS, {"title": "First"})
    assert Posts.as_view(filterset_class=CountedPostFilter)(request).data["count"] == 3
    assert CountedFilterSets.made > 0


def filter_alone(filter_: Filter) -> type[FilterSet]:
    """A filterset of posts with ``filter_`` as its only filter, ``f``."""
    meta = type("Meta", (), {"model": Post, "fields": []})
    return type("OneFilter", (plain_django_filter.FilterSet,), {"f": filter_, "Meta": meta})


#: One of each of django-filter's filter classes, as a view would declare it.
EACH_DJANGO_FILTER = [
    django_filters.AllValuesFilter(field_name="title"),
    django_filters.AllValuesMultipleFilter(field_name="title"),
    django_filters.BaseCSVFilter(field_name="title"),
    django_filters.BaseInFilter(field_name="id"),
    django_filters.BaseRangeFilter(field_name="id"),
    django_filters.BooleanFilter(field_name="title", lookup_expr="isnull"),
    plain_django_filter.BooleanFilter(field_name="title", lookup_expr="isnull"),
    django_filters.CharFilter(field_name="title"),
    django_filters.ChoiceFilter(field_name="title", choices=[("First", "First")]),
    django_filters.DateFilter(field_name="updated_at", lookup_expr="date"),
    django_filters.DateFromToRangeFilter(field_name="updated_at"),
    django_filters.DateRangeFilter(field_name="updated_at"),
    django_filters.DateTimeFilter(field_name="updated_at"),
    django_filters.DateTimeFromToRangeFilter(field_name="updated_at"),
    django_filters.DurationFilter(field_name="id"),
    django_filters.Filter(field_name="title"),
    django_filters.IsoDateTimeFilter(field_name="updated_at"),
    plain_django_filter.IsoDateTimeFilter(field_name="updated_at"),
    django_filters.IsoDateTimeFromToRangeFilter(field_name="updated_at"),
    django_filters.LookupChoiceFilter(field_name="title", lookup_choices=["exact"]),
    django_filters.ModelChoiceFilter(field_name="owner", queryset=User.objects.all()),
    django_filters.ModelMultipleChoiceFilter(field_name="owner", queryset=User.objects.all()),
    django_filters.MultipleChoiceFilter(field_name="title", choices=[("First", "First")]),
    django_filters.NumberFilter(field_name="version"),
    django_filters.NumericRangeFilter(field_name="version"),
    django_filters.OrderingFilter(fields=["id"]),
    django_filters.RangeFilter(field_name="version"),
    django_filters.TimeFilter(field_name="updated_at", lookup_expr="time"),
    django_filters.TimeRangeFilter(field_name="updated_at"),
    django_filters.TypedChoiceFilter(field_name="title", choices=[("First", "First")]),
    django_filters.TypedMultipleChoiceFilter(field_name="title", choices=[("First", "First")]),
    django_filters.UUIDFilter(field_name="title"),
    django_filters.CharFilter(field_name="title", method=lambda qs, name, value: qs.none()),
    django_filters.CharFilter(field_name="title", widget=forms.TextInput),
    django_filters.MultipleChoiceFilter(
        field_name="title", choices=[("First", "First")], widget=forms.CheckboxSelectMultiple
    ),
]


def test_the_table_has_each_of_django_filters_filter_classes() -> None:
    every = {getattr(django_filters.filters, name) for name in django_filters.filters.__all__}
    every |= {plain_django_filter.BooleanFilter, plain_django_filter.IsoDateTimeFilter}
    assert {type(f) for f in EACH_DJANGO_FILTER} == every


#: The library's own filters, judged as django-filter's are.
EACH_FILTER_OF_OURS = [RFC3339DateTimeFilter(field_name="updated_at")]


@pytest.mark.parametrize(
    "filter_", EACH_DJANGO_FILTER + EACH_FILTER_OF_OURS, ids=lambda f: type(f).__name__
)
def test_django_filters_own_filters_sent_nothing_filter_nothing(
    posts: list[Post], filter_: Filter
) -> None:
    """What the fast path relies on, against the installed django-filter."""
    filterset_class = filter_alone(filter_)
    assert not filters_without_parameters(filterset_class)
    filterset = filterset_class(data=QueryDict(), queryset=Post.objects.all())
    assert filterset.is_valid(), filterset.errors
    assert list(filterset.qs) == posts


class AliceFilter(django_filters.CharFilter):
    """A filter of one's own that filters whatever it is sent."""

    def filter(self, qs: QuerySet[Post], value: Any) -> QuerySet[Post]:
        return qs.filter(owner__username="alice")


class AliceSince(RFC3339DateTimeFilter):
    """A subclass of the library's filter, of one's own, that filters whatever it is sent."""

    def filter(self, qs: QuerySet[Post], value: Any) -> QuerySet[Post]:
        return qs.filter(owner__username="alice")


class DefaultData(PostFilter):
    """A filterset that fills in a default: the first posts, unless the client asks."""

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(data or QueryDict("title=First"), *args, **kwargs)


class OwnQs(PostFilter):
    @property
    def qs(self) -> QuerySet[Post]:
        return super().qs.filter(owner__username="alice")


class OwnFilterQueryset(PostFilter):
    def filter_queryset(self, queryset: QuerySet[Post]) -> QuerySet[Post]:
        return super().filter_queryset(queryset).filter(owner__username="alice")


class DefaultsBackend(DjangoFilterBackend):
    """A backend that passes the filterset data of its own."""

    def get_filterset_kwargs(self, request: Any, queryset: Any, view: Any) -> dict[str, Any]:
        return {**super().get_filterset_kwargs(request, queryset, view), "data": {"title": "First"}}


def filtered_without_query_string(filterset_class: type[FilterSet], backend: Any) -> list[str]:
    """The titles and owners a view filtered by ``filterset_class`` lists for no query string."""
    view = generics.ListAPIView(filterset_class=filterset_class)
    request = Request(RequestFactory().get(POSTS))
    found = backend.filter_queryset(request, Post.objects.all(), view)
    return [f"{p.title} {p.owner.username}" for p in found]


FIRST_POSTS = ["First alice", "First bob", "First alice"]
ALICES_POSTS = ["First alice", "Second alice", "First alice"]


@pytest.mark.parametrize(
    ("filterset_class", "backend", "listed"),
    [
        (OwnQs, DjangoFilterBackend(), ALICES_POSTS),
        (OwnFilterQueryset, DjangoFilterBackend(), ALICES_POSTS),
        (DefaultData, DjangoFilterBackend(), FIRST_POSTS),
        (filter_alone(AliceFilter(field_name="title")), DjangoFilterBackend(), ALICES_POSTS),
        (filter_alone(AliceSince(field_name="updated_at")), DjangoFilterBackend(), ALICES_POSTS),
        (
            filter_alone(django_filters.CharFilter(field_name="title", empty_value="First")),
            DjangoFilterBackend(),
            FIRST_POSTS,
        ),
        (
            filter_alone(django_filters.CharFilter(field_name="body", widget=forms.CheckboxInput)),
            DjangoFilterBackend(),
            [],
        ),
        (PostFilter, DefaultsBackend(), FIRST_POSTS),
    ],
    ids=[
        "qs",
        "filter_queryset",
        "__init__",
        "filter class",
        "subclass of ours",
        "empty_value",
        "widget",
        "backend",
    ],
)
def test_what_may_filter_without_parameters_still_filters(
    posts: list[Post], filterset_class: type[FilterSet], backend: Any, listed: list[str]
) -> None:
    assert filtered_without_query_string(filterset_class, backend) == listed


def test_a_filterset_whose_filters_are_replaced_is_judged_by_its_new_ones(
    posts: list[Post],
) -> None:
    """The backend keeps its answer for a class, but not past a change of its filters."""
    filterset_class = filter_alone(django_filters.CharFilter(field_name="title"))
    assert len(filtered_without_query_string(filterset_class, DjangoFilterBackend())) == 5
    filterset_class.base_filters = {"f": AliceFilter(field_name="title")}
    listed = filtered_without_query_string(filterset_class, DjangoFilterBackend())
    assert listed == ALICES_POSTS


def test_a_filter_replaced_in_its_filtersets_mapping_is_judged_anew(posts: list[Post]) -> None:
    """The same mapping, one filter in it replaced: the backend's answer for the class is
    worked out again (it went on skipping the filterset, and listed every post)."""
    filterset_class = filter_alone(django_filters.CharFilter(field_name="title"))
    assert len(filtered_without_query_string(filterset_class, DjangoFilterBackend())) == 5
    filterset_class.base_filters["f"] = AliceFilter(field_name="title")
    listed = filtered_without_query_string(filterset_class, DjangoFilterBackend())
    assert listed == ALICES_POSTS


class MustNameTitle(forms.Form):
    def clean(self) -> dict[str, Any]:
        raise forms.ValidationError("Name a title.")


class FormOfItsOwn(PostFilter):
    class Meta(PostFilter.Meta):
        form = MustNameTitle


def owners_of_the_signed_in(request: Any) -> QuerySet[User]:
    if not request.user.is_authenticated:
        raise PermissionDenied
    return User.objects.all()


@pytest.mark.parametrize(
    ("filterset_class", "refusal"),
    [
        (
            filter_alone(django_filters.CharFilter(field_name="title", required=True)),
            InvalidQueryParameters,
        ),
        (FormOfItsOwn, InvalidQueryParameters),
        (
            filter_alone(
                django_filters.ModelChoiceFilter(
                    field_name="owner", queryset=owners_of_the_signed_in
                )
            ),
            PermissionDenied,
        ),
    ],
    ids=["required", "form", "queryset of the request"],
)
def test_what_may_refuse_without_parameters_still_refuses(
    posts: list[Post], filterset_class: type[FilterSet], refusal: type[Exception]
) -> None:
    with pytest.raises(refusal):
        filtered_without_query_string(filterset_class, DjangoFilterBackend())


# Unknown parameters


def documented(openapi: OpenAPI, path: str) -> list[str]:
    """The query parameters the schema documents for the list at ``path``, with the settings
    in force."""
    operation = openapi(QUERY_URLS)["paths"][path]["get"]
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]


#: A valid value of each parameter the lists document.
VALUES = {
    "format": "json",
    "page": "1",
    "page_size": "2",
    "limit": "2",
    "offset": "0",
    "cursor": "",
    "ordering": "-id",
    "search": "words",
    "updated_after": "2000-01-01T00:00:00Z",
    "updated_on": "2000-01-01",
    "has_body": "true",
    "min_version": "1",
    "version_min": "1",
    "version_max": "9",
    "title": "First",
    "owner": "alice",
}


@override_settings(**STRICT)
@pytest.mark.parametrize("path", [POSTS, OFFSETS, CURSOR])
def test_every_documented_parameter_and_format_is_accepted(
    posts: list[Post], openapi: OpenAPI, path: str
) -> None:
    names = documented(openapi, path)
    assert {"ordering", "search", "owner", "version_min", "version_max"} <= set(names)
    query = "&".join(f"{name}={VALUES[name]}" for name in [*names, "format"])
    response = get(path, query)
    assert response.status_code == 200, response.content


@override_settings(**STRICT)
@pytest.mark.parametrize("path", [POSTS, OFFSETS, CURSOR])
def test_a_typo_is_400_naming_it_and_listing_the_accepted_ones(
    posts: list[Post], openapi: OpenAPI, path: str
) -> None:
    (error,) = refused(get(path, "publised=true&ordering=id"))
    assert (error["parameter"], error["code"]) == ("publised", "unknown")
    accepted = sorted({*documented(openapi, path), "format"})
    assert error["detail"] == f"Unknown parameter: this list takes only {', '.join(accepted)}."


@override_settings(**STRICT)
def test_each_unknown_parameter_is_named_before_any_value_is_read(posts: list[Post]) -> None:
    errors = refused(get(POSTS, "colour=blue&page=abc&size=3&colour=red"))
    assert [e["parameter"] for e in errors] == ["colour", "size"]


@override_settings(HTTP_ERRORS={})
def test_the_check_is_off_by_default(posts: list[Post]) -> None:
    assert get(POSTS, "publised=true").status_code == 200


@override_settings(**STRICT)
def test_a_view_turns_the_check_off(posts: list[Post]) -> None:
    assert get("/test/query/lenient/posts/", "publised=true").status_code == 200


@override_settings(HTTP_ERRORS={})
def test_a_view_turns_the_check_on(posts: list[Post]) -> None:
    (error,) = refused(get("/test/query/strict/posts/", "publised=true"))
    assert error["parameter"] == "publised"


@override_settings(**STRICT)
def test_a_view_allows_a_parameter_of_its_own(posts: list[Post]) -> None:
    since = "/test/query/since/posts/"
    assert get(since, "since=2000-01-01&owner=alice").json()["count"] == 3
    (error,) = refused(get(since, "since=someday"))
    assert error["parameter"] == "since"
    assert "since" in refused(get(since, "sinse=2000-01-01"))[0]["detail"]


@override_settings(**STRICT)
def test_an_unpaginated_list_takes_no_page(posts: list[Post]) -> None:
    (error,) = refused(get("/test/query/unpaginated/posts/", "page=1"))
    assert error["parameter"] == "page"
    assert get("/test/query/unpaginated/posts/", "ordering=title").status_code == 200


def test_the_mixin_after_drfs_view_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="KnownQueryParametersMixin"):
        type("Wrong", (generics.ListAPIView, KnownQueryParametersMixin), {})


# The schema


def list_operation(openapi: OpenAPI, path: str) -> tuple[dict[str, Any], dict[str, Any]]:
    document = openapi(QUERY_URLS)
    return document["paths"][path]["get"], document["components"]["schemas"]


def test_the_schema_documents_the_lists_400_and_typed_parameters(openapi: OpenAPI) -> None:
    operation, components = list_operation(openapi, POSTS)
    responses = operation["responses"]
    assert {"400", "404"} <= set(responses)
    schema = responses["400"]["content"]["application/problem+json"]["schema"]
    assert schema == {"$ref": f"#/components/schemas/{INVALID_QUERY_PROBLEM_COMPONENT}"}
    errors = components[INVALID_QUERY_PROBLEM_COMPONENT]["allOf"][1]["properties"]["errors"]
    assert errors["items"] == {"$ref": f"#/components/schemas/{INVALID_PARAMETER_COMPONENT}"}
    assert components[INVALID_PARAMETER_COMPONENT]["required"] == ["parameter", "detail", "code"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1}
    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 10}
    assert parameters["has_body"]["schema"] == {"type": "boolean"}
    assert parameters["updated_after"]["schema"] == {"type": "string", "format": "date-time"}
    ordering = parameters["ordering"]
    assert (ordering["style"], ordering["explode"]) == ("form", False)
    assert ordering["schema"]["items"]["enum"] == [
        "id",
        "-id",
        "title",
        "-title",
        "updated_at",
        "-updated_at",
    ]


def test_the_schema_knows_which_paginators_answer_404(openapi: OpenAPI) -> None:
    paths = openapi(QUERY_URLS)["paths"]
    assert "404" not in paths[CURSOR]["get"]["responses"]
    assert "404" not in paths[OFFSETS]["get"]["responses"]
    assert "404" in paths[twin(CURSOR)]["get"]["responses"]


def test_the_schema_documents_the_400_drfs_own_filters_give(openapi: OpenAPI) -> None:
    operation, _components = list_operation(openapi, twin(POSTS))
    assert "400" in operation["responses"]


def test_a_writes_400_is_still_the_contents() -> None:
    view = type(
        "Both",
        (KnownQueryParametersMixin, generics.ListCreateAPIView),
        {
            "queryset": Post.objects.all(),
            "serializer_class": PostSerializer,
            "refuse_unknown_query_parameters": True,
            "pagination_class": None,
        },
    )
    generator = SchemaGenerator(patterns=[path("both/", view.as_view())])
    document: dict[str, Any] = generator.get_schema(request=None, public=True)
    operations = document["paths"]["/both/"]
    refs = {
        method: operations[method]["responses"]["400"]["content"]["application/problem+json"][
            "schema"
        ]
        for method in ("get", "post")
    }
    assert refs["post"] == {"$ref": f"#/components/schemas/{VALIDATION_PROBLEM_COMPONENT}"}
    assert refs["get"] == {"$ref": f"#/components/schemas/{INVALID_QUERY_PROBLEM_COMPONENT}"}


@override_settings(**STRICT)
@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("ordering=secret", "Nach secret kann nicht sortiert werden."),
        ("publised=true", "Unbekannter Parameter: Diese Liste akzeptiert nur format, "),
        (
            "has_body=maybe",
            "„maybe“ wird nicht akzeptiert: Senden Sie einen der Werte true, false.",
        ),
    ],
)
def test_the_problem_speaks_the_clients_language(
    posts: list[Post], query: str, detail: str
) -> None:
    response = get(POSTS, query, HTTP_ACCEPT_LANGUAGE="de")
    body = problem(response)
    assert response["Content-Language"] == "de"
    assert body["title"] == "Ungültige Query-Parameter"
    assert body["detail"].startswith(detail)


@pytest.mark.parametrize(
    "query", ["titles=Second", "titles=Second&titles=Second", "titles[]=Second&titles[]=Second"]
)
def test_a_query_array_is_read_in_each_form_its_widget_reads(posts: list[Post], query: str) -> None:
    """``QueryArrayWidget`` reads ``titles[]`` as ``titles``: it was refused as unknown."""
    response = get("/test/query/array/posts/", query)
    assert response.status_code == 200, response.content
    assert [post["title"] for post in response.json()["results"]] == ["Second", "Second"]


def test_a_query_arrays_bad_value_is_named_as_it_was_sent(posts: list[Post]) -> None:
    errors = refused(get("/test/query/array/posts/", "titles[]=Third"))
    assert [(error["parameter"], error["code"]) for error in errors] == [
        ("titles[]", "invalid_choice")
    ]


@pytest.mark.parametrize(
    ("query", "status", "made"),
    [
        # Refused: the checks of the parameters taken and read in full share one filterset.
        ("titles=Second&page=1&page=2", 400, 1),
        # Listed: one more, bound to the queryset the filters before it left.
        ("titles=Second&titles=First", 200, 2),
    ],
)
def test_the_parameter_checks_make_one_filterset(
    posts: list[Post], query: str, status: int, made: int
) -> None:
    CountedArrayFilter.made.clear()
    response = get("/test/query/array/counted/posts/", query)
    assert response.status_code == status, response.content
    assert len(CountedArrayFilter.made) == made


def test_a_filterset_repeats_only_the_parameters_it_reads_every_value_of(db: None) -> None:
    class Repeats(plain_django_filter.FilterSet):
        titles = django_filters.MultipleChoiceFilter(field_name="title", choices=[("a", "a")])
        ticked = django_filters.MultipleChoiceFilter(
            field_name="title", choices=[("a", "a")], widget=forms.CheckboxSelectMultiple
        )
        ids = django_filters.BaseInFilter(field_name="id")  # one value, split at commas
        title = django_filters.CharFilter()

        class Meta:
            model = Post
            fields: list[str] = []

    filterset = Repeats(data=QueryDict(), queryset=Post.objects.all())
    assert repeatable_parameters(filterset) == ["titles", "ticked"]
