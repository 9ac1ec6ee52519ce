"""ConditionalUpdateMixin over real requests to the test app's views (RFC 9110 §13, RFC 6585 §3).

The demo's own uses (creating, publishing, its lists) are in ``tests/test_demo_conditional.py``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework import pagination, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.routers import SimpleRouter
from rest_framework.test import APIRequestFactory

from django_http_errors import query
from django_http_errors.conditional import format_http_date, validator_second
from django_http_errors.conditional.view_preconditions import pages_without_parameters
from django_http_errors.conf import get_settings
from django_http_errors.mixins import ConditionalUpdateMixin
from tests.conftest import basic_client, data_queries, etag_of, problem, write
from tests.testapp.conditional_views import (
    ByActionNoteViewSet,
    CheckedMemoViewSet,
    MemoViewSet,
    PostSerializer,
    PostViewSet,
    SelfSavingMemoViewSet,
)
from tests.testapp.models import Album, Book, Label, Memo, Note, Post, Shelf

pytestmark = pytest.mark.django_db

JSON = "application/json"
OLD_DATE = "Sat, 01 Jan 2000 00:00:00 GMT"
FUTURE_DATE = "Fri, 01 Jan 2100 00:00:00 GMT"

# The §13.2.2 cases over HTTP, by what they answer; tests/test_decorators.py runs them through
# @conditional too. "{etag}" and "{last_modified}" stand for the post's current values.

#: If-None-Match values that match the current ETag: 304 for GET and HEAD.
MATCHING_IF_NONE_MATCH = ["{etag}", "W/{etag}", '"other", {etag}', "*"]
#: If-Modified-Since values and the status of a GET that sends one.
IF_MODIFIED_SINCE_CASES = [
    ("{last_modified}", 304),
    (FUTURE_DATE, 304),
    (OLD_DATE, 200),
    ("not a date", 200),
]
#: If-Match values a write passes with.
PASSING_IF_MATCH = ["*", '"other", {etag}', " {etag} "]
#: Preconditions that fail a PUT, PATCH or DELETE: 412.
FAILING_PRECONDITIONS = [
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
]
#: Writes that carry no precondition that guards them: 428 where one is required.
UNGUARDED_WRITES = [{}, {"If-Unmodified-Since": "yesterday"}, {"If-None-Match": '"other"'}]


def url(post: Post) -> str:
    """The post's detail URL."""
    return f"/test/conditional/posts/{post.pk}/"


def last_modified_of(post: Any) -> str:
    """The post's Last-Modified: the second after its change by every clock (``CLOCK_SKEW``)."""
    post.refresh_from_db()
    skew = get_settings().CLOCK_SKEW
    return format_http_date(validator_second(post.updated_at.timestamp(), clock_skew=skew))


# Reads: validators, Cache-Control, 304


@pytest.mark.parametrize("method", ["get", "head"])
def test_read_carries_strong_etag_last_modified_and_cache_control(
    alices_post: Post, method: str
) -> None:
    response = getattr(Client(), method)(url(alices_post))
    assert response.status_code == 200
    assert response["ETag"] == etag_of(alices_post) == f'"{alices_post.pk}.1"'
    assert response["Last-Modified"] == last_modified_of(alices_post)
    assert response["Cache-Control"] == "private, no-cache"


def test_body_etag_equals_the_header(alices_post: Post) -> None:
    response = Client().get(url(alices_post))
    assert response.json()["etag"] == response["ETag"]


@pytest.mark.parametrize("method", ["get", "head"])
@pytest.mark.parametrize("if_none_match", MATCHING_IF_NONE_MATCH, ids=str)
def test_matching_if_none_match_is_304_without_body_or_content_type(
    alices_post: Post, method: str, if_none_match: str
) -> None:
    etag = etag_of(alices_post)
    response = getattr(Client(), method)(
        url(alices_post), headers={"If-None-Match": if_none_match.format(etag=etag)}
    )
    assert response.status_code == 304
    assert b"".join(response.streaming_content) == b""
    assert "Content-Type" not in response
    # RFC 9110 §8.6: no Content-Length unless it is the 200's (CommonMiddleware would add 0).
    assert "Content-Length" not in response
    # LocaleMiddleware adds Content-Language to every response but this one (§15.4.5).
    assert "Content-Language" not in response
    assert response["ETag"] == etag
    assert response["Last-Modified"] == last_modified_of(alices_post)
    assert response["Cache-Control"] == "private, no-cache"
    full = Client().get(url(alices_post))
    assert response["Vary"] == full["Vary"]


def test_other_if_none_match_is_200(alices_post: Post) -> None:
    response = Client().get(url(alices_post), headers={"If-None-Match": '"1.999"'})
    assert response.status_code == 200


@pytest.mark.parametrize(("if_modified_since", "status"), IF_MODIFIED_SINCE_CASES)
def test_if_modified_since(alices_post: Post, if_modified_since: str, status: int) -> None:
    value = if_modified_since.format(last_modified=last_modified_of(alices_post))
    response = Client().get(url(alices_post), headers={"If-Modified-Since": value})
    assert response.status_code == status


def test_if_none_match_overrides_if_modified_since(alices_post: Post) -> None:
    response = Client().get(
        url(alices_post), headers={"If-None-Match": '"other"', "If-Modified-Since": FUTURE_DATE}
    )
    assert response.status_code == 200


