"""@conditional over real requests: the RFC 9110 §13.2.2 table of tests/test_conditional.py and
the mixin's HTTP cases of tests/test_mixins.py, through an APIView and a function view."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest
from django.test import Client, override_settings

from django_http_errors.blind_writes import LOGGER_NAME, PRECONDITION_MISSING
from django_http_errors.conditional import PRECONDITIONS, Outcome, Preconditions
from django_http_errors.conditional import preconditions as preconditions_module
from django_http_errors.conf import get_settings
from django_http_errors.decorators import conditional
from tests.conftest import etag_of, problem, write
from tests.test_conditional import EVALUATE_CASES, SCHEDULE_TAG
from tests.test_mixins import (
    FAILING_PRECONDITIONS,
    IF_MODIFIED_SINCE_CASES,
    MATCHING_IF_NONE_MATCH,
    PASSING_IF_MATCH,
    UNGUARDED_WRITES,
    last_modified_of,
)
from tests.testapp import decorated_views
from tests.testapp.models import Post

pytestmark = pytest.mark.django_db

BASE = "/test/decorated/"
#: The decorated views of one post: an APIView's methods, a function view.
VIEWS = pytest.mark.parametrize("view", ["posts", "function-posts"])


def url(view: str, post: Post) -> str:
    """The post's URL at one of the decorated views."""
    return f"{BASE}{view}/{post.pk}/"


# The RFC table, every row of evaluate()'s through a decorated view

STATUS = {Outcome.PROCEED: 200, Outcome.NOT_MODIFIED: 304, Outcome.PRECONDITION_FAILED: 412}
HEADERS = {
    "if_match": "If-Match",
    "if_none_match": "If-None-Match",
    "if_modified_since": "If-Modified-Since",
    "if_unmodified_since": "If-Unmodified-Since",
}


def sendable(case: Any) -> bool:
    """Rows an HTTP request can carry: the test client sends methods in upper case, a change
    has a finite date, and a bare ETag from ``etag_func`` is quoted (as Django's
    ``condition()`` does), so the rows of a malformed current ETag are evaluate()'s alone."""
    method, _, etag, last_modified, _, _ = case.values
    finite = last_modified is None or math.isfinite(last_modified)
    well_formed = etag is None or etag.startswith(('"', 'W/"'))
    return method == method.upper() and finite and well_formed


def changed(last_modified: float | None) -> datetime | None:
    """The change the library dates at ``last_modified`` (``validator_second``: the second
    after it, plus ``CLOCK_SKEW``)."""
    if last_modified is None:
        return None
    seconds = math.floor(last_modified) - 1 - get_settings().CLOCK_SKEW
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


@pytest.mark.parametrize(
    ("method", "preconditions", "etag", "last_modified", "exists", "expected"),
    [case for case in EVALUATE_CASES if sendable(case)],
)
def test_the_rfc_table_through_the_decorator(
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    preconditions: Preconditions,
    etag: str | None,
    last_modified: float | None,
    exists: bool,
    expected: Outcome,
) -> None:
    row = {"etag": etag, "changed": changed(last_modified), "exists": exists}
    monkeypatch.setattr(decorated_views, "ROW", row)
    headers = {
        HEADERS[name]: value for name, value in vars_of(preconditions).items() if value is not None
    }
    response = Client().generic(method, BASE + "table/", headers=headers)
    assert response.status_code == STATUS[expected], response.content


def vars_of(preconditions: Preconditions) -> dict[str, str | None]:
    """The four fields of a ``Preconditions`` (it has slots, no ``__dict__``)."""
    return {name: getattr(preconditions, name) for name in HEADERS}


# The mixin's HTTP cases, through the decorated views of the same posts


@VIEWS
@pytest.mark.parametrize("method", ["get", "head"])
def test_a_read_carries_the_mixins_validators(alices_post: Post, view: str, method: str) -> None:
    response = getattr(Client(), method)(url(view, alices_post))
    assert response.status_code == 200
    assert response["ETag"] == etag_of(alices_post) == f'"{alices_post.pk}.1"'
    assert response["Last-Modified"] == last_modified_of(alices_post)
    assert response["Cache-Control"] == "private, no-cache"
    mixins = Client().get(f"/test/conditional/posts/{alices_post.pk}/")
    assert (mixins["ETag"], mixins["Last-Modified"]) == (
        response["ETag"],
        response["Last-Modified"],
    )


