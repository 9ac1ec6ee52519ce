"""The demo's contract, "Lists and their query parameters" (DEMO_API.md), line by line.

The seeded articles: 1 (alice's, published), 2 (alice's draft), 3 (bob's, published).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from demo_project.articles.models import Article
from demo_project.articles.query import ArticleFilter
from django_http_errors.query.django_filter import filters_without_parameters
from tests.conftest import data_queries, problem
from tests.test_demo_schema import demo_schema

ARTICLES = "/api/articles/"
#: What GET /api/articles/ takes, besides format.
PARAMETERS = [
    "ordering",
    "owner",
    "page",
    "page_size",
    "published",
    "search",
    "updated_after",
    "updated_before",
]


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [article["id"] for article in response.json()["results"]]


def refused(response: Any) -> dict[str, str]:
    """The one error of a 400 for the query string."""
    assert response.status_code == 400, response.content
    (error,) = problem(response)["errors"]
    return error


# The parameters


def test_pages_and_page_sizes(seeded: dict[str, User]) -> None:
    alice = seeded["alice"]
    Article.objects.bulk_create(
        [Article(owner=alice, title=f"More {n}", published=True) for n in range(120)]
    )
    assert len(ids(Client().get(ARTICLES))) == 20
    assert len(ids(Client().get(ARTICLES, {"page": 2, "page_size": 50}))) == 50
    assert len(ids(Client().get(ARTICLES, {"page_size": 1}))) == 1
    assert len(ids(Client().get(ARTICLES, {"page_size": 100}))) == 100
    assert len(ids(Client().get(ARTICLES, {"page": 7}))) == 2  # 122 visible, 20 a page


def test_filters(seeded: dict[str, User], as_user: Callable[[str], Client]) -> None:
    assert ids(Client().get(ARTICLES, {"owner": "bob"})) == [3]
    assert ids(Client().get(ARTICLES, {"owner": "nobody"})) == []
    assert ids(as_user("alice").get(ARTICLES, {"published": "false"})) == [2]
    assert ids(as_user("alice").get(ARTICLES, {"published": "true"})) == [1, 3]
    # Drafts stay hidden from anyone but their owner and staff, whatever the filter.
    assert ids(Client().get(ARTICLES, {"published": "false"})) == []
    Article.objects.filter(pk=3).update(updated_at=timezone.now())
    hour_ago = (timezone.now() - timedelta(minutes=30)).isoformat()
    assert ids(Client().get(ARTICLES, {"updated_after": hour_ago})) == [3]
    assert ids(Client().get(ARTICLES, {"updated_before": hour_ago})) == [1]
    # RFC 3339 in its every form: a fraction (finer than a microsecond too), "Z" or an offset,
    # either case of "T" and "Z".
    for since in (
        "2000-01-01T00:00:00.5Z",
        "2000-01-01T00:00:00.1234567891234Z",
        "2000-01-01t00:00:00z",
        "2000-01-01T01:00:00+01:00",
        "1999-12-31T23:00:00-01:00",
    ):
        assert ids(Client().get(ARTICLES, {"updated_after": since})) == [1, 3], since


def test_a_request_without_a_query_string_skips_the_filterset() -> None:
    # Every detail request and 304: building the filterset there cost the 304 40 %.
    assert not filters_without_parameters(ArticleFilter)


def test_search_and_ordering(seeded: dict[str, User]) -> None:
    assert ids(Client().get(ARTICLES, {"search": "bob"})) == [3]
    assert ids(Client().get(ARTICLES, {"search": "published article"})) == [1]
    assert ids(Client().get(ARTICLES, {"ordering": "-id"})) == [3, 1]
    assert ids(Client().get(ARTICLES, {"ordering": "title"})) == [3, 1]
    assert ids(Client().get(ARTICLES, {"ordering": "-updated_at,id"})) == [1, 3]


def test_every_parameter_and_format_together(seeded: dict[str, User]) -> None:
    query = {
        "format": "json",
        "page": "1",
        "page_size": "5",
        "owner": "alice",
        "published": "true",
        "updated_after": "2000-01-01T00:00:00Z",
        "updated_before": "2999-01-01T00:00:00+02:00",
        "search": "hello",
        "ordering": "-created_at,title",
    }
    assert set(query) == {*PARAMETERS, "format"}
    assert ids(Client().get(ARTICLES, query)) == [1]


# Errors


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "last"}, "page"),
        ({"page_size": "1.0"}, "page_size"),
        ({"page_size": "1000"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"published": "maybe"}, "published"),
        ({"updated_after": "yesterday"}, "updated_after"),
        ({"updated_before": "2026-02-30T00:00:00Z"}, "updated_before"),
        # ISO 8601 that is no RFC 3339 date-time: a date, no offset, the basic format, a week
        # date, other digits; a "+" sent unencoded (a space); an hour or offset out of range.
        ({"updated_after": "2026-12-06"}, "updated_after"),
        ({"updated_after": "2026-12-06T00:00:00"}, "updated_after"),
        ({"updated_after": "2026-12-06T00:00Z"}, "updated_after"),
        ({"updated_before": "20261206T211448Z"}, "updated_before"),
        ({"updated_before": "2026-W49-1"}, "updated_before"),
        ({"updated_before": "\uff12\uff10\uff12\uff16-12-06T00:00:00Z"}, "updated_before"),
        ({"updated_after": "2026-12-06T00:00:00 01:00"}, "updated_after"),
        ({"updated_after": "2026-12-06T24:00:00Z"}, "updated_after"),
        ({"updated_after": "2026-12-06T00:00:00+24:00"}, "updated_after"),
        ({"ordering": "secret"}, "ordering"),
        ({"search": "a\x00b"}, "search"),
        # A thousand words: SQLite refused the query DRF makes of them ("Expression tree is
        # too large"), answered 503 as if the database could not be reached.
        ({"search": " ".join(["a"] * 1000)}, "search"),
        ({"search": " ".join(["a"] * 33)}, "search"),
        ({"owner": "a\x00b"}, "owner"),
    ],
)
def test_a_malformed_or_out_of_range_value_names_the_parameter(
    seeded: dict[str, User], query: dict[str, str], parameter: str
) -> None:
    response = Client().get(ARTICLES, query)
    error = refused(response)
    assert error["parameter"] == parameter
    assert "pointer" not in error
    assert problem(response)["code"] == "invalid_query"


def test_a_search_of_up_to_32_words_is_read(seeded: dict[str, User]) -> None:
    words = ["published", "article", *["a"] * 30]
    assert Client().get(ARTICLES, {"search": " ".join(words)}).status_code == 200


def test_an_unknown_ordering_field_lists_the_allowed_ones(seeded: dict[str, User]) -> None:
    detail = refused(Client().get(ARTICLES, {"ordering": "secret"}))["detail"]
    assert "id, title, created_at, updated_at" in detail


def test_an_unknown_parameter_names_it_and_lists_the_accepted_ones(
    seeded: dict[str, User],
) -> None:
    error = refused(Client().get(ARTICLES, {"publised": "true"}))
    assert (error["parameter"], error["code"]) == ("publised", "unknown")
    accepted = ", ".join(sorted([*PARAMETERS, "format"]))
    assert error["detail"] == f"Unknown parameter: this list takes only {accepted}."


def test_a_well_formed_page_past_the_last_is_404(seeded: dict[str, User]) -> None:
    response = Client().get(ARTICLES, {"page": "2"})
    assert response.status_code == 404
    assert problem(response)["code"] == "not_found"


@pytest.mark.parametrize(
    "query_string",
    [
        "page=abc&page=1",
        "published=maybe&published=true",
        "owner=bob&owner=alice",
        "search=a&search=b",
        # One comma-separated value (an array that is not exploded): read once too.
        "ordering=bogus&ordering=title",
    ],
)
def test_a_parameter_sent_twice_that_the_list_reads_once_is_400(
    seeded: dict[str, User], query_string: str
) -> None:
    """DRF and django-filter read the last value: the first, malformed or not, was ignored."""
    response = Client().get(f"{ARTICLES}?{query_string}")
    error = refused(response)
    assert (error["parameter"], error["code"]) == (query_string.split("=")[0], "repeated")
    assert error["detail"] == "Sent 2 times: this list reads it once."
    german = Client(headers={"Accept-Language": "de"}).get(f"{ARTICLES}?{query_string}")
    assert refused(german)["detail"] == "2-mal gesendet: Diese Liste liest ihn nur einmal."


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"page": "abc"}, 400),
        ({"page": "0"}, 400),
        ({"page_size": "1000"}, 400),
        ({"page": "2"}, 404),
    ],
)
@pytest.mark.parametrize(
    "precondition", ["If-None-Match: *", "If-None-Match: list", 'If-Match: "x"']
)
def test_a_page_refused_is_refused_whatever_the_preconditions(
    seeded: dict[str, User], query: dict[str, str], status: int, precondition: str
) -> None:
    """The answer without them would be 400 or 404, so the preconditions are ignored: not a
    304 or a 412."""
    name, value = precondition.split(": ")
    if value == "list":
        value = Client().get(ARTICLES)["ETag"]
    response = Client().get(ARTICLES, query, headers={name: value})
    assert response.status_code == status, response.content
    assert problem(response)["code"] == ("invalid_query" if status == 400 else "not_found")


@pytest.mark.parametrize(
    ("query", "queries"),
    [({}, 1), ({"ordering": "-id", "search": "article"}, 1), ({"page": "1"}, 3)],
)
def test_a_conditional_list_counts_and_fetches_its_page_once(
    seeded: dict[str, User], query: dict[str, str], queries: int
) -> None:
    """A 304 makes the ETag's aggregate query, and the page's count and rows where a query
    string could refuse the page; the 200 makes no more than that, and the page's."""
    etag = Client().get(ARTICLES, query)["ETag"]
    with CaptureQueriesContext(connection) as unchanged:
        assert Client().get(ARTICLES, query, headers={"If-None-Match": etag}).status_code == 304
    with CaptureQueriesContext(connection) as changed:
        response = Client().get(ARTICLES, query, headers={"If-None-Match": '"other"'})
        assert response.status_code == 200
        assert response["ETag"] == etag
    assert len(data_queries(unchanged)) == queries
    assert len(data_queries(changed)) == 3


# The schema


@pytest.mark.django_db
def test_the_schema_lists_each_parameter_with_its_type_and_the_400() -> None:
    operation = demo_schema()["paths"][ARTICLES]["get"]
    types = {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "query"}
    assert sorted(types) == PARAMETERS
    assert types["page"]["type"] == types["page_size"]["type"] == "integer"
    assert (types["page_size"]["minimum"], types["page_size"]["maximum"]) == (1, 100)
    assert types["published"] == {"type": "boolean"}
    assert types["updated_after"] == types["updated_before"]
    assert types["updated_after"] == {"type": "string", "format": "date-time"}
    assert types["ordering"]["items"]["enum"][:2] == ["id", "-id"]
    problem_schema = operation["responses"]["400"]["content"]["application/problem+json"]
    assert problem_schema["schema"] == {"$ref": "#/components/schemas/InvalidQueryProblem"}
