"""The demo's happy paths over real requests (DEMO_API.md), on whichever database is configured."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.test import Client

from demo_project.articles.models import Article

pytestmark = pytest.mark.django_db


def test_list_is_paginated_and_hides_drafts_from_anonymous(seeded: object) -> None:
    response = Client().get("/api/articles/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {a["title"] for a in body["results"]} == {"Hello from alice", "Bob's notes"}


def test_owner_sees_own_draft_in_list(as_user: Callable[[str], Client]) -> None:
    titles = {a["title"] for a in as_user("alice").get("/api/articles/").json()["results"]}
    assert "Alice's draft" in titles
    titles = {a["title"] for a in as_user("bob").get("/api/articles/").json()["results"]}
    assert "Alice's draft" not in titles


def test_create_returns_201_with_location_and_a_draft(as_user: Callable[[str], Client]) -> None:
    response = as_user("bob").post(
        "/api/articles/", {"title": "New", "body": "text"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"] == "bob"
    assert body["published"] is False
    assert body["version"] == 1
    assert response["Location"].endswith(f"/api/articles/{body['id']}/")
    assert Article.objects.get(pk=body["id"]).title == "New"


def test_retrieve_published_article(article: Article) -> None:
    response = Client().get(f"/api/articles/{article.pk}/")
    assert response.status_code == 200
    assert response.json()["title"] == "Hello from alice"


def test_token_authentication_works(token_of: Callable[[str], str], draft: Article) -> None:
    response = Client().get(f"/api/articles/{draft.pk}/", HTTP_AUTHORIZATION=token_of("alice"))
    assert response.status_code == 200


def test_health(db: None) -> None:
    response = Client().get("/api/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_schema_is_served(db: None) -> None:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/articles/" in response.json()["paths"]


def test_seed_demo_is_idempotent(seeded: object) -> None:
    before = Article.objects.count()
    call_command("seed_demo", stdout=__import__("io").StringIO())
    assert Article.objects.count() == before
    assert Client().login(username="alice", password="alice-password")
