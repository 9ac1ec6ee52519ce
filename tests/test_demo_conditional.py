"""The demo's conditional requests: creating, publishing, its lists and POST to them.

ConditionalUpdateMixin itself is tested on the test app's views in ``tests/test_mixins.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from demo_project.articles.models import Article
from tests.conftest import data_queries, etag_of, problem, write

pytestmark = pytest.mark.django_db

OLD_DATE = "Sat, 01 Jan 2000 00:00:00 GMT"


def url(article: Article) -> str:
    """The article's detail URL."""
    return f"/api/articles/{article.pk}/"


def test_create_carries_the_etag(as_user: Callable[[str], Client]) -> None:
    response = write(as_user("bob"), "POST", "/api/articles/", {"title": "New"})
    assert response.status_code == 201
    created = Article.objects.get(pk=response.json()["id"])
    assert response["ETag"] == response.json()["etag"] == etag_of(created)
    assert "Last-Modified" not in response


def test_401_403_404_come_before_412(
    as_user: Callable[[str], Client], article: Article, draft: Article
) -> None:
    stale = {"If-Match": '"stale"'}
    assert write(Client(), "PATCH", url(article), {"body": "x"}, **stale).status_code == 401
    assert write(as_user("bob"), "PATCH", url(article), {"body": "x"}, **stale).status_code == 403
    assert write(as_user("bob"), "PATCH", url(draft), {"body": "x"}, **stale).status_code == 404
    assert write(as_user("bob"), "PATCH", "/api/articles/999/", {}, **stale).status_code == 404


def test_post_to_the_collection_needs_no_precondition(as_user: Callable[[str], Client]) -> None:
    assert write(as_user("alice"), "POST", "/api/articles/", {"title": "x"}).status_code == 201


# A revalidation's lookup (get_revalidation_queryset): the article without its owner