@VIEWS
def test_a_read_accepting_only_problems_is_406_whatever_its_etag(
    alices_post: Post, view: str
) -> None:
    """RFC 9110 §13.2.1: without If-None-Match the GET is 406, so it is ignored (was 304)."""
    headers = {"Accept": "application/problem+json", "If-None-Match": etag_of(alices_post)}
    response = Client().get(url(view, alices_post), headers=headers)
    assert problem(response)["status"] == 406
    assert "ETag" not in response


@VIEWS
def test_a_missing_object_accepting_only_problems_is_404(db: None, view: str) -> None:
    """``object_func``'s 404 comes first, as for any client (the handler ran first: a 500)."""
    response = Client().get(f"{BASE}{view}/999999/", headers={"Accept": "application/problem+json"})
    assert problem(response)["status"] == 404


@VIEWS
@pytest.mark.parametrize("method", ["get", "head"])
@pytest.mark.parametrize("if_none_match", MATCHING_IF_NONE_MATCH, ids=str)
def test_matching_if_none_match_is_304(
    alices_post: Post, view: str, method: str, if_none_match: str
) -> None:
    etag = etag_of(alices_post)
    headers = {"If-None-Match": if_none_match.format(etag=etag)}
    response = getattr(Client(), method)(url(view, alices_post), headers=headers)
    assert response.status_code == 304
    assert b"".join(response.streaming_content) == b""
    assert "Content-Type" not in response
    assert "Content-Length" not in response
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "private, no-cache"


@VIEWS
@pytest.mark.parametrize(("if_modified_since", "status"), IF_MODIFIED_SINCE_CASES)
def test_if_modified_since(
    alices_post: Post, view: str, if_modified_since: str, status: int
) -> None:
    value = if_modified_since.format(last_modified=last_modified_of(alices_post))
    response = Client().get(url(view, alices_post), headers={"If-Modified-Since": value})
    assert response.status_code == status


@VIEWS
@pytest.mark.parametrize("if_match", PASSING_IF_MATCH)
def test_a_passing_if_match_writes_and_a_patch_carries_the_new_etag(
    client_as: Callable[[str], Client], alices_post: Post, view: str, if_match: str
) -> None:
    value = if_match.format(etag=etag_of(alices_post))
    response = write(
        client_as("alice"), "PATCH", url(view, alices_post), {"body": "x"}, **{"If-Match": value}
    )
    assert response.status_code == 200, response.content
    # The claim, then the handler's save of the post it reads again: one change, +1.
    assert response["ETag"] == etag_of(alices_post) == f'"{alices_post.pk}.2"'


@VIEWS
@pytest.mark.parametrize("headers", FAILING_PRECONDITIONS, ids=str)
@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_failing_precondition_is_412_with_the_current_etag(
    client_as: Callable[[str], Client],
    alices_post: Post,
    view: str,
    method: str,
    headers: dict[str, str],
) -> None:
    etag = etag_of(alices_post)
    sent = {name: value.format(etag=etag) for name, value in headers.items()}
    response = write(client_as("alice"), method, url(view, alices_post), {"title": "x"}, **sent)
    assert response.status_code == 412, response.content
    assert problem(response)["etag"] == etag
    assert etag_of(alices_post) == etag


@VIEWS
@pytest.mark.parametrize("headers", UNGUARDED_WRITES, ids=["none", "invalid-date", "inm-only"])
@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_unconditional_write_is_428_naming_the_headers(
    client_as: Callable[[str], Client],
    alices_post: Post,
    view: str,
    method: str,
    headers: dict[str, str],
) -> None:
    response = write(client_as("alice"), method, url(view, alices_post), {"title": "x"}, **headers)
    assert response.status_code == 428
    assert problem(response)["required_headers"] == ["If-Match", "If-Unmodified-Since"]
    alices_post.refresh_from_db()
    assert (alices_post.title, alices_post.version) == ("Hello from alice", 1)


