"""``WWW-Authenticate`` challenges (RFC 9110 §11.6.1, RFC 6750 §3), as tables of cases."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from rest_framework.authentication import (
    BasicAuthentication,
    SessionAuthentication,
    TokenAuthentication,
)
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from django_http_errors.challenges import (
    bearer_error,
    challenge_header,
    scheme_of,
    view_challenges,
)
from tests.testapp.authentication import BearerAuthentication

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