def article_reads(client: Client, path: str, **headers: str) -> tuple[Any, list[str]]:
    """The answer to a GET, and the statements it ran that read articles."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    reads = [sql for sql in data_queries(queries) if "articles_article" in sql]
    return response, reads


def test_a_read_without_validators_joins_the_owner(article: Article) -> None:
    response, reads = article_reads(Client(), url(article))
    assert response.status_code == 200
    assert response.json()["owner"] == "alice"
    (lookup,) = reads
    assert " JOIN " in lookup.upper(), lookup


@pytest.mark.parametrize("reader", ["anonymous", "alice"])
def test_a_revalidation_answered_304_reads_no_owner(
    as_user: Callable[[str], Client], article: Article, draft: Article, reader: str
) -> None:
    # Alice's own draft is hers by its owner_id; the published article is anyone's.
    client, shown = (Client(), article) if reader == "anonymous" else (as_user("alice"), draft)
    response, reads = article_reads(client, url(shown), **{"If-None-Match": etag_of(shown)})
    assert response.status_code == 304
    (lookup,) = reads
    assert " JOIN " not in lookup.upper(), lookup


def test_a_revalidation_of_a_hidden_draft_is_404_as_without_validators(
    as_user: Callable[[str], Client], draft: Article
) -> None:
    response, _ = article_reads(as_user("bob"), url(draft), **{"If-None-Match": etag_of(draft)})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "headers",
    [{"If-None-Match": '"stale"'}, {"If-Modified-Since": OLD_DATE}],
    ids=["if-none-match", "if-modified-since"],
)
def test_a_revalidation_answered_200_loads_the_owner_the_body_shows(
    article: Article, headers: dict[str, str]
) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url(article), headers=headers)
    assert response.status_code == 200
    assert response.json()["owner"] == "alice"
    assert response["ETag"] == etag_of(article)
    # The lookup without the join, then the owner the serializer reads: one query more.
    lookup, owner = data_queries(queries)
    assert "articles_article" in lookup, lookup
    assert " JOIN " not in lookup.upper(), lookup
    assert "auth_user" in owner, owner
    assert "articles_article" not in owner, owner


# publish: a custom action


@pytest.mark.django_db(transaction=True)  # publish commits its own transaction
def test_publish_honours_if_match(as_user: Callable[[str], Client], draft: Article) -> None:
    alice = as_user("alice")
    path = url(draft) + "publish/"
    stale = write(alice, "POST", path, **{"If-Match": '"stale"'})
    assert stale.status_code == 412
    draft.refresh_from_db()
    assert (draft.published, draft.version) == (False, 1)
    response = write(alice, "POST", path, **{"If-Match": etag_of(draft)})
    assert response.status_code == 200
    # The claim (2), then the article's save in its transaction: one change, +1 (DEMO_API.md).
    assert response.json()["etag"] == etag_of(draft) == f'"{draft.pk}.2"'
    assert draft.published


def test_publish_needs_no_precondition(as_user: Callable[[str], Client], draft: Article) -> None:
    response = write(as_user("alice"), "POST", url(draft) + "publish/")
    assert response.status_code == 200
    draft.refresh_from_db()
    assert (draft.published, draft.version) == (True, 2)


@pytest.mark.django_db(transaction=True)  # publish commits its own transaction
@override_settings(SEARCH_INDEX_URL="http://127.0.0.1:9/", SEARCH_INDEX_TIMEOUT=2)
def test_publish_that_fails_to_notify_changes_nothing(
    as_user: Callable[[str], Client], draft: Article
) -> None:
    response = write(as_user("alice"), "POST", url(draft) + "publish/", **{"If-Match": "*"})
    assert response.status_code == 502
    draft.refresh_from_db()
    assert (draft.published, draft.version) == (False, 1)


# Lists


def test_list_items_carry_their_etag(seeded: object) -> None:
    response = Client().get("/api/articles/")
    for item in response.json()["results"]:
        assert item["etag"] == Client().get(f"/api/articles/{item['id']}/")["ETag"]


def test_list_has_a_weak_etag_cache_control_and_304(
    as_user: Callable[[str], Client], article: Article
) -> None:
    response = Client().get("/api/articles/")
    etag = response["ETag"]
    assert etag.startswith('W/"')
    assert response["Cache-Control"] == "private, no-cache"
    with CaptureQueriesContext(connection) as queries:
        cached = Client().get("/api/articles/", headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert b"".join(cached.streaming_content) == b""
    assert "Content-Length" not in cached
    assert len(data_queries(queries)) == 1, data_queries(queries)
    assert cached["ETag"] == etag


def test_list_etag_changes_with_page_user_and_content(
    as_user: Callable[[str], Client], article: Article
) -> None:
    etag = Client().get("/api/articles/")["ETag"]
    assert Client().get("/api/articles/?page=1")["ETag"] != etag
    assert as_user("alice").get("/api/articles/")["ETag"] != etag
    write(as_user("alice"), "PATCH", url(article), {"body": "x"}, **{"If-Match": "*"})
    response = Client().get("/api/articles/", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


# POST to the list: its preconditions are about the list, whose ETag is weak


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"If-Match": '"x"'}, 412),
        # The list's own ETag is weak: it never matches strongly (RFC 9110 §8.8.3.2).
        ({"If-Match": "{etag}"}, 412),
        ({"If-Match": "unquoted"}, 412),
        ({"If-Match": "*"}, 201),
        ({"If-None-Match": "*"}, 412),
        ({"If-None-Match": "{etag}"}, 412),
        ({"If-None-Match": '"other", W/"other"'}, 201),
        ({"If-Match": "*", "If-None-Match": "{etag}"}, 412),
        # The list has no Last-Modified: If-Unmodified-Since is ignored (§13.1.4).
        ({"If-Unmodified-Since": OLD_DATE}, 201),
    ],
    ids=str,
)
def test_post_to_the_list_honours_its_preconditions(
    as_user: Callable[[str], Client], headers: dict[str, str], status: int
) -> None:
    alice = as_user("alice")
    etag = alice.get("/api/articles/")["ETag"]
    sent = {name: value.format(etag=etag) for name, value in headers.items()}
    before = Article.objects.count()
    response = write(alice, "POST", "/api/articles/", {"title": "New"}, **sent)
    assert response.status_code == status, response.content
    if status == 412:
        assert problem(response)["etag"] == etag
        assert Article.objects.count() == before
    else:
        assert Article.objects.count() == before + 1
        assert response["ETag"] == response.json()["etag"]


@pytest.mark.parametrize("body", ['{"title": ""}', '{"title": '], ids=["invalid", "malformed"])
def test_post_with_a_false_precondition_is_412_before_the_body_is_read(
    as_user: Callable[[str], Client], body: str
) -> None:
    response = write(as_user("alice"), "POST", "/api/articles/", body, **{"If-None-Match": "*"})
    assert response.status_code == 412


def test_only_a_conditional_post_pays_for_the_list_etag(as_user: Callable[[str], Client]) -> None:
    alice = as_user("alice")

    def aggregates(**headers: str) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            response = write(alice, "POST", "/api/articles/", {"title": "New"}, **headers)
        assert response.status_code == 201, response.content
        return [sql for sql in data_queries(queries) if "SUM(" in sql.upper()]

    assert aggregates() == []
    assert aggregates(**{"If-Unmodified-Since": OLD_DATE}) == []
    assert len(aggregates(**{"If-None-Match": '"other"'})) == 1


@pytest.mark.parametrize("headers", [{"If-Match": '"x"'}, {"If-None-Match": "*"}], ids=str)
def test_anonymous_post_with_a_precondition_is_401_first(headers: dict[str, str]) -> None:
    before = Article.objects.count()
    response = write(Client(), "POST", "/api/articles/", {"title": "New"}, **headers)
    assert response.status_code == 401
    assert "WWW-Authenticate" in response
    assert Article.objects.count() == before