def test_304_costs_one_query_and_no_serialization(
    alices_post: Post, monkeypatch: pytest.MonkeyPatch
) -> None:
    serialized: list[object] = []
    to_representation = PostSerializer.to_representation

    def spy(self: PostSerializer, instance: Any) -> Any:
        serialized.append(instance)
        return to_representation(self, instance)

    monkeypatch.setattr(PostSerializer, "to_representation", spy)
    etag = etag_of(alices_post)
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url(alices_post), headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert len(data_queries(queries)) == 1, data_queries(queries)
    assert serialized == []
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url(alices_post)).status_code == 200
    assert len(data_queries(queries)) == 1, "the 200 looks the post up once"
    assert serialized


# get_revalidation_queryset(): a revalidation's lookup of its own (labelled-posts leaves the
# owner's join and the labels' prefetch out of it)


def labelled(post: Post) -> str:
    return f"/test/conditional/labelled-posts/{post.pk}/"


def statements(method: str, path: str, **headers: str) -> tuple[Any, list[str]]:
    """The answer to a read, and the statements it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = getattr(Client(), method)(path, headers=headers)
    return response, data_queries(queries)


@pytest.mark.parametrize("method", ["get", "head"])
@pytest.mark.parametrize(
    "validator",
    [{"If-None-Match": "current"}, {"If-Modified-Since": "now"}],
    ids=["if-none-match", "if-modified-since"],
)
def test_a_revalidation_answered_304_reads_only_the_row(
    alices_post: Post, method: str, validator: dict[str, str]
) -> None:
    Label.objects.create(name="news", post=alices_post)
    (name,) = validator
    value = etag_of(alices_post) if name == "If-None-Match" else format_http_date(time.time())
    response, sql = statements(method, labelled(alices_post), **{name: value})
    assert response.status_code == 304
    (lookup,) = sql
    assert " JOIN " not in lookup.upper(), lookup


def test_a_revalidation_answered_200_loads_each_relation_the_serializer_reads(
    alices_post: Post,
) -> None:
    Label.objects.create(name="news", post=alices_post)
    plain, plain_sql = statements("get", labelled(alices_post))
    response, sql = statements("get", labelled(alices_post), **{"If-None-Match": '"stale"'})
    assert response.status_code == plain.status_code == 200
    assert response.json() == plain.json()
    assert response.json()["owner"] == "alice"
    assert response.json()["labels"] == ["news"]
    # Without validators: the lookup with its join, then the prefetch.
    assert len(plain_sql) == 2, plain_sql
    assert " JOIN " in plain_sql[0].upper(), plain_sql
    # A revalidation: the bare lookup, then the owner and the labels as the serializer reads them.
    assert len(sql) == 3, sql
    assert " JOIN " not in sql[0].upper(), sql


def test_the_revalidation_lookup_is_not_asked_for_a_list(alices_post: Post) -> None:
    response, sql = statements("get", "/test/conditional/labelled-posts/", **{"If-None-Match": "x"})
    assert response.status_code == 200
    assert response.json()["results"][0]["owner"] == "alice"
    assert any(" JOIN " in statement.upper() for statement in sql), sql


def test_a_list_304_costs_its_aggregate_query_only(alices_post: Post) -> None:
    etag = Client().get("/test/conditional/posts/")["ETag"]
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/test/conditional/posts/", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert len(data_queries(queries)) == 1, data_queries(queries)


@pytest.mark.parametrize(
    "path", ["/test/conditional/post-view/{pk}/", "/test/conditional/recent-posts/recent/"]
)
def test_a_handler_that_decides_late_is_answered_304_all_the_same(
    alices_post: Post, path: str
) -> None:
    path = path.format(pk=alices_post.pk)
    first = Client().get(path)
    assert first.status_code == 200
    assert first["Cache-Control"] == "private, no-cache"
    response = Client().get(path, headers={"If-None-Match": first["ETag"]})
    assert response.status_code == 304
    assert response["ETag"] == first["ETag"]
    assert response["Cache-Control"] == "private, no-cache"
    assert b"".join(response.streaming_content) == b""
    assert "Content-Type" not in response
    assert response["Vary"] == first["Vary"]
    changed = Client().get(path, headers={"If-None-Match": '"other"'})
    assert changed.status_code == 200
    assert changed.content == first.content


@pytest.mark.parametrize(
    "path", ["/test/conditional/posts/", "/test/conditional/recent-posts/recent/"]
)
@pytest.mark.parametrize("precondition", [("If-None-Match", "*"), ("If-Match", '"x"')])
def test_a_page_past_the_last_is_404_whatever_the_preconditions(
    alices_post: Post, path: str, precondition: tuple[str, str]
) -> None:
    """Decided in ``initial()`` or as the handler paginates, the preconditions come after the
    paginator's refusal: not a 304 or a 412."""
    name, value = precondition
    response = Client().get(path, {"page": "9"}, headers={name: value})
    assert response.status_code == 404, response.content


class AtLeastTwoPages(pagination.PageNumberPagination):
    """A paginator of one's own that refuses a request without parameters: the first page."""

    def get_page_number(self, request: Any, paginator: Any) -> int:
        return 2


class ThreeAPage(query.PageNumberPagination):
    page_size = 3


@pytest.mark.parametrize(
    ("paginator", "query_string", "provably"),
    [
        (pagination.PageNumberPagination(), "", True),
        (pagination.LimitOffsetPagination(), "", True),
        (pagination.CursorPagination(), "", True),
        (ThreeAPage(), "", True),
        (ThreeAPage(), "page=1", False),
        (ThreeAPage(), "ordering=-id&search=x", True),
        (AtLeastTwoPages(), "", False),
    ],
)
def test_a_paginator_is_judged_to_accept_a_request_only_where_it_provably_does(
    paginator: Any, query_string: str, provably: bool
) -> None:
    request = Request(APIRequestFactory().get(f"/?{query_string}"))
    assert pages_without_parameters(paginator, None, request) is provably


