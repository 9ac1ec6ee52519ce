"""Content negotiation: a client that accepts only problems, and views that render no JSON."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from demo_project.articles.models import Article
from tests.conftest import problem

pytestmark = pytest.mark.django_db

PROBLEMS = "application/problem+json"


def url(article: Article) -> str:
    """The article's detail URL."""
    return f"/api/articles/{article.pk}/"


def test_a_delete_accepting_only_problems_is_204_and_deletes(
    as_user: Callable[[str], Client], article: Article
) -> None:
    etag = Client().get(url(article))["ETag"]
    response = as_user("alice").delete(url(article), headers={"Accept": PROBLEMS, "If-Match": etag})
    assert response.status_code == 204
    assert response.content == b""
    assert not Article.objects.filter(pk=article.pk).exists()


def test_an_error_accepting_only_problems_is_its_problem(article: Article) -> None:
    response = Client().get("/api/articles/999999/", headers={"Accept": PROBLEMS})
    assert problem(response)["status"] == 404
    stale = Client().patch(url(article), "{}", content_type="application/json")
    assert stale.status_code == 401


def test_a_304_accepting_only_problems_is_a_304(article: Article) -> None:
    etag = Client().get(url(article))["ETag"]
    response = Client().get(url(article), headers={"Accept": PROBLEMS, "If-None-Match": etag})
    assert response.status_code == 304


def test_a_read_with_content_accepting_only_problems_is_a_406_problem(article: Article) -> None:
    response = Client().get(url(article), headers={"Accept": PROBLEMS})
    assert problem(response)["status"] == 406
    assert "ETag" not in response
    assert "Last-Modified" not in response


def test_a_write_with_content_accepting_only_problems_keeps_its_answer_as_json(
    as_user: Callable[[str], Client], article: Article
) -> None:
    etag = Client().get(url(article))["ETag"]
    response = as_user("alice").patch(
        url(article),
        '{"body": "changed"}',
        content_type="application/json",
        headers={"Accept": PROBLEMS, "If-Match": etag},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["body"] == "changed"


@pytest.mark.parametrize("accept", [f"{PROBLEMS};q=0", "text/csv", f"{PROBLEMS};q=x"])
def test_nothing_acceptable_is_a_406_problem(article: Article, accept: str) -> None:
    response = Client().get(url(article), headers={"Accept": accept})
    assert problem(response)["status"] == 406


@pytest.mark.parametrize(
    ("method", "path", "accept", "status"),
    [
        ("get", "/api/schema/", "text/html", 406),
        ("post", "/api/schema/", "*/*", 405),
        ("post", "/api/docs/", "*/*", 405),
        ("delete", "/api/docs/", "text/html", 405),
    ],
)
def test_the_schema_and_docs_answer_their_errors_as_problems(
    method: str, path: str, accept: str, status: int
) -> None:
    response = getattr(Client(), method)(path, headers={"Accept": accept})
    assert problem(response)["status"] == status
    if status == 405:
        assert "GET" in response["Allow"]
