"""ConditionalUpdateMixin over real requests to the demo (RFC 9110 §13, RFC 6585 §3)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter
from rest_framework.test import APIRequestFactory

from demo_project.articles.models import Article
from demo_project.articles.serializers import ArticleSerializer
from django_http_errors.conditional import format_http_date
from django_http_errors.mixins import ConditionalUpdateMixin
from tests.conftest import problem
from tests.testapp.models import Note, Post

pytestmark = pytest.mark.django_db

JSON = "application/json"
OLD_DATE = "Sat, 01 Jan 2000 00:00:00 GMT"
FUTURE_DATE = "Fri, 01 Jan 2100 00:00:00 GMT"


def url(article: Article) -> str:
    """The article's detail URL."""
    return f"/api/articles/{article.pk}/"


def etag_of(article: Article) -> str:
    """The ETag the demo gives an article as stored now."""
    article.refresh_from_db()
    return f'"{article.pk}.{article.version}"'


def last_modified_of(article: Article) -> str:
    """The article's Last-Modified, truncated to the second (RFC 9110 §5.6.7)."""
    article.refresh_from_db()
    return format_http_date(article.updated_at.timestamp())


def data_queries(queries: CaptureQueriesContext) -> list[str]:
    """The SQL statements that read or write data, without transaction control."""
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")
    return [q["sql"] for q in queries if not q["sql"].upper().startswith(control)]


def write(client: Client, method: str, path: str, data: Any = None, **headers: str) -> Any:
    """Send a JSON write with the given request headers."""
    send = getattr(client, method.lower())
    if data is None:
        return send(path, headers=headers)
    body = data if isinstance(data, str) else json.dumps(data)
    return send(path, body, content_type=JSON, headers=headers)


# Reads: validators, Cache-Control, 304


@pytest.mark.parametrize("method", ["get", "head"])
def test_read_carries_strong_etag_last_modified_and_cache_control(
    article: Article, method: str
) -> None:
    response = getattr(Client(), method)(url(article))
    assert response.status_code == 200
    assert response["ETag"] == etag_of(article) == f'"{article.pk}.1"'
    assert response["Last-Modified"] == last_modified_of(article)
    assert response["Cache-Control"] == "private, no-cache"


def test_body_etag_equals_the_header(article: Article) -> None:
    response = Client().get(url(article))
    assert response.json()["etag"] == response["ETag"]


@pytest.mark.parametrize("method", ["get", "head"])
@pytest.mark.parametrize("if_none_match", ["{etag}", "W/{etag}", '"other", {etag}', "*"], ids=str)
def test_matching_if_none_match_is_304_without_body_or_content_type(
    article: Article, method: str, if_none_match: str
) -> None:
    etag = etag_of(article)
    response = getattr(Client(), method)(
        url(article), headers={"If-None-Match": if_none_match.format(etag=etag)}
    )
    assert response.status_code == 304
    assert b"".join(response.streaming_content) == b""
    assert "Content-Type" not in response
    # RFC 9110 §8.6: no Content-Length unless it is the 200's (CommonMiddleware would add 0).
    assert "Content-Length" not in response
    # LocaleMiddleware adds Content-Language to every response but this one (§15.4.5).
    assert "Content-Language" not in response
    assert response["ETag"] == etag
    assert response["Last-Modified"] == last_modified_of(article)
    assert response["Cache-Control"] == "private, no-cache"
    full = Client().get(url(article))
    assert response["Vary"] == full["Vary"]


def test_other_if_none_match_is_200(article: Article) -> None:
    response = Client().get(url(article), headers={"If-None-Match": '"1.999"'})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("if_modified_since", "status"),
    [("{last_modified}", 304), (FUTURE_DATE, 304), (OLD_DATE, 200), ("not a date", 200)],
)
def test_if_modified_since(article: Article, if_modified_since: str, status: int) -> None:
    value = if_modified_since.format(last_modified=last_modified_of(article))
    response = Client().get(url(article), headers={"If-Modified-Since": value})
    assert response.status_code == status


def test_if_none_match_overrides_if_modified_since(article: Article) -> None:
    response = Client().get(
        url(article), headers={"If-None-Match": '"other"', "If-Modified-Since": FUTURE_DATE}
    )
    assert response.status_code == 200


