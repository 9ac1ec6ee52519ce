"""Content negotiation: a client that accepts only problems, and views that render no JSON."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.conftest import problem
from tests.testapp.models import Post

pytestmark = pytest.mark.django_db

PROBLEMS = "application/problem+json"


POSTS = "/test/conditional/posts/"


def url(post: Post) -> str:
    """The post's detail URL."""
    return f"{POSTS}{post.pk}/"


def test_a_delete_accepting_only_problems_is_204_and_deletes(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    etag = Client().get(url(alices_post))["ETag"]
    response = client_as("alice").delete(
        url(alices_post), headers={"Accept": PROBLEMS, "If-Match": etag}
    )
    assert response.status_code == 204
    assert response.content == b""
    assert not Post.objects.filter(pk=alices_post.pk).exists()


def test_an_error_accepting_only_problems_is_its_problem(alices_post: Post) -> None:
    response = Client().get(f"{POSTS}999999/", headers={"Accept": PROBLEMS})
    assert problem(response)["status"] == 404
    stale = Client().patch(url(alices_post), "{}", content_type="application/json")
    assert stale.status_code == 401


def test_a_304_accepting_only_problems_is_a_304(alices_post: Post) -> None:
    etag = Client().get(url(alices_post))["ETag"]
    response = Client().get(url(alices_post), headers={"Accept": PROBLEMS, "If-None-Match": etag})
    assert response.status_code == 304


def test_a_read_with_content_accepting_only_problems_is_a_406_problem(alices_post: Post) -> None:
    response = Client().get(url(alices_post), headers={"Accept": PROBLEMS})
    assert problem(response)["status"] == 406
    assert "ETag" not in response
    assert "Last-Modified" not in response


def test_a_write_with_content_accepting_only_problems_keeps_its_answer_as_json(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    etag = Client().get(url(alices_post))["ETag"]
    response = client_as("alice").patch(
        url(alices_post),
        '{"body": "changed"}',
        content_type="application/json",
        headers={"Accept": PROBLEMS, "If-Match": etag},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["body"] == "changed"


@pytest.mark.parametrize("accept", ["text/csv", "application/json;q=0"])
def test_nothing_acceptable_is_a_406_problem(alices_post: Post, accept: str) -> None:
    response = Client().get(url(alices_post), headers={"Accept": accept})
    assert problem(response)["status"] == 406


# A refused media type is never sent (RFC 9110 §12.4.2)


REFUSES_PROBLEMS = f"application/json;q=1, {PROBLEMS};q=0"
REFUSES_BOTH = f"{PROBLEMS};q=0, application/json;q=0"


@pytest.mark.parametrize("path", [f"{POSTS}999999/", "/no-such-page/"])
def test_a_problem_the_client_refused_is_sent_as_json(path: str) -> None:
    response = Client().get(path, headers={"Accept": REFUSES_PROBLEMS})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == 404
    assert "Accept" in response["Vary"]


@pytest.mark.parametrize("accept", [f"{PROBLEMS};q=0", f"{PROBLEMS};q=x"])
def test_a_406_whose_problem_the_client_refused_is_json(alices_post: Post, accept: str) -> None:
    response = Client().get(url(alices_post), headers={"Accept": accept})
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_acceptable"


@pytest.mark.parametrize("path", [f"{POSTS}999999/", "/no-such-page/", POSTS])
def test_a_client_that_refused_both_gets_a_406_without_content(path: str) -> None:
    response = Client().get(path, headers={"Accept": REFUSES_BOTH})
    assert response.status_code == 406
    assert response.content == b""
    assert "Content-Type" not in response
    assert "Accept" in response["Vary"]


def test_a_success_is_never_sent_as_a_refused_type(alices_post: Post) -> None:
    response = Client().get(url(alices_post), headers={"Accept": "*/*, application/json;q=0"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_a_problem_varies_on_accept(alices_post: Post) -> None:
    for path in (f"{POSTS}999999/", "/no-such-page/"):
        response = Client().get(path)
        assert "Accept" in response["Vary"], path
