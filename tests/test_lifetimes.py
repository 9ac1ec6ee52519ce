"""How long a problem holds: ``Cache-Control`` by status, and on real problems."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from django_http_errors.lifetimes import NO_CACHE, NO_STORE, problem_cache_control
from tests.conftest import problem
from tests.testapp.models import Post

POSTS = "/test/conditional/posts/"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        # The request alone decides: kept, but asked again before it is used.
        (400, NO_CACHE),
        (405, NO_CACHE),
        (406, NO_CACHE),
        (411, NO_CACHE),
        (413, NO_CACHE),
        (415, NO_CACHE),
        # The credentials, the state or the moment decide: never kept.
        (401, NO_STORE),
        (403, NO_STORE),
        (404, NO_STORE),
        (409, NO_STORE),
        (412, NO_STORE),
        (422, NO_STORE),
        (428, NO_STORE),
        (429, NO_STORE),
        (500, NO_STORE),
        (502, NO_STORE),
        (503, NO_STORE),
        (504, NO_STORE),
    ],
)
def test_problem_cache_control(status: int, expected: str) -> None:
    assert problem_cache_control(status) == expected


def cache_control_of(response: object, status: int) -> str:
    """The Cache-Control of a problem response, after checking its status."""
    assert problem(response)["status"] == status
    value: str = response["Cache-Control"]  # type: ignore[index]
    return value


@pytest.mark.django_db
def test_a_missing_object_is_not_stored() -> None:
    response = Client().get(f"{POSTS}999999/")
    assert cache_control_of(response, 404) == NO_STORE


@pytest.mark.django_db
def test_an_unknown_url_is_not_stored() -> None:
    assert cache_control_of(Client().get("/no-such-page/"), 404) == NO_STORE


@pytest.mark.django_db
def test_refused_credentials_are_not_stored(alices_post: Post) -> None:
    response = Client().patch(f"{POSTS}{alices_post.pk}/", "{}", content_type="application/json")
    assert cache_control_of(response, 401) == NO_STORE


@pytest.mark.django_db
def test_preconditions_are_not_stored(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    alice = client_as("alice")
    detail = f"{POSTS}{alices_post.pk}/"
    stale = alice.patch(detail, "{}", content_type="application/json", headers={"If-Match": '"x"'})
    assert cache_control_of(stale, 412) == NO_STORE
    missing = alice.patch(detail, "{}", content_type="application/json")
    assert cache_control_of(missing, 428) == NO_STORE


@pytest.mark.django_db
def test_a_server_error_is_not_stored() -> None:
    response = Client(raise_request_exception=False).get("/test/boom/")
    assert cache_control_of(response, 500) == NO_STORE


@pytest.mark.django_db
def test_an_answer_the_request_alone_decides_is_revalidated(alices_post: Post) -> None:
    unacceptable = Client().get(f"{POSTS}{alices_post.pk}/", headers={"Accept": "text/csv"})
    assert cache_control_of(unacceptable, 406) == NO_CACHE
    not_allowed = Client().post("/api/problems/")
    assert cache_control_of(not_allowed, 405) == NO_CACHE


@pytest.mark.django_db
def test_a_406_without_content_is_revalidated() -> None:
    refused = "application/problem+json;q=0, application/json;q=0"
    response = Client().get(f"{POSTS}999999/", headers={"Accept": refused})
    assert response.status_code == 406
    assert response["Cache-Control"] == NO_CACHE