@VIEWS
def test_a_declared_kind_is_what_the_428_asks_for_and_what_guards_a_write(
    monkeypatch: pytest.MonkeyPatch,
    client_as: Callable[[str], Client],
    alices_post: Post,
    view: str,
) -> None:
    # A kind declared once (tests/test_conditional.py's): the decorator reads it as the mixin
    # does, with no edit of its own.
    monkeypatch.setattr(preconditions_module, "PRECONDITIONS", (*PRECONDITIONS, SCHEDULE_TAG))
    client = client_as("alice")
    unguarded = write(client, "PATCH", url(view, alices_post), {"title": "x"})
    assert unguarded.status_code == 428
    assert problem(unguarded)["required_headers"] == [
        "If-Match",
        "If-Unmodified-Since",
        "If-Schedule-Tag-Match",
    ]
    stale = {"If-Schedule-Tag-Match": '"s0"'}
    assert (
        write(client, "PATCH", url(view, alices_post), {"title": "x"}, **stale).status_code == 412
    )
    fresh = {"If-Schedule-Tag-Match": '"s1"'}
    response = write(client, "PATCH", url(view, alices_post), {"title": "x"}, **fresh)
    assert response.status_code == 200, response.content
    alices_post.refresh_from_db()
    assert alices_post.title == "x"


@VIEWS
def test_a_stale_if_match_is_412_before_the_body_is_read(
    client_as: Callable[[str], Client], alices_post: Post, view: str
) -> None:
    response = write(
        client_as("alice"), "PUT", url(view, alices_post), '{"title": ', **{"If-Match": '"stale"'}
    )
    assert response.status_code == 412


def test_403_and_404_come_before_the_preconditions(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    bob = client_as("bob")
    refused = write(
        bob, "PATCH", url("posts", alices_post), {"body": "x"}, **{"If-Match": '"stale"'}
    )
    assert refused.status_code == 403
    missing = write(bob, "PATCH", f"{BASE}posts/999999/", {"body": "x"}, **{"If-Match": '"stale"'})
    assert missing.status_code == 404


def test_a_put_carries_no_validators(client_as: Callable[[str], Client], alices_post: Post) -> None:
    data = {"title": "New", "body": ""}
    response = write(
        client_as("alice"),
        "PUT",
        url("posts", alices_post),
        data,
        **{"If-Match": etag_of(alices_post)},
    )
    assert response.status_code == 200, response.content
    assert "ETag" not in response
    assert "Last-Modified" not in response


def test_an_invalid_write_leaves_the_version_as_it_was(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    headers = {"If-Match": etag_of(alices_post)}
    response = write(
        client_as("alice"), "PATCH", url("posts", alices_post), {"title": ""}, **headers
    )
    assert response.status_code == 400
    assert etag_of(alices_post) == headers["If-Match"]


# The compare-and-swap: another writer between the checks and the claim


def test_a_conditional_write_overtaken_by_another_is_412_with_the_etag_that_won(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    path = f"{BASE}overtaken-posts/{alices_post.pk}/"
    response = write(client_as("alice"), "PATCH", path, {"body": "lost?"}, **{"If-Match": "*"})
    assert response.status_code == 412, response.content
    alices_post.refresh_from_db()
    assert (alices_post.body, alices_post.version) == ("A published article.", 2)
    assert problem(response)["etag"] == etag_of(alices_post)


def test_an_unconditional_write_overtaken_by_another_is_409(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    path = f"{BASE}overtaken-posts/{alices_post.pk}/"
    response = write(client_as("alice"), "PATCH", path, {"body": "lost?"})
    assert response.status_code == 409, response.content
    assert problem(response)["code"] == "conflict"
    alices_post.refresh_from_db()
    assert (alices_post.body, alices_post.version) == ("A published article.", 2)


# The report mode


@VIEWS
@override_settings(HTTP_ERRORS={"PRECONDITION_REQUIRED": "report"})
def test_a_blind_write_is_reported_where_preconditions_are_reported(
    client_as: Callable[[str], Client],
    alices_post: Post,
    view: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger=LOGGER_NAME):
        response = write(client_as("alice"), "PATCH", url(view, alices_post), {"body": "x"})
    assert response.status_code == 200
    assert response[PRECONDITION_MISSING] == "If-Match, If-Unmodified-Since"
    [record] = [r for r in caplog.records if r.name == LOGGER_NAME]
    expected = {"posts": "PostDetail", "function-posts": "post_function"}[view]
    assert record.view.endswith(f"decorated_views.{expected}")  # type: ignore[attr-defined]


def test_the_decorator_refuses_a_plain_django_view() -> None:
    @conditional(etag_func=lambda request: "x")
    def plain(request: Any) -> None: ...

    from django.test import RequestFactory

    with pytest.raises(TypeError, match="DRF view"):
        plain(RequestFactory().get("/"))