def test_a_view_without_get_answers_a_get_405(db: None) -> None:
    response = Client().get("/test/conditional/create-post/")
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"


def test_an_overridden_list_that_shows_no_page_gets_no_list_etag(alices_post: Post) -> None:
    response = Client().get("/test/conditional/counted-posts/", headers={"If-None-Match": "*"})
    assert response.status_code == 200
    assert response.json() == {"count": 1}
    assert "ETag" not in response


def test_representations_in_other_formats_have_other_etags_and_languages_only_for_pages(
    alices_post: Post,
) -> None:
    json_etag = Client().get(url(alices_post))["ETag"]
    browsable = Client().get(url(alices_post) + "?format=api")
    german_page = Client().get(url(alices_post) + "?format=api", headers={"Accept-Language": "de"})
    german = Client().get(url(alices_post), headers={"Accept-Language": "de"})
    assert browsable.status_code == german.status_code == german_page.status_code == 200
    assert german["Content-Language"] == "de"
    # The JSON is the same data in every language; the pages for people are not.
    assert german["ETag"] == german.json()["etag"] == json_etag
    assert len({json_etag, browsable["ETag"], german_page["ETag"]}) == 3
    # A client revalidates with the tag it got for its own variant.
    assert (
        Client().get(url(alices_post), headers={"If-None-Match": browsable["ETag"]})
    ).status_code == 200
    assert (
        Client().get(
            url(alices_post), headers={"If-None-Match": json_etag, "Accept-Language": "de"}
        )
    ).status_code == 304


