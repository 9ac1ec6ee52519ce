"""``WWW-Authenticate`` challenges (RFC 9110 §11.6.1, RFC 6750 §3) and the credentials' header
fields an answer varies on (§12.5.5), as tables of cases and over requests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings
from rest_framework.authentication import (
    BasicAuthentication,
    RemoteUserAuthentication,
    SessionAuthentication,
    TokenAuthentication,
)
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from django_http_errors.challenges import (
    bearer_error,
    challenge_header,
    credential_headers,
    scheme_of,
    view_challenges,
)
from tests.testapp.authentication import BearerAuthentication
from tests.testapp.models import Post

BASIC = 'Basic realm="api"'
BEARER = 'Bearer realm="api"'


@pytest.mark.parametrize(
    ("value", "scheme"),
    [
        ('Basic realm="api"', "basic"),
        ("basic dXNlcjpwYXNz", "basic"),  # schemes are case-insensitive (RFC 9110 §11.1)
        ("  Bearer abc", "bearer"),
        ("Token", "token"),
        ("", ""),
    ],
)
def test_scheme_of(value: str, scheme: str) -> None:
    assert scheme_of(value) == scheme


@pytest.mark.parametrize(
    ("challenge", "error", "params", "header"),
    [
        ("Bearer", "invalid_token", {}, 'Bearer error="invalid_token"'),
        (BEARER, "invalid_token", {}, f'{BEARER}, error="invalid_token"'),
        (
            BEARER,
            "insufficient_scope",
            {"scope": "articles:write"},
            f'{BEARER}, error="insufficient_scope", scope="articles:write"',
        ),
    ],
)
def test_bearer_error(challenge: str, error: str, params: dict[str, str], header: str) -> None:
    assert bearer_error(challenge, error, **params) == header


def request_with(classes: list[Any], authorization: str | None = None) -> Request:
    """A DRF request as a view with ``classes`` builds it."""
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    return Request(
        APIRequestFactory().get("/", **headers), authenticators=[cls() for cls in classes]
    )


ALL = [SessionAuthentication, BasicAuthentication, TokenAuthentication, BearerAuthentication]


def test_view_challenges_skip_classes_without_one() -> None:
    request = request_with(ALL)
    assert view_challenges(request.authenticators, request) == [BASIC, "Token", BEARER]


@pytest.mark.parametrize(
    ("classes", "authorization", "failed", "header"),
    [
        # Anonymous: every challenge the view can answer, in its order (§11.6.1).
        (ALL, None, False, f"{BASIC}, Token, {BEARER}"),
        (ALL[::-1], None, False, f"{BEARER}, Token, {BASIC}"),
        # Bad credentials: the challenge of the scheme that failed, whatever the order.
        (ALL, "Basic Ym9iOndyb25n", True, BASIC),
        (ALL, "token abc", True, "Token"),
        (ALL, "Bearer abc", True, f'{BEARER}, error="invalid_token"'),
        # A failure in a scheme the view has no challenge for: every challenge.
        (ALL, "Digest abc", True, f"{BASIC}, Token, {BEARER}"),
        # Session only: the configured challenge, never Basic (no browser login dialog).
        ([SessionAuthentication], None, False, 'Session realm="api"'),
        ([SessionAuthentication], "Basic Ym9iOndyb25n", True, 'Session realm="api"'),
    ],
)
def test_challenge_header(
    classes: list[Any], authorization: str | None, failed: bool, header: str
) -> None:
    assert challenge_header(request_with(classes, authorization), failed=failed) == header


@override_settings(HTTP_ERRORS={"SESSION_CHALLENGE": 'Cookie realm="articles"'})
def test_session_challenge_is_configurable() -> None:
    request = request_with([SessionAuthentication])
    assert challenge_header(request, failed=False) == 'Cookie realm="articles"'


# The header fields the credentials come in: what an answer that depends on who asks varies on


class ApiKeyAuthentication(BasicAuthentication):
    """Declares the field it reads its credentials from."""

    credential_headers = ("X-API-Key",)


@pytest.mark.parametrize(
    ("classes", "headers"),
    [
        ([SessionAuthentication], ["Cookie"]),
        ([BasicAuthentication], ["Authorization"]),
        ([TokenAuthentication, BearerAuthentication], ["Authorization"]),
        (
            [SessionAuthentication, BasicAuthentication, TokenAuthentication],
            ["Cookie", "Authorization"],
        ),
        ([RemoteUserAuthentication], []),
        ([ApiKeyAuthentication, SessionAuthentication], ["X-API-Key", "Cookie"]),
        ([], []),
    ],
)
def test_credential_headers(classes: list[type[Any]], headers: list[str]) -> None:
    request = Request(APIRequestFactory().get("/"))
    assert credential_headers([c() for c in classes], request) == headers


POSTS = "/test/conditional/posts/"


def vary_of(response: Any) -> set[str]:
    """The field names of a response's Vary, as a set."""
    return {name.strip() for name in response["Vary"].split(",")}


@pytest.mark.django_db
def test_every_answer_of_a_view_with_credentials_varies_on_them(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    alice = client_as("alice")
    detail = f"{POSTS}{alices_post.pk}/"
    ok = alice.get(detail)
    not_modified = alice.get(detail, headers={"If-None-Match": ok["ETag"]})
    listed = Client().get(POSTS)
    missing = Client().get(f"{POSTS}999999/")
    refused = Client().patch(detail, "{}", content_type="application/json")
    patched = alice.patch(
        detail, "{}", content_type="application/json", headers={"If-Match": ok["ETag"]}
    )
    answers = [ok, not_modified, listed, missing, refused, patched]
    assert [r.status_code for r in answers] == [200, 304, 200, 404, 401, 200]
    for response in answers:
        assert {"Accept", "Authorization", "Cookie"} <= vary_of(response), response


@pytest.mark.django_db
def test_a_problem_outside_any_view_with_credentials_varies_on_accept_alone() -> None:
    response = Client().get("/no-such-page/")
    assert "Authorization" not in vary_of(response)
    assert "Accept" in vary_of(response)