def test_304_costs_one_query_and_no_serialization(
    article: Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    serialized: list[object] = []
    to_representation = ArticleSerializer.to_representation

    def spy(self: ArticleSerializer, instance: Any) -> Any:
        serialized.append(instance)
        return to_representation(self, instance)

    monkeypatch.setattr(ArticleSerializer, "to_representation", spy)
    etag = etag_of(article)
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url(article), headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert len(data_queries(queries)) == 1, data_queries(queries)
    assert serialized == []
    assert Client().get(url(article)).status_code == 200
    assert serialized


def test_representations_in_other_formats_have_other_etags_and_languages_only_for_pages(
    article: Article,
) -> None:
    json_etag = Client().get(url(article))["ETag"]
    browsable = Client().get(url(article) + "?format=api")
    german_page = Client().get(url(article) + "?format=api", headers={"Accept-Language": "de"})
    german = Client().get(url(article), headers={"Accept-Language": "de"})
    assert browsable.status_code == german.status_code == german_page.status_code == 200
    assert german["Content-Language"] == "de"
    # The JSON is the same data in every language; the pages for people are not.
    assert german["ETag"] == german.json()["etag"] == json_etag
    assert len({json_etag, browsable["ETag"], german_page["ETag"]}) == 3
    # A client revalidates with the tag it got for its own variant.
    assert (
        Client().get(url(article), headers={"If-None-Match": browsable["ETag"]})
    ).status_code == 200
    assert (
        Client().get(url(article), headers={"If-None-Match": json_etag, "Accept-Language": "de"})
    ).status_code == 304


def test_if_match_of_another_representation_of_the_current_state_lets_a_write_through(
    as_user: Callable[[str], Client], article: Article
) -> None:
    page = Client().get(url(article) + "?format=api", headers={"Accept-Language": "de"})["ETag"]
    stale_page = page.replace(f".{article.version}-", f".{article.version - 1}-")
    assert stale_page != page
    alice = as_user("alice")
    refused = write(alice, "PATCH", url(article), {"body": "x"}, **{"If-Match": stale_page})
    assert refused.status_code == 412
    changed = write(alice, "PATCH", url(article), {"body": "y"}, **{"If-Match": page})
    assert changed.status_code == 200, changed.content
    # The page's tag named version 1; now the state moved on, and so has every variant's tag.
    again = write(alice, "PATCH", url(article), {"body": "z"}, **{"If-Match": page})
    assert again.status_code == 412


# Writes: 200/204 and the validators they carry


def test_put_with_if_match_carries_no_validators_but_the_body_does(
    as_user: Callable[[str], Client], article: Article
) -> None:
    alice = as_user("alice")
    response = write(
        alice, "PUT", url(article), {"title": "New", "body": ""}, **{"If-Match": etag_of(article)}
    )
    assert response.status_code == 200, response.content
    assert "ETag" not in response
    assert "Last-Modified" not in response
    body = response.json()
    assert body["version"] == 2
    assert body["etag"] == etag_of(article) == Client().get(url(article))["ETag"]


def test_patch_with_if_match_carries_the_new_etag(
    as_user: Callable[[str], Client], article: Article
) -> None:
    response = write(
        as_user("alice"), "PATCH", url(article), {"body": "more"}, **{"If-Match": etag_of(article)}
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == response.json()["etag"] == etag_of(article) == f'"{article.pk}.2"'
    # Changed in the second still running: its date would also cover a change later in it.
    assert "Last-Modified" not in response


def test_delete_with_if_match_is_204(as_user: Callable[[str], Client], article: Article) -> None:
    response = write(as_user("alice"), "DELETE", url(article), **{"If-Match": etag_of(article)})
    assert response.status_code == 204
    assert not Article.objects.filter(pk=article.pk).exists()


def test_create_carries_the_etag(as_user: Callable[[str], Client]) -> None:
    response = write(as_user("bob"), "POST", "/api/articles/", {"title": "New"})
    assert response.status_code == 201
    created = Article.objects.get(pk=response.json()["id"])
    assert response["ETag"] == response.json()["etag"] == etag_of(created)
    assert "Last-Modified" not in response


@pytest.mark.parametrize("if_match", ["*", '"other", {etag}', " {etag} "])
def test_if_match_star_and_lists_pass(
    as_user: Callable[[str], Client], article: Article, if_match: str
) -> None:
    value = if_match.format(etag=etag_of(article))
    response = write(as_user("alice"), "PATCH", url(article), {"body": "x"}, **{"If-Match": value})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("date", ["{last_modified}", FUTURE_DATE], ids=["equal", "later"])
def test_if_unmodified_since_not_older_passes_and_satisfies_the_requirement(
    as_user: Callable[[str], Client], article: Article, date: str
) -> None:
    value = date.format(last_modified=last_modified_of(article))
    response = write(
        as_user("alice"), "PATCH", url(article), {"body": "x"}, **{"If-Unmodified-Since": value}
    )
    assert response.status_code == 200, response.content


def test_if_match_makes_if_unmodified_since_ignored(
    as_user: Callable[[str], Client], article: Article
) -> None:
    response = write(
        as_user("alice"),
        "PATCH",
        url(article),
        {"body": "x"},
        **{"If-Match": etag_of(article), "If-Unmodified-Since": OLD_DATE},
    )
    assert response.status_code == 200, response.content


# 412


@pytest.mark.parametrize(
    "headers",
    [
        {"If-Match": '"1.999"'},
        {"If-Match": "W/{etag}"},
        {"If-Match": "{etag}x"},
        {"If-Match": "{etag}, unquoted"},
        {"If-Match": ""},
        {"If-Match": "*, {etag}"},
        {"If-Unmodified-Since": OLD_DATE},
        {"If-Match": "{etag}", "If-None-Match": "*"},
        {"If-Match": "{etag}", "If-None-Match": "W/{etag}"},
        {"If-Unmodified-Since": FUTURE_DATE, "If-None-Match": "{etag}"},
    ],
    ids=str,
)
@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_failing_precondition_is_412_with_the_current_etag(
    as_user: Callable[[str], Client], article: Article, method: str, headers: dict[str, str]
) -> None:
    etag = etag_of(article)
    sent = {name: value.format(etag=etag) for name, value in headers.items()}
    response = write(as_user("alice"), method, url(article), {"title": "x"}, **sent)
    assert response.status_code == 412, response.content
    assert problem(response)["etag"] == etag
    assert etag_of(article) == etag


@pytest.mark.parametrize("body", ['{"title": ""}', '{"title": '], ids=["invalid", "malformed"])
def test_stale_if_match_is_412_before_the_body_is_read(
    as_user: Callable[[str], Client], article: Article, body: str
) -> None:
    response = write(as_user("alice"), "PUT", url(article), body, **{"If-Match": '"stale"'})
    assert response.status_code == 412


def test_401_403_404_come_before_412(
    as_user: Callable[[str], Client], article: Article, draft: Article
) -> None:
    stale = {"If-Match": '"stale"'}
    assert write(Client(), "PATCH", url(article), {"body": "x"}, **stale).status_code == 401
    assert write(as_user("bob"), "PATCH", url(article), {"body": "x"}, **stale).status_code == 403
    assert write(as_user("bob"), "PATCH", url(draft), {"body": "x"}, **stale).status_code == 404
    assert write(as_user("bob"), "PATCH", "/api/articles/999/", {}, **stale).status_code == 404


# 428


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize(
    "headers",
    [{}, {"If-Unmodified-Since": "yesterday"}, {"If-None-Match": '"other"'}],
    ids=["none", "invalid-date", "if-none-match-only"],
)
def test_unconditional_write_is_428_naming_the_headers(
    as_user: Callable[[str], Client], article: Article, method: str, headers: dict[str, str]
) -> None:
    response = write(as_user("alice"), method, url(article), {"title": "x"}, **headers)
    assert response.status_code == 428
    body = problem(response)
    assert body["required_headers"] == ["If-Match", "If-Unmodified-Since"]
    assert "If-Match" in body["detail"]
    assert etag_of(article) == f'"{article.pk}.1"'


@override_settings(HTTP_ERRORS={"PRECONDITION_REQUIRED": False})
def test_without_the_requirement_an_unconditional_write_goes_through(
    as_user: Callable[[str], Client], article: Article
) -> None:
    response = write(as_user("alice"), "PATCH", url(article), {"body": "x"})
    assert response.status_code == 200
    assert response.json()["version"] == 2


def test_post_to_the_collection_needs_no_precondition(as_user: Callable[[str], Client]) -> None:
    assert write(as_user("alice"), "POST", "/api/articles/", {"title": "x"}).status_code == 201


# Compare-and-swap when another request commits between lookup and write


def overtaken_write(client: Client, method: str, post: Post, **headers: str) -> Any:
    """A write that another request overtakes between its checks and its swap."""
    path = f"/test/conditional/overtaken-posts/{post.pk}/"
    return write(client, method, path, {"body": "lost?"}, **headers)


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_a_conditional_write_overtaken_by_another_is_412_with_the_etag_that_won(
    as_user: Callable[[str], Client], alices_post: Post, method: str
) -> None:
    response = overtaken_write(as_user("alice"), method, alices_post, **{"If-Match": "*"})
    assert response.status_code == 412, response.content
    body = problem(response)
    # This request's own write did not happen; the one that overtook it stays.
    alices_post.refresh_from_db()
    assert (alices_post.body, alices_post.version) == ("A published article.", 2)
    # The 412 names the state that won: the ETag a read of it gives.
    assert body["etag"] == Client().get(f"/test/conditional/posts/{alices_post.pk}/")["ETag"]


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_an_unconditional_write_overtaken_by_another_is_409(
    as_user: Callable[[str], Client], alices_post: Post, method: str
) -> None:
    response = overtaken_write(as_user("alice"), method, alices_post)
    assert response.status_code == 409, response.content
    assert problem(response)["code"] == "conflict"
    alices_post.refresh_from_db()
    assert (alices_post.body, alices_post.version) == ("A published article.", 2)


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


def test_a_view_without_create_gets_no_post_and_ignores_post_preconditions(
    article: Article,
) -> None:
    class ReadOnly(ConditionalUpdateMixin, viewsets.ReadOnlyModelViewSet[Article]):
        queryset = Article.objects.all()
        serializer_class = ArticleSerializer
        permission_classes = [AllowAny]

    # A router routes every action the class has: the mixin must not add "create".
    routes = SimpleRouter().get_method_map(ReadOnly, {"get": "list", "post": "create"})
    assert routes == {"get": "list"}
    view = ReadOnly.as_view({"get": "list"})
    request = APIRequestFactory().post("/", {}, format="json", HTTP_IF_MATCH='"x"')
    assert view(request).status_code == 405


# A model without a version field: the ETag hashes the representation


def test_model_without_version_field(db: None) -> None:
    note = Note.objects.create(text="first")
    Note.objects.filter(pk=note.pk).update(updated_at=note.updated_at - timedelta(hours=1))
    note.refresh_from_db()
    client = Client()
    path = f"/test/conditional/notes/{note.pk}/"
    response = client.get(path)
    etag = response["ETag"]
    assert response.json()["etag"] == etag
    assert response["Last-Modified"] == format_http_date(note.updated_at.timestamp())
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert write(client, "PATCH", path, {"text": "x"}).status_code == 428
    changed = write(client, "PATCH", path, {"text": "second"}, **{"If-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] == changed.json()["etag"] != etag
    assert changed["ETag"] == client.get(path)["ETag"]
    stale = write(client, "PATCH", path, {"text": "third"}, **{"If-Match": etag})
    assert stale.status_code == 412
    assert problem(stale)["etag"] == changed["ETag"]
    note.refresh_from_db()
    assert note.text == "second"


# Corners: OPTIONS metadata, lists Django cannot aggregate


def test_options_lists_the_put_action_without_a_precondition(
    as_user: Callable[[str], Client], article: Article
) -> None:
    # DRF's metadata looks the object up as if for a PUT; that probe is no write to guard.
    response = as_user("alice").options(url(article))
    assert response.status_code == 200
    assert "PUT" in response.json()["actions"]


def test_a_union_or_distinct_on_list_has_no_etag_instead_of_failing(article: Article) -> None:
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from demo_project.articles.views import ArticleViewSet

    view = ArticleViewSet()
    view.request = Request(APIRequestFactory().get("/api/articles/"))
    view.format_kwarg = None
    published = Article.objects.filter(published=True)
    assert view.get_collection_etag(published.union(Article.objects.filter(pk=article.pk))) is None
    assert view.get_collection_etag(published) is not None


def test_multi_table_inheritance_swaps_on_the_table_that_holds_the_version(db: None) -> None:
    from tests.testapp.models import VersionedPage

    page = VersionedPage.objects.create(title="First")
    path = f"/test/conditional/versioned-pages/{page.pk}/"
    client = Client()
    etag = client.get(path)["ETag"]
    data = json.dumps({"title": "Second"})
    saved = client.put(path, data, content_type="application/json", headers={"If-Match": etag})
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == 2
    stale = client.put(path, data, content_type="application/json", headers={"If-Match": etag})
    assert stale.status_code == 412
    page.refresh_from_db()
    assert (page.title, page.version) == ("Second", 2)
