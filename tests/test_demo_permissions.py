"""The demo's permissions (DEMO_API.md): Session, Basic, Token in that order; drafts hidden."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from demo_project.articles.models import Article
from tests.conftest import basic, problem
from tests.test_permissions import (
    BASIC,
    TOKEN,
    assert_indistinguishable,
    comparable,
    missing_pk_like,
)

pytestmark = pytest.mark.django_db

DEMO_CHALLENGE = f"{BASIC}, {TOKEN}"


def etag_headers(client: Client, url: str) -> dict[str, str]:
    """``If-Match`` with the article's current ETag, as the client reads it."""
    return {"HTTP_IF_MATCH": client.get(url)["ETag"]}


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/api/articles/"), ("patch", "{article}"), ("delete", "{article}")],
)
@pytest.mark.parametrize(
    ("authorization", "challenge", "code"),
    [
        (None, DEMO_CHALLENGE, "not_authenticated"),
        (basic("alice", "wrong-password"), BASIC, "authentication_failed"),
        (basic("nobody", "nobody-password"), BASIC, "authentication_failed"),
        ("Token 0123456789abcdef0123456789abcdef01234567", TOKEN, "authentication_failed"),
    ],
)
def test_demo_unauthenticated_writes_are_401_with_a_challenge(
    method: str,
    path: str,
    authorization: str | None,
    challenge: str,
    code: str,
    article: Article,
) -> None:
    """Even with Session first, where plain DRF answers 403."""
    client = Client(HTTP_AUTHORIZATION=authorization) if authorization else Client()
    url = path.format(article=f"/api/articles/{article.pk}/")
    response = getattr(client, method)(url, {"title": "x"}, content_type="application/json")
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == challenge
    assert problem(response)["code"] == code


def test_demo_bob_writing_alices_article_is_403(
    as_user: Callable[[str], Client], token_of: Callable[[str], str], article: Article
) -> None:
    url = f"/api/articles/{article.pk}/"
    for bob in (as_user("bob"), Client(HTTP_AUTHORIZATION=token_of("bob"))):
        response = bob.patch(
            url, {"title": "x"}, content_type="application/json", **etag_headers(bob, url)
        )
        assert response.status_code == 403, response.content
        assert "WWW-Authenticate" not in response
        body = problem(response)
        assert body["code"] == "not_owner"
        assert body["detail"] == "Only the owner may do this."


def test_demo_owner_and_staff_may_write(as_user: Callable[[str], Client], article: Article) -> None:
    url = f"/api/articles/{article.pk}/"
    for name in ("alice", "admin"):
        client = as_user(name)
        response = client.patch(
            url, {"title": name}, content_type="application/json", **etag_headers(client, url)
        )
        assert response.status_code == 200, response.content
        assert response.json()["title"] == name


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
@pytest.mark.parametrize("who", ["bob", "anonymous"])
def test_demo_a_hidden_draft_is_indistinguishable_from_a_missing_article(
    method: str, who: str, as_user: Callable[[str], Client], draft: Article
) -> None:
    client = Client() if who == "anonymous" else as_user(who)
    send_it = getattr(client, method)
    hidden_response = send_it(
        f"/api/articles/{draft.pk}/", {"title": "x"}, content_type="application/json"
    )
    missing = send_it(
        f"/api/articles/{missing_pk_like(draft)}/", {"title": "x"}, content_type="application/json"
    )
    if who == "anonymous" and method != "get":
        # Authentication first: a write needs credentials, whether or not the article exists.
        assert hidden_response.status_code == missing.status_code == 401
        assert comparable(hidden_response) == comparable(missing)
        return
    assert_indistinguishable(hidden_response, missing)
    assert problem(hidden_response)["code"] == "not_found"


def test_demo_the_draft_is_visible_to_its_owner_and_staff(
    as_user: Callable[[str], Client], draft: Article
) -> None:
    for name in ("alice", "admin"):
        assert as_user(name).get(f"/api/articles/{draft.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("who", "sees_the_draft"),
    [("anonymous", False), ("bob", False), ("alice", True), ("admin", True)],
)
def test_demo_the_list_shows_what_the_detail_shows_and_the_draft_only_to_its_readers(
    who: str, sees_the_draft: bool, as_user: Callable[[str], Client], draft: Article
) -> None:
    client = Client() if who == "anonymous" else as_user(who)
    listed = client.get("/api/articles/")
    assert listed.status_code == 200
    shown = {item["id"] for item in listed.json()["results"]}
    assert (draft.pk in shown) is sees_the_draft
    readable = {
        pk
        for pk in Article.objects.values_list("pk", flat=True)
        if client.get(f"/api/articles/{pk}/").status_code == 200
    }
    assert shown == readable
