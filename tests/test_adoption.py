"""One view at a time: problems on one view under another EXCEPTION_HANDLER, DRF's bodies on one
view under ours, over real requests."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from rest_framework.decorators import api_view
from rest_framework.views import APIView

from django_http_errors.adoption import (
    DRFErrorsMixin,
    ProblemDetailsMixin,
    drf_errors,
    problem_details,
)
from tests.conftest import problem
from tests.testapp.adoption_views import ERROR_HEADER, MISSING

pytestmark = pytest.mark.django_db

BASE = "/test/adoption/"
JSON = "application/json"
DRF_DEFAULTS = {
    # The suite's: drf-spectacular's extend_schema reads it once, as the decorated views are
    # imported, and the first request of a test may import them.
    "DEFAULT_SCHEMA_CLASS": "django_http_errors.schema.ProblemAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
}
#: A project on DRF's defaults: DRF's handler and negotiation.
PLAIN_DRF = override_settings(REST_FRAMEWORK=DRF_DEFAULTS)
#: A project with a handler of its own.
PROJECT_HANDLER = override_settings(
    REST_FRAMEWORK={
        **DRF_DEFAULTS,
        "EXCEPTION_HANDLER": "tests.testapp.adoption_views.project_handler",
    }
)


def drf_body(response: Any) -> Any:
    """DRF's own error body, after checking it is one."""
    assert response["Content-Type"] == JSON, response["Content-Type"]
    return response.json()


# A view answers problems while EXCEPTION_HANDLER stays DRF's


@PLAIN_DRF
@pytest.mark.parametrize("path", ["problems/", "problems/function/", "problems/wrapped/"])
def test_a_view_that_opts_in_answers_problems_under_drfs_handler(path: str) -> None:
    response = Client().get(BASE + path)
    assert response.status_code == 404
    body = problem(response)
    assert (body["code"], body["detail"]) == ("not_found", MISSING)
    assert body["type"] == "/api/problems/not-found/"


@PLAIN_DRF
@pytest.mark.parametrize("path", ["as-it-was/", "as-it-was/function/"])
def test_the_others_keep_drfs_bodies(path: str) -> None:
    response = Client().get(BASE + path)
    assert response.status_code == 404
    assert drf_body(response) == {"detail": MISSING}


@PLAIN_DRF
@pytest.mark.parametrize("path", ["problems/", "problems/function/"])
def test_an_opted_in_views_validation_errors_point_at_the_fields(path: str) -> None:
    response = Client().post(BASE + path, {"title": "", "count": 0}, content_type=JSON)
    assert response.status_code == 400
    assert [e["pointer"] for e in problem(response)["errors"]] == ["#/title", "#/count"]


@PLAIN_DRF
def test_an_opted_in_view_answers_401_where_drf_answers_403() -> None:
    drfs = Client().get(BASE + "as-it-was/secure/")
    assert drfs.status_code == 403
    response = Client().get(BASE + "problems/secure/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"]
    assert problem(response)["code"] == "not_authenticated"


# A view keeps DRF's bodies while EXCEPTION_HANDLER is ours (the suite's settings)


@pytest.mark.parametrize("path", ["drf/", "drf/function/"])
def test_a_view_that_opts_out_keeps_drfs_bodies_under_our_handler(path: str) -> None:
    response = Client().get(BASE + path)
    assert response.status_code == 404
    assert drf_body(response) == {"detail": MISSING}
    invalid = Client().post(BASE + path, {"title": "", "count": 0}, content_type=JSON)
    assert drf_body(invalid) == {
        "title": ["This field may not be blank."],
        "count": ["Ensure this value is greater than or equal to 1."],
    }


def test_an_opted_in_view_under_our_handler_answers_as_every_other() -> None:
    assert problem(Client().get(BASE + "problems/"))["code"] == "not_found"
    assert problem(Client().get(BASE + "as-it-was/"))["code"] == "not_found"


class OldHandlerThings(DRFErrorsMixin, APIView):
    """Opts out to a project's old handler rather than DRF's."""

    drf_exception_handler = staticmethod(lambda exc, context: None)


def test_an_opted_out_view_may_name_the_projects_old_handler() -> None:
    view = OldHandlerThings()
    assert view.get_exception_handler()(Exception(), {}) is None


# Beside a project's own handler


@PROJECT_HANDLER
def test_an_opted_in_view_keeps_what_the_projects_handler_adds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="tests.project_handler"):
        response = Client().get(BASE + "problems/")
    body = problem(response)
    assert (body["code"], body["detail"]) == ("not_found", MISSING)
    assert body["error_code"] == "E404"
    assert body["request_id"] == "project-id"
    assert response[ERROR_HEADER] == "project"
    handled = [r.getMessage() for r in caplog.records if r.name == "tests.project_handler"]
    assert handled == ["handled NotFound"]


@PROJECT_HANDLER
def test_the_others_keep_the_projects_handler_and_bodies() -> None:
    response = Client().get(BASE + "as-it-was/")
    assert drf_body(response) == {
        "detail": MISSING,
        "error_code": "E404",
        "request_id": "project-id",
    }
    assert response[ERROR_HEADER] == "project"


# Refused loudly


def test_a_mixin_after_drfs_view_is_refused() -> None:
    for mixin in (ProblemDetailsMixin, DRFErrorsMixin):
        with pytest.raises(ImproperlyConfigured, match="Put it first"):
            type("Wrong", (APIView, mixin), {})


def test_the_decorators_need_a_drf_view_function() -> None:
    def plain(request: Any) -> None: ...

    for decorator in (problem_details, drf_errors):
        with pytest.raises(TypeError, match="above @api_view"):
            decorator(plain)
        # Below @api_view it sees a plain function too: refused, not silently ignored.
        with pytest.raises(TypeError):
            api_view(["GET"])(decorator(plain))
