"""to_problem: any handler's answer as a problem, its status, headers and own members kept."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import exception_handler as drfs_handler

from django_http_errors.compose import to_problem

pytestmark = pytest.mark.django_db


def context() -> dict[str, Any]:
    """What DRF passes a handler: the request (here without a view)."""
    return {"request": Request(APIRequestFactory().get("/things/1/")), "view": None}


def answer(exc: Exception, **members: Any) -> Response | None:
    """DRF's handler's answer, with ``members`` added as a project's handler adds them."""
    response = drfs_handler(exc, context())
    assert response is not None
    response.data.update(members)
    return response


def test_a_handlers_answer_becomes_the_libraries_problem_with_its_members() -> None:
    exc = exceptions.NotFound("No such thing.")
    response = answer(exc, error_code="E404", request_id="theirs", status="not the status")
    response["X-Error-Handler"] = "project"
    result = to_problem(exc, response, context())
    assert result is not None
    assert result.status_code == 404
    assert result.content_type == "application/problem+json"
    assert result.data == {
        "type": "/api/problems/not-found/",
        "title": "Not found",
        "status": 404,
        "detail": "No such thing.",
        "instance": "/things/1/",
        "code": "not_found",
        # The handler's own members, but none that names a problem member.
        "error_code": "E404",
        "request_id": "theirs",
    }
    assert result["X-Error-Handler"] == "project"


def test_a_status_the_handler_chose_is_kept_and_its_type_is_about_blank() -> None:
    exc = exceptions.NotFound("Gone for good.")
    response = Response({"detail": "It was deleted."}, status=410)
    result = to_problem(exc, response, context())
    assert result is not None
    assert result.status_code == result.data["status"] == 410
    assert (result.data["type"], result.data["title"]) == ("about:blank", "Gone")
    assert (result.data["detail"], result.data["code"]) == ("It was deleted.", "not_found")


def test_a_validation_error_under_another_status_keeps_its_errors() -> None:
    exc = exceptions.ValidationError({"title": ["This field is required."]})
    response = Response(exc.detail, status=422)
    result = to_problem(exc, response, context())
    assert result is not None
    assert result.status_code == 422
    assert result.data["errors"] == [
        {"pointer": "#/title", "detail": "This field is required.", "code": "invalid"}
    ]
    # The field named title is DRF's member, not an addition of the handler's.
    assert (result.data["type"], result.data["title"]) == ("about:blank", "Unprocessable Content")


def test_the_403_drf_forces_on_an_unauthenticated_request_is_a_401() -> None:
    exc = exceptions.NotAuthenticated()
    exc.status_code = 403  # what APIView.handle_exception does without a challenge
    result = to_problem(exc, answer(exc), context())
    assert result is not None
    assert result.status_code == 401
    assert result["WWW-Authenticate"]


def test_the_problems_own_headers_are_its_own_and_the_others_are_kept() -> None:
    exc = exceptions.Throttled(wait=7)
    response = answer(exc)
    response["Retry-After"] = "99"
    response["Content-Type"] = "text/plain"
    response["X-RateLimit-Limit"] = "10"
    result = to_problem(exc, response, context())
    assert result is not None
    assert (result["Retry-After"], result["X-RateLimit-Limit"]) == ("7", "10")
    assert result.content_type == "application/problem+json"


def test_an_exception_the_handler_left_is_the_libraries_500() -> None:
    exc = RuntimeError("secret")
    result = to_problem(exc, drfs_handler(exc, context()), context())
    assert result is not None
    assert result.status_code == 500
    assert result.data["code"] == "server_error"
    assert "secret" not in str(result.data)


def test_an_exception_the_handler_answered_keeps_its_answer() -> None:
    exc = KeyError("thing")
    response = Response({"detail": "No thing.", "error_code": "E400"}, status=400)
    result = to_problem(exc, response, context())
    assert result is not None
    assert result.status_code == 400
    assert (result.data["detail"], result.data["code"]) == ("No thing.", "error")
    assert result.data["error_code"] == "E400"


def test_a_list_body_has_no_members_of_its_own() -> None:
    exc = exceptions.ValidationError(["Whole body."])
    result = to_problem(exc, Response(["Whole body."], status=400), context())
    assert result is not None
    assert result.data["errors"] == [{"pointer": "#", "detail": "Whole body.", "code": "invalid"}]


def test_a_member_added_to_a_validation_errors_body_is_the_handlers_not_a_field() -> None:
    # DRF's handler answers with the exception's own detail: adding to the answer adds to it.
    exc = exceptions.ValidationError({"title": ["This field is required."]})
    response = answer(exc, error_code="E400")
    assert "error_code" in exc.detail
    result = to_problem(exc, response, context())
    assert result is not None
    assert [e["pointer"] for e in result.data["errors"]] == ["#/title"]
    assert result.data["error_code"] == "E400"
