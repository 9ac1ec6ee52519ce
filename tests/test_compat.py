"""DRF's own error members beside the problem's, for clients that have not moved yet."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from rest_framework import exceptions
from rest_framework.generics import RetrieveUpdateAPIView

from django_http_errors.adoption import DRFErrorsMixin
from django_http_errors.compat import with_drf_members
from django_http_errors.schema import DRF_ERROR_COMPONENT, DRF_MEMBERS_COMPONENT
from tests.conftest import problem
from tests.test_schema import make_view, schema_of
from tests.testapp import views as testviews
from tests.testapp.adoption_views import MISSING

pytestmark = pytest.mark.django_db

BASE = "/test/adoption/"
JSON = "application/json"
INVALID = {"title": "", "count": 0}


def drf_client_body(response: Any) -> dict[str, Any]:
    """The body as a client written for DRF reads it: ``application/json``, an object."""
    assert response["Content-Type"] == JSON, response["Content-Type"]
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code
    return body


@pytest.mark.parametrize("path", ["compat/", "problems/wrapped/compat/"])
def test_detail_is_where_drf_puts_it_beside_the_problem_members(path: str) -> None:
    body = drf_client_body(Client().get(BASE + path, headers={"X-Request-ID": "r1"}))
    assert body == {
        "detail": MISSING,
        "type": "/api/problems/not-found/",
        "title": "Not found",
        "status": 404,
        "instance": BASE + path,
        "code": "not_found",
        "request_id": "r1",
    }


@pytest.mark.parametrize("path", ["compat/", "problems/wrapped/compat/"])
def test_field_messages_are_where_drf_puts_them_and_win_over_a_problem_member(path: str) -> None:
    body = drf_client_body(Client().post(BASE + path, INVALID, content_type=JSON))
    # A field named title: DRF's member, where an old client reads it.
    assert body["title"] == ["This field may not be blank."]
    assert body["count"] == ["Ensure this value is greater than or equal to 1."]
    assert (body["code"], body["type"]) == ("invalid", "/api/problems/invalid/")
    assert [e["pointer"] for e in body["errors"]] == ["#/title", "#/count"]


@override_settings(HTTP_ERRORS={"DRF_ERROR_MEMBERS": True})
def test_the_setting_keeps_them_on_every_view_but_one_that_says_otherwise() -> None:
    body = drf_client_body(Client().get(BASE + "as-it-was/"))
    assert (body["detail"], body["code"]) == (MISSING, "not_found")
    body = drf_client_body(Client().get("/test/conditional/posts/999999/"))
    assert body["detail"] == "No Post matches the given query."


def test_without_them_a_view_answers_a_problem() -> None:
    body = problem(Client().post(BASE + "problems/", INVALID, content_type=JSON))
    assert "count" not in body


@override_settings(HTTP_ERRORS={"DRF_ERROR_MEMBERS": True})
def test_content_invalid_as_a_whole_is_drfs_list(monkeypatch: pytest.MonkeyPatch) -> None:
    exc = exceptions.ValidationError(["The whole body."])
    monkeypatch.setitem(testviews.RAISED, "it", lambda: testviews._raise(exc))
    response = Client().get("/test/raise/it/")
    assert response.status_code == 400
    assert response.json() == ["The whole body."]


PROBLEM = {"status": 400, "detail": "ours"}


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (None, PROBLEM),
        (exceptions.NotFound("theirs"), {"detail": "theirs", "status": 400}),
        (exceptions.ValidationError({"status": ["Bad."]}), {"status": ["Bad."], "detail": "ours"}),
        (exceptions.ValidationError(["Bad."]), ["Bad."]),
    ],
    ids=["unexpected-error", "detail", "field-named-status", "list"],
)
def test_drfs_members_come_first_and_win(exc: Any, expected: Any) -> None:
    assert with_drf_members(dict(PROBLEM), exc) == expected


def test_the_schema_describes_drfs_body_for_a_view_that_keeps_it() -> None:
    document = schema_of(make_view(drf_error_members=True))
    responses = document["paths"]["/labels/{id}/"]["put"]["responses"]
    for code in ("400", "404", "500"):
        assert list(responses[code]["content"]) == [JSON], code
        schema = responses[code]["content"][JSON]["schema"]
        assert schema == {"$ref": f"#/components/schemas/{DRF_MEMBERS_COMPONENT}"}
    assert "Problem" not in document["components"]["schemas"]


def test_the_schema_describes_drfs_own_body_for_a_view_that_opts_out() -> None:
    document = schema_of(make_view(type("Opted", (DRFErrorsMixin, RetrieveUpdateAPIView), {})))
    responses = document["paths"]["/labels/{id}/"]["put"]["responses"]
    for code in ("400", "404"):
        assert list(responses[code]["content"]) == [JSON], code
        schema = responses[code]["content"][JSON]["schema"]
        assert schema == {"$ref": f"#/components/schemas/{DRF_ERROR_COMPONENT}"}
    assert "Problem" not in document["components"]["schemas"]