def test_if_match_of_another_representation_of_the_current_state_lets_a_write_through(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    page = Client().get(url(alices_post) + "?format=api", headers={"Accept-Language": "de"})["ETag"]
    stale_page = page.replace(f".{alices_post.version}-", f".{alices_post.version - 1}-")
    assert stale_page != page
    alice = client_as("alice")
    refused = write(alice, "PATCH", url(alices_post), {"body": "x"}, **{"If-Match": stale_page})
    assert refused.status_code == 412
    changed = write(alice, "PATCH", url(alices_post), {"body": "y"}, **{"If-Match": page})
    assert changed.status_code == 200, changed.content
    # The page's tag named version 1; now the state moved on, and so has every variant's tag.
    again = write(alice, "PATCH", url(alices_post), {"body": "z"}, **{"If-Match": page})
    assert again.status_code == 412


# Writes: 200/204 and the validators they carry


def test_put_with_if_match_carries_no_validators_but_the_body_does(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    alice = client_as("alice")
    response = write(
        alice,
        "PUT",
        url(alices_post),
        {"title": "New", "body": ""},
        **{"If-Match": etag_of(alices_post)},
    )
    assert response.status_code == 200, response.content
    assert "ETag" not in response
    assert "Last-Modified" not in response
    body = response.json()
    assert body["version"] == 2
    assert body["etag"] == etag_of(alices_post) == Client().get(url(alices_post))["ETag"]


def test_patch_with_if_match_carries_the_new_etag(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    response = write(
        client_as("alice"),
        "PATCH",
        url(alices_post),
        {"body": "more"},
        **{"If-Match": etag_of(alices_post)},
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == response.json()["etag"] == etag_of(alices_post)
    assert alices_post.version == 2
    # Changed in the second still running: its date would also cover a change later in it.
    assert "Last-Modified" not in response


def test_delete_with_if_match_is_204(client_as: Callable[[str], Client], alices_post: Post) -> None:
    response = write(
        client_as("alice"), "DELETE", url(alices_post), **{"If-Match": etag_of(alices_post)}
    )
    assert response.status_code == 204
    assert not Post.objects.filter(pk=alices_post.pk).exists()


@pytest.mark.parametrize("if_match", PASSING_IF_MATCH)
def test_if_match_star_and_lists_pass(
    client_as: Callable[[str], Client], alices_post: Post, if_match: str
) -> None:
    value = if_match.format(etag=etag_of(alices_post))
    response = write(
        client_as("alice"), "PATCH", url(alices_post), {"body": "x"}, **{"If-Match": value}
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("date", ["{last_modified}", FUTURE_DATE], ids=["equal", "later"])
def test_if_unmodified_since_not_older_passes_and_satisfies_the_requirement(
    client_as: Callable[[str], Client], alices_post: Post, date: str
) -> None:
    value = date.format(last_modified=last_modified_of(alices_post))
    headers = {"If-Unmodified-Since": value}
    response = write(client_as("alice"), "PATCH", url(alices_post), {"body": "x"}, **headers)
    assert response.status_code == 200, response.content


def test_if_match_makes_if_unmodified_since_ignored(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    response = write(
        client_as("alice"),
        "PATCH",
        url(alices_post),
        {"body": "x"},
        **{"If-Match": etag_of(alices_post), "If-Unmodified-Since": OLD_DATE},
    )
    assert response.status_code == 200, response.content


# 412


@pytest.mark.parametrize("headers", FAILING_PRECONDITIONS, ids=str)
@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_failing_precondition_is_412_with_the_current_etag(
    client_as: Callable[[str], Client], alices_post: Post, method: str, headers: dict[str, str]
) -> None:
    etag = etag_of(alices_post)
    sent = {name: value.format(etag=etag) for name, value in headers.items()}
    response = write(client_as("alice"), method, url(alices_post), {"title": "x"}, **sent)
    assert response.status_code == 412, response.content
    assert problem(response)["etag"] == etag
    assert etag_of(alices_post) == etag


@pytest.mark.parametrize("body", ['{"title": ""}', '{"title": '], ids=["invalid", "malformed"])
def test_stale_if_match_is_412_before_the_body_is_read(
    client_as: Callable[[str], Client], alices_post: Post, body: str
) -> None:
    response = write(client_as("alice"), "PUT", url(alices_post), body, **{"If-Match": '"stale"'})
    assert response.status_code == 412


# 428


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("headers", UNGUARDED_WRITES, ids=["none", "invalid-date", "inm-only"])
def test_unconditional_write_is_428_naming_the_headers(
    client_as: Callable[[str], Client], alices_post: Post, method: str, headers: dict[str, str]
) -> None:
    response = write(client_as("alice"), method, url(alices_post), {"title": "x"}, **headers)
    assert response.status_code == 428
    body = problem(response)
    assert body["required_headers"] == ["If-Match", "If-Unmodified-Since"]
    assert "If-Match" in body["detail"]
    # Nothing was written (nor deleted: refresh_from_db() finds the row).
    alices_post.refresh_from_db()
    assert (alices_post.title, alices_post.version) == ("Hello from alice", 1)


@override_settings(HTTP_ERRORS={"PRECONDITION_REQUIRED": False})
def test_without_the_requirement_an_unconditional_write_goes_through(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    response = write(client_as("alice"), "PATCH", url(alices_post), {"body": "x"})
    assert response.status_code == 200
    assert response.json()["version"] == 2


# Compare-and-swap when another request commits between lookup and write


def overtaken_write(client: Client, method: str, post: Post, **headers: str) -> Any:
    """A write that another request overtakes between its checks and its swap."""
    path = f"/test/conditional/overtaken-posts/{post.pk}/"
    return write(client, method, path, {"body": "lost?"}, **headers)


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_a_conditional_write_overtaken_by_another_is_412_with_the_etag_that_won(
    client_as: Callable[[str], Client], alices_post: Post, method: str
) -> None:
    response = overtaken_write(client_as("alice"), method, alices_post, **{"If-Match": "*"})
    assert response.status_code == 412, response.content
    body = problem(response)
    # This request's own write did not happen; the one that overtook it stays.
    alices_post.refresh_from_db()
    assert (alices_post.body, alices_post.version) == ("A published article.", 2)
    # The 412 names the state that won: the ETag a read of it gives.
    assert body["etag"] == Client().get(f"/test/conditional/posts/{alices_post.pk}/")["ETag"]


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_an_unconditional_write_overtaken_by_another_is_409(
    client_as: Callable[[str], Client], alices_post: Post, method: str
) -> None:
    response = overtaken_write(client_as("alice"), method, alices_post)
    assert response.status_code == 409, response.content
    assert problem(response)["code"] == "conflict"
    alices_post.refresh_from_db()
    assert (alices_post.body, alices_post.version) == ("A published article.", 2)


@pytest.mark.parametrize(("headers", "status"), [({"If-Match": "*"}, 412), ({}, 409)])
def test_a_custom_actions_serializer_save_overtaken_by_another_is_refused(
    client_as: Callable[[str], Client], alices_post: Post, headers: dict[str, str], status: int
) -> None:
    """``self.get_serializer(self.get_object(), data=...).save()`` in a custom action, without
    ``conditional_write()`` or ``perform_update()``: the save was no compare-and-swap, and
    overwrote the change that overtook it (its version too) with a 200."""
    path = f"/test/conditional/overtaken-posts/{alices_post.pk}/rename/"
    response = write(client_as("alice"), "POST", path, {"body": "lost?"}, **headers)
    assert response.status_code == status, response.content
    alices_post.refresh_from_db()
    assert (alices_post.body, alices_post.version) == ("A published article.", 2)


def test_a_custom_actions_serializer_save_claims_its_row(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    """Not overtaken, the same save is a write like any other: the version moves on, and the
    ETag the client read no longer matches."""
    read = Client().get(url(alices_post))["ETag"]
    path = f"/test/conditional/renaming-posts/{alices_post.pk}/"
    renamed = write(
        client_as("alice"), "POST", f"{path}rename/", {"body": "renamed"}, **{"If-Match": read}
    )
    assert renamed.status_code == 200, renamed.content
    alices_post.refresh_from_db()
    assert alices_post.body == "renamed"
    assert alices_post.version > 1
    stale = write(client_as("alice"), "PATCH", path, {"body": "lost"}, **{"If-Match": read})
    assert stale.status_code == 412


@pytest.mark.parametrize("name", ["twice", "then_block"])
@pytest.mark.parametrize(("precondition", "status"), [(True, 412), (False, 409)])
def test_a_change_committed_between_two_writes_of_an_action_is_not_overwritten(
    client_as: Callable[[str], Client],
    alices_post: Post,
    name: str,
    precondition: bool,
    status: int,
) -> None:
    """The first write's claim ended with its transaction: the second (a save, or a
    ``conditional_write()``) claims the row again. Taken for still held, it overwrote the
    change committed in between, version and all, and answered 200."""
    path = f"/test/conditional/raced-posts/{alices_post.pk}/"
    headers = {"If-Match": Client().get(path)["ETag"]} if precondition else {}
    response = write(client_as("alice"), "POST", f"{path}{name}/", {"title": "mine"}, **headers)
    assert response.status_code == status, response.content
    alices_post.refresh_from_db()
    assert alices_post.body == "theirs"


@pytest.mark.parametrize(("precondition", "status"), [(True, 412), (False, 409)])
def test_a_change_committed_after_a_write_in_a_transaction_of_the_actions_is_refused(
    client_as: Callable[[str], Client], alices_post: Post, precondition: bool, status: int
) -> None:
    """The claim ends with the action's own ``write_transaction()``, not with the
    ``conditional_write()`` inside it: the save after it claims the row again."""
    path = f"/test/conditional/raced-posts/{alices_post.pk}/"
    headers = {"If-Match": Client().get(path)["ETag"]} if precondition else {}
    response = write(
        client_as("alice"),
        "POST",
        f"{path}in_a_transaction_then_save/",
        {"title": "mine"},
        **headers,
    )
    assert response.status_code == status, response.content
    alices_post.refresh_from_db()
    assert alices_post.body == "theirs"


def test_a_second_attempt_after_a_failed_write_claims_the_version_the_row_has(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    """The failed write rolled back its claim; the versions it gave the post in memory are
    taken back with it (the second attempt was 412 with nobody else writing)."""
    path = f"/test/conditional/raced-posts/{alices_post.pk}/"
    read = Client().get(path)["ETag"]
    response = write(client_as("alice"), "POST", f"{path}second_attempt/", {}, **{"If-Match": read})
    assert response.status_code == 200, response.content
    alices_post.refresh_from_db()
    assert alices_post.title == "second attempt"
    # One change: the failed write's claim and save rolled back.
    assert response.json()["version"] == alices_post.version == 2


def with_another_post(client: Client, post: Post, action: str) -> Any:
    """The answer to ``action`` of ``post`` at the raced posts, naming another post of its
    owner's (``other``), which it looks up as well."""
    other = Post.objects.create(owner=post.owner, title="Other")
    path = f"/test/conditional/raced-posts/{post.pk}/{action}/"
    return write(client, "POST", path, {"other": other.pk})


def test_a_save_of_the_first_of_two_objects_looked_up_is_guarded(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    """The second lookup replaced the first as the request's object: the first one's save was
    no compare-and-swap, and overwrote a change committed since its lookup."""
    response = with_another_post(client_as("alice"), alices_post, "copy_from")
    assert response.status_code == 409, response.content
    alices_post.refresh_from_db()
    assert alices_post.body == "theirs"


@pytest.mark.parametrize(("name", "text"), [("shout", "QUIET"), ("twice", "twice")])
def test_a_claim_of_an_object_without_a_version_compares_the_state_last_seen(
    db: None, name: str, text: str
) -> None:
    """A hash ETag (no version field): the claim compares the row with the state the
    preconditions saw, or the action's first write left, not with the object as the action
    changed it in memory (every such save was 412, or 409 without If-Match). ``shout``
    changes the note in memory before its save; ``twice`` saves it twice."""
    note = Note.objects.create(text="quiet")
    path = f"/test/conditional/shouting-notes/{note.pk}/"
    read = Client().get(path)["ETag"]
    response = write(Client(), "POST", f"{path}{name}/", {}, **{"If-Match": read})
    assert response.status_code == 200, response.content
    note.refresh_from_db()
    assert note.text == text
    if name == "shout":
        stale = write(Client(), "POST", f"{path}shout/", {}, **{"If-Match": read})
        assert stale.status_code == 412


def test_an_f_expression_saved_by_an_action_is_no_server_error(db: None) -> None:
    """After the write, nothing serializes the object: ``F("copies") - 1`` has no
    representation, and making one after the write turned it into a 500 and rolled it back."""
    book = Book.objects.create(title="B", copies=3, shelf=Shelf.objects.create(name="S"))
    response = write(Client(), "POST", f"/test/conditional/books/{book.pk}/borrow/", {})
    assert response.status_code == 204, response.content
    book.refresh_from_db()
    assert book.copies == 2


def test_a_deletion_by_an_action_is_no_server_error(db: None) -> None:
    """The same for an object deleted (no primary key left to serialize it with)."""
    shelf = Shelf.objects.create(name="S")
    response = write(Client(), "POST", f"/test/conditional/shelves/{shelf.pk}/discard/", {})
    assert response.status_code == 204, response.content
    assert not Shelf.objects.filter(pk=shelf.pk).exists()


def test_an_object_saved_twice_in_one_transaction_is_claimed_once(db: None) -> None:
    """Claimed again between another object's claim and its second save, its row held its own
    first change: 409 with nobody else writing."""
    first, second = Note.objects.create(text="A"), Note.objects.create(text="B")
    path = f"/test/conditional/swapping-notes/{first.pk}/swap/"
    response = write(Client(), "POST", path, {"other": second.pk})
    assert response.status_code == 204, response.content
    assert sorted(Note.objects.values_list("id", "text")) == [(first.pk, "B"), (second.pk, "A")]


def test_a_failed_transaction_takes_back_the_first_version_it_claimed(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    """A post claimed twice in the failed transaction got back the version of its second claim:
    the second attempt was 409 with nobody else writing."""
    response = with_another_post(client_as("alice"), alices_post, "swap_fails_then_retry")
    assert response.status_code == 200, response.content
    alices_post.refresh_from_db()
    assert alices_post.title == "second attempt"
    assert Post.objects.exclude(pk=alices_post.pk).get().title == "Other"


def test_a_serializer_class_a_route_gives_is_its_reads_too(db: None) -> None:
    """``as_view(serializer_class=...)`` sets it on the instance as an action's does; it is
    the route's, for the hash its ETags are made of too (every PATCH was 412)."""
    note = Note.objects.create(text="quiet")
    path = f"/test/conditional/loud-notes/{note.pk}/"
    read = Client().get(path)
    assert read.json()["loud"] == "QUIET"
    changed = write(Client(), "PATCH", path, {"text": "calm"}, **{"If-Match": read["ETag"]})
    assert changed.status_code == 200, changed.content


# A generic view's own put(), patch() and delete(), and a lookup made twice


OWN_VERBS = {"PUT": {"title": "Mine", "body": "lost?"}, "PATCH": {"body": "lost?"}, "DELETE": None}


@pytest.mark.parametrize("method", sorted(OWN_VERBS))
def test_an_own_verbs_write_is_one_compare_and_swap(
    client_as: Callable[[str], Client], alices_post: Post, method: str
) -> None:
    """Its get_object() claims the row as DRF's update() does: a current If-Match wins once,
    its second lookup (the PATCH's) is the same object, and the ETag it read is stale after."""
    path = f"/test/conditional/own-verbs-posts/{alices_post.pk}/"
    alice = client_as("alice")
    read = alice.get(path)["ETag"]
    changed = write(alice, method, path, OWN_VERBS[method], **{"If-Match": read})
    assert changed.status_code in (200, 204), changed.content
    again = write(alice, method, path, OWN_VERBS[method], **{"If-Match": read})
    assert again.status_code == (204 if method == "DELETE" else 412), again.content
    if method != "DELETE":
        now = alice.get(path)["ETag"]
        assert now == etag_of(alices_post) != read
        assert changed.get("ETag") == (now if method == "PATCH" else None)
    else:
        assert not Post.objects.filter(pk=alices_post.pk).exists()


@pytest.mark.parametrize("method", sorted(OWN_VERBS))
@pytest.mark.parametrize("if_match", ["*", None], ids=["if-match", "unconditional"])
def test_an_own_verbs_write_overtaken_by_another_is_412_or_409(
    client_as: Callable[[str], Client], alices_post: Post, method: str, if_match: str | None
) -> None:
    """Saved without DRF's handlers, the write was no compare-and-swap: it overwrote the
    change made between its lookup and its save, and answered 200."""
    path = f"/test/conditional/overtaken-own-verbs-posts/{alices_post.pk}/"
    headers = {"If-Match": if_match} if if_match else {}
    response = write(client_as("alice"), method, path, OWN_VERBS[method], **headers)
    assert response.status_code == (412 if if_match else 409), response.content
    alices_post.refresh_from_db()
    assert (alices_post.body, alices_post.version) == ("A published article.", 2)


@pytest.mark.parametrize(("method", "status"), [("PUT", 201), ("DELETE", 204)])
def test_an_own_verb_whose_lookup_found_nothing_answers_as_it_chooses(
    client_as: Callable[[str], Client], users: dict[str, Any], method: str, status: int
) -> None:
    """A PUT that creates, a DELETE of what is gone: their lookup overwrote nothing, so they
    are not refused as a write without one would be."""
    path = "/test/conditional/own-verbs-posts/4242/"
    response = write(client_as("alice"), method, path, {"title": "New"})
    assert response.status_code == status, response.content
    assert Post.objects.filter(pk=4242).exists() is (method == "PUT")


def test_an_update_that_looks_its_object_up_twice_is_one_write(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    """The second get_object() is the first's object, its row claimed once: it failed its own
    claim's precondition (412 to a current If-Match)."""
    path = f"/test/conditional/twice-looked-up-posts/{alices_post.pk}/"
    alice = client_as("alice")
    read = alice.get(path)["ETag"]
    changed = write(alice, "PATCH", path, {"body": "changed"}, **{"If-Match": read})
    assert changed.status_code == 200, changed.content
    stale = write(alice, "PATCH", path, {"body": "lost"}, **{"If-Match": read})
    assert stale.status_code == 412
    assert changed["ETag"] == alice.get(path)["ETag"] == etag_of(alices_post) != read
    assert alices_post.body == "changed"


def test_a_view_without_create_gets_no_post_and_ignores_post_preconditions(
    alices_post: Post,
) -> None:
    class ReadOnly(ConditionalUpdateMixin, viewsets.ReadOnlyModelViewSet[Post]):
        queryset = Post.objects.all()
        serializer_class = PostSerializer
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
    assert response["Last-Modified"] == last_modified_of(note)
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
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    # DRF's metadata looks the object up as if for a PUT; that probe is no write to guard.
    response = client_as("alice").options(url(alices_post))
    assert response.status_code == 200
    assert "PUT" in response.json()["actions"]


def test_a_union_or_distinct_on_list_has_no_etag_instead_of_failing(
    alices_post: Post,
) -> None:
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    view = PostViewSet()
    view.request = Request(APIRequestFactory().get("/test/conditional/posts/"))
    view.format_kwarg = None
    posts = Post.objects.filter(title=alices_post.title)
    assert view.get_collection_etag(posts.union(Post.objects.filter(pk=alices_post.pk))) is None
    assert view.get_collection_etag(posts) is not None


def test_multi_table_inheritance_swaps_on_the_table_that_holds_the_version(db: None) -> None:
    from tests.testapp.models import VersionedPage

    page = VersionedPage.objects.create(title="First")
    path = f"/test/conditional/versioned-pages/{page.pk}/"
    client = Client()
    etag = client.get(path)["ETag"]
    data = json.dumps({"title": "Second"})
    saved = client.put(path, data, content_type="application/json", headers={"If-Match": etag})
    assert saved.status_code == 200, saved.content
    # Two statements, one change: the claim (2), then the save of a VersionField in the
    # claim's transaction, which writes the claim's version.
    assert saved.json()["version"] == 2
    stale = client.put(path, data, content_type="application/json", headers={"If-Match": etag})
    assert stale.status_code == 412
    page.refresh_from_db()
    assert (page.title, page.version) == ("Second", 2)


# A hash ETag of a representation that changes by itself


@pytest.mark.django_db
def test_debug_warns_of_a_representation_that_changes_by_itself(
    caplog: pytest.LogCaptureFixture, settings: Any
) -> None:
    settings.DEBUG = True
    note = Note.objects.create(text="timer")
    with caplog.at_level(logging.WARNING, logger="django_http_errors.mixins"):
        etag = Client().get(f"/test/conditional/timed-notes/{note.pk}/")["ETag"]
    assert "read_at" in caplog.text
    assert "etag_fields" in caplog.text
    # What the warning is about: the ETag never matches again.
    again = Client().get(
        f"/test/conditional/timed-notes/{note.pk}/", headers={"If-None-Match": etag}
    )
    assert again.status_code == 200


@pytest.mark.django_db
def test_etag_fields_leave_out_what_changes_by_itself(
    caplog: pytest.LogCaptureFixture, settings: Any
) -> None:
    settings.DEBUG = True
    note = Note.objects.create(text="timer")
    path = f"/test/conditional/stable-timed-notes/{note.pk}/"
    with caplog.at_level(logging.WARNING, logger="django_http_errors.mixins"):
        etag = Client().get(path)["ETag"]
        assert Client().get(path, headers={"If-None-Match": etag}).status_code == 304
    assert "changes between two serializations" not in caplog.text
    changed = Client().patch(
        path, {"text": "changed"}, "application/json", headers={"If-Match": etag}
    )
    assert changed.status_code == 200, changed.content


def test_a_model_with_a_many_to_many_field_is_written_through_drfs_handlers(db: None) -> None:
    """The one UPDATE of a plain ModelSerializer's write cannot set a many-to-many field: it
    is left to DRF's save, which sets it after the row."""
    first, second = Label.objects.create(name="first"), Label.objects.create(name="second")
    album = Album.objects.create(title="Album")
    path = f"/test/conditional/albums/{album.pk}/"
    etag = Client().get(path)["ETag"]
    titled = write(Client(), "PATCH", path, {"title": "Renamed"}, **{"If-Match": etag})
    assert titled.status_code == 200, titled.content
    labelled = write(
        Client(),
        "PUT",
        path,
        {"title": "Renamed", "labels": [first.pk, second.pk]},
        **{"If-Match": titled["ETag"]},
    )
    assert labelled.status_code == 200, labelled.content
    assert labelled.json()["labels"] == [first.pk, second.pk]
    stale = write(Client(), "PATCH", path, {"labels": []}, **{"If-Match": titled["ETag"]})
    assert stale.status_code == 412
    assert Client().get(path)["ETag"] not in (etag, titled["ETag"])
    album.refresh_from_db()
    assert album.title == "Renamed"
    assert sorted(album.labels.values_list("pk", flat=True)) == [first.pk, second.pk]


@pytest.mark.parametrize("viewset", [MemoViewSet, SelfSavingMemoViewSet], ids=lambda v: v.__name__)
@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_a_version_the_client_echoes_does_not_undo_the_claim(
    db: None, method: str, viewset: type[MemoViewSet]
) -> None:
    """Its serializer makes the version writable: the version the client read, sent back,
    would be saved over the claim's, and the next writer's stale If-Match would match; so
    through a perform_update() of the view's own, and through an update() that saves the
    serializer itself. (The view is called directly: routed, its plain version field's W016
    would show in every check of the test project.)"""
    memo = Memo.objects.create(text="first")
    factory = APIRequestFactory()
    view = viewset.as_view({"get": "retrieve", "put": "update", "patch": "partial_update"})

    def send(verb: str, data: Any = None, **headers: str) -> Any:
        request = getattr(factory, verb.lower())("/", data, format="json", headers=headers)
        response = view(request, pk=memo.pk)
        response.render()
        return response

    read = send("GET")
    body = {**read.data, "text": "second"}
    changed = send(method, body, **{"If-Match": read["ETag"]})
    assert changed.status_code == 200, changed.content
    memo.refresh_from_db()
    assert (memo.text, memo.version) == ("second", 2)
    assert changed.data["version"] == 2
    now = send("GET")["ETag"]
    assert now != read["ETag"]
    # A PATCH's answer carries the new state's ETag; a PUT's none.
    assert changed.get("ETag") == (now if method == "PATCH" else None)
    stale = send(method, {**body, "text": "lost"}, **{"If-Match": read["ETag"]})
    assert stale.status_code == 412


def test_a_hash_etag_is_the_reads_whatever_serializer_a_write_or_a_list_uses(db: None) -> None:
    """The write's serializer shows less: a hash of it matched no ETag a GET gave (every
    conditional write was 412)."""
    note = Note.objects.create(text="first")
    path = f"/test/conditional/split-notes/{note.pk}/"
    read = Client().get(path)
    listed = Client().get("/test/conditional/split-notes/").json()
    items = listed["results"] if isinstance(listed, dict) else listed
    assert [item["etag"] for item in items] == [read["ETag"]]
    changed = write(Client(), "PATCH", path, {"text": "second"}, **{"If-Match": read["ETag"]})
    assert changed.status_code == 200, changed.content
    assert changed["ETag"] == Client().get(path)["ETag"] != read["ETag"]
    stale = write(Client(), "PATCH", path, {"text": "lost"}, **{"If-Match": read["ETag"]})
    assert stale.status_code == 412


def test_a_hash_etag_is_the_reads_in_an_action_with_a_serializer_of_its_own(db: None) -> None:
    """``@action(serializer_class=...)`` sets it on the view instance, where the class-level
    choice of the read's serializer did not look: every conditional write through it was 412."""
    note = Note.objects.create(text="first")
    path = f"/test/conditional/retext-notes/{note.pk}/"
    read = Client().get(path)
    action = f"{path}retext/"
    changed = write(Client(), "POST", action, {"text": "second"}, **{"If-Match": read["ETag"]})
    assert changed.status_code == 200, changed.content
    assert changed.json()["text"] == "second"
    stale = write(Client(), "POST", action, {"text": "lost"}, **{"If-Match": read["ETag"]})
    assert stale.status_code == 412
    note.refresh_from_db()
    assert note.text == "second"


def test_a_conditional_list_pages_through_the_views_own_paginate_queryset(
    users: dict[str, Any],
) -> None:
    """Made early, the page would skip the override (its ordering here): a conditional GET
    would show other posts than a plain one."""
    for title in ("one", "two", "three"):
        Post.objects.create(owner=users["alice"], title=title)
    path, query = "/test/conditional/newest-first-posts/", {"page": "1"}
    plain = Client().get(path, query)
    changed = Client().get(path, query, headers={"If-None-Match": '"other"'})
    assert changed.status_code == 200
    assert changed.json() == plain.json()
    assert [p["title"] for p in plain.json()["results"]] == ["three", "two", "one"]
    unchanged = Client().get(path, query, headers={"If-None-Match": plain["ETag"]})
    assert unchanged.status_code == 304
    past = Client().get(path, {"page": "9"}, headers={"If-None-Match": "*"})
    assert past.status_code == 404


def test_a_viewset_that_knows_no_retrieve_hashes_with_the_actions_serializer(db: None) -> None:
    """Its get_serializer_class() refuses ``retrieve``: its list and its conditional writes
    are answered as before, not with a 500."""
    note = Note.objects.create(text="first")
    factory = APIRequestFactory()
    listing = ByActionNoteViewSet.as_view({"get": "list"})
    updating = ByActionNoteViewSet.as_view({"patch": "partial_update"})
    listed = listing(factory.get("/"))
    listed.render()
    assert listed.status_code == 200
    [item] = listed.data["results"] if isinstance(listed.data, dict) else listed.data
    changed = updating(
        factory.patch("/", {"text": "second"}, format="json", headers={"If-Match": item["etag"]}),
        pk=note.pk,
    )
    changed.render()
    assert changed.status_code == 200, changed.content
    stale = updating(
        factory.patch("/", {"text": "lost"}, format="json", headers={"If-Match": item["etag"]}),
        pk=note.pk,
    )
    assert stale.status_code == 412


def _call(view: Any, verb: str, data: Any = None, pk: int | None = None, **headers: str) -> Any:
    request = getattr(APIRequestFactory(), verb.lower())("/", data, format="json", headers=headers)
    response = view(request) if pk is None else view(request, pk=pk)
    response.render()
    return response


def test_a_version_checked_in_the_content_is_still_checked_and_not_saved(db: None) -> None:
    """An API whose contract was the version in the content keeps its check (validate());
    the write's claim sets the version all the same."""
    memo = Memo.objects.create(text="first")
    view = CheckedMemoViewSet.as_view({"get": "retrieve", "put": "update"})
    read = _call(view, "GET", pk=memo.pk)
    stale_body = _call(
        view, "PUT", {"text": "x", "version": 0}, memo.pk, **{"If-Match": read["ETag"]}
    )
    assert stale_body.status_code == 400
    changed = _call(
        view, "PUT", {**read.data, "text": "second"}, memo.pk, **{"If-Match": read["ETag"]}
    )
    assert changed.status_code == 200, changed.content
    memo.refresh_from_db()
    assert (memo.text, memo.version) == ("second", 2)


def test_a_write_of_another_models_serializer_is_left_alone(db: None) -> None:
    """Its content's version, if any, is not the view's object's: nothing to leave out (a
    version field named explicitly is no field of that model)."""
    # As a router routes it: with the action's own serializer_class.
    view = CheckedMemoViewSet.as_view({"put": "note"}, **CheckedMemoViewSet.note.kwargs)
    response = _call(view, "PUT", {"text": "a note"})
    assert response.status_code == 200, response.content
    assert Note.objects.filter(text="a note").count() == 1


def test_a_collection_action_compare_and_swaps_the_rows_it_read(
    users: dict[str, Any],
) -> None:
    """Sent no precondition, it writes each row where it still has the version it read;
    sent one, which no get_object() evaluated, it is refused."""
    for title in ("one", "two"):
        Post.objects.create(owner=users["alice"], title=title)
    alice = basic_client("alice")
    archived = alice.post("/test/conditional/archiving-posts/archive/")
    assert archived.status_code == 200, archived.content
    assert archived.json() == {"archived": 2}
    assert sorted(Post.objects.values_list("title", flat=True)) == [
        "one (archived)",
        "two (archived)",
    ]
    with pytest.raises(ImproperlyConfigured, match="did not look up through get_object"):
        alice.post("/test/conditional/archiving-posts/archive/", headers={"If-Match": "*"})
