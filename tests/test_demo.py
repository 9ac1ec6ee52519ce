"""The demo's happy paths over real requests (DEMO_API.md), on whichever database is configured."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from demo_project.articles.models import Article
from tests.conftest import DEMO_URLS

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


@DEMO_URLS
def test_schema_is_served(db: None) -> None:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/articles/" in response.json()["paths"]


def test_seed_demo_is_idempotent(seeded: object) -> None:
    before = Article.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Article.objects.count() == before
    assert Client().login(username="alice", password="alice-password")


def test_seed_demo_keys_articles_by_fixed_ids(seeded: object) -> None:
    assert list(Article.objects.values_list("pk", "owner__username", "published")) == [
        (1, "alice", True),
        (2, "alice", False),
        (3, "bob", True),
    ]


def test_seed_demo_restores_edited_and_deleted_articles_with_a_new_version(
    seeded: dict[str, User],
) -> None:
    seeded_state = list(Article.objects.values_list("pk", "title", "body", "published", "owner"))
    edited = Article.objects.get(pk=1)
    Article.objects.filter(pk=1).update(title="Edited", version=2, owner=seeded["bob"])
    Article.objects.filter(pk=3).delete()
    alices_own = Article.objects.create(owner=seeded["alice"], title="Mine")
    call_command("seed_demo", stdout=io.StringIO())
    restored = Article.objects.exclude(pk=alices_own.pk)
    assert list(restored.values_list("pk", "title", "body", "published", "owner")) == seeded_state
    # The ETag a client holds for the edited article ("1.2") must not match the restored one.
    assert Article.objects.get(pk=1).version == 3
    assert Article.objects.get(pk=1).updated_at > edited.updated_at
    assert Article.objects.get(pk=3).version == 1
    assert Article.objects.filter(pk=alices_own.pk).exists()
    # New articles still get fresh ids (on PostgreSQL the sequence moved past the fixed ones).
    assert Article.objects.create(owner=seeded["bob"], title="New").pk > alices_own.pk


def test_root_leads_to_the_api_root() -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/api/"


@DEMO_URLS
def test_api_root_links_everything(db: None) -> None:
    response = Client().get("/api/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    links = response.json()
    assert links == {
        "articles": "http://testserver/api/articles/",
        "docs": "http://testserver/api/docs/",
        "schema": "http://testserver/api/schema/",
        "problems": "http://testserver/api/problems/",
        "health": "http://testserver/api/health/",
    }
    for url in links.values():
        assert Client().get(url.removeprefix("http://testserver")).status_code == 200, url
