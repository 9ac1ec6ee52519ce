"""Lines of the demo's contract (DEMO_API.md) that an audit over real HTTP found wrong or
unchecked, checked here over real requests on whichever database is configured."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from demo_project.articles.models import Article
from tests.conftest import basic, problem

pytestmark = pytest.mark.django_db

ARTICLES = "/api/articles/"
# Differ from request to request by design; everything else must not tell hidden from missing.
VOLATILE_HEADERS = {"X-Request-ID", "Date", "Content-Length"}
VOLATILE_MEMBERS = {"instance", "request_id"}


# 405 with Allow: a method the URL never allows, whoever asks (RFC 9110 §15.5.6)


@pytest.mark.parametrize(
    "authorization",
    [None, basic("alice", "wrong"), "Token unknown"],
    ids=["anonymous", "wrong-password", "unknown-token"],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", ARTICLES),
        ("PUT", ARTICLES),
        ("PATCH", ARTICLES),
        ("GET", "{pk}/publish/"),
        ("PROPFIND", "{pk}/"),  # a method no view routes
    ],
)
def test_an_unsupported_method_is_405_with_allow_before_authentication(
    article: Article, authorization: str | None, method: str, path: str
) -> None:
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    target = path if path.startswith("/") else f"{ARTICLES}{path.format(pk=article.pk)}"
    response = Client().generic(method, target, **headers)
    assert response.status_code == 405, response.content
    assert "WWW-Authenticate" not in response
    assert method not in {m.strip() for m in response["Allow"].split(",")}
    assert problem(response)["code"] == "method_not_allowed"


def test_a_supported_write_without_credentials_is_still_401(article: Article) -> None:
    response = Client().delete(f"{ARTICLES}{article.pk}/", HTTP_IF_MATCH='"1.1"')
    assert response.status_code == 401
    assert response["WWW-Authenticate"]


# 404: a hidden draft is indistinguishable from a missing article


def _comparable(response: Any) -> tuple[int, dict[str, str], Any]:
    headers = {k: v for k, v in response.headers.items() if k not in VOLATILE_HEADERS}
    body = None
    if response.content:
        body = {k: v for k, v in response.json().items() if k not in VOLATILE_MEMBERS}
    return response.status_code, headers, body


# An anonymous write is 401 before any lookup (authentication comes first): reads only.
@pytest.mark.django_db(transaction=True)  # publish commits its own transaction
@pytest.mark.parametrize(
    ("who", "method"),
    [
        *((None, method) for method in ("GET", "HEAD")),
        *(("bob", method) for method in ("GET", "HEAD", "PATCH", "DELETE", "POST publish")),
    ],
)
def test_a_hidden_draft_answers_exactly_as_a_missing_article(
    as_user: Callable[[str], Client], draft: Article, who: str | None, method: str
) -> None:
    client = Client() if who is None else as_user(who)
    missing = Article.objects.order_by("-pk").first()
    assert missing is not None
    missing_pk = missing.pk + 1000
    answers = []
    for pk in (draft.pk, missing_pk):
        verb, _, action = method.partition(" ")
        path = f"{ARTICLES}{pk}/{action + '/' if action else ''}"
        response = client.generic(
            verb, path, '{"title": "x"}', "application/json", HTTP_IF_MATCH=f'"{pk}.1"'
        )
        assert response.status_code == 404, response.content
        answers.append(_comparable(response))
    assert answers[0] == answers[1]


# seed_demo: idempotent, and prints every user's token


def test_seed_demo_prints_each_token_and_changes_nothing_the_second_time(db: None) -> None:
    first, second = io.StringIO(), io.StringIO()
    call_command("seed_demo", stdout=first)
    state = sorted(Article.objects.values_list("pk", "title", "version", "published"))
    tokens = dict(Token.objects.values_list("user__username", "key"))
    call_command("seed_demo", stdout=second)
    assert sorted(Article.objects.values_list("pk", "title", "version", "published")) == state
    assert dict(Token.objects.values_list("user__username", "key")) == tokens
    assert set(tokens) == {"alice", "bob", "admin"}
    for username, key in tokens.items():
        line = next(line for line in first.getvalue().splitlines() if line.startswith(username))
        assert key in line
    assert first.getvalue() == second.getvalue()
