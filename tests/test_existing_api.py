"""An API that already has clients adopts problems one view at a time (tests/existing_api/).

Under one settings module, with the project's own exception handler kept: the migrated views
answer problems that keep what the handler adds; the others keep their old bodies and handler;
a client written for DRF's bodies keeps working against a migrated view with DRF's members kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client, override_settings

from tests.conftest import problem
from tests.existing_api import settings as existing_api
from tests.existing_api.handlers import HANDLED_BY
from tests.testapp.models import Label

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture(autouse=True)
def existing_api_settings() -> Iterator[None]:
    """The existing API's settings module, over the suite's."""
    overrides = {name: value for name, value in vars(existing_api).items() if name.isupper()}
    with override_settings(**overrides):
        yield


def logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the project's handler logged."""
    return [r.getMessage() for r in caplog.records if r.name == "existing_api.errors"]


# The migrated views: problems, with what the project's handler adds


def test_the_migrated_viewset_answers_problems_keeping_the_handlers_additions(
    client_as: Callable[[str], Client], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="existing_api.errors"):
        response = client_as("alice").post("/api/labels/", {"name": ""}, content_type=JSON)
    body = problem(response)
    assert (body["status"], body["code"]) == (400, "invalid")
    assert body["errors"] == [
        {"pointer": "#/name", "detail": "This field may not be blank.", "code": "blank"}
    ]
    assert body["error_code"] == "E400"
    assert response[HANDLED_BY] == "existing-api"
    assert logged(caplog) == ["400 in LabelViewSet: ValidationError"]


def test_the_migrated_viewset_answers_401_where_the_old_one_answers_403(users: Any) -> None:
    response = Client().post("/api/labels/", {"name": "x"}, content_type=JSON)
    assert response.status_code == 401
    assert response["WWW-Authenticate"]
    assert problem(response)["code"] == "not_authenticated"
    old = Client().post("/api/legacy-labels/", {"name": "x"}, content_type=JSON)
    assert old.status_code == 403


def test_the_migrated_function_view_answers_problems() -> None:
    response = Client().get("/api/label-count/?of=colours")
    body = problem(response)
    assert (body["code"], body["detail"]) == ("not_found", "No such label group.")
    assert body["type"] == "/api/problems/not-found/"
    assert body["error_code"] == "E404"


# The views not migrated: their old bodies, from the project's handler


def test_the_other_viewset_keeps_its_bodies(client_as: Callable[[str], Client]) -> None:
    response = client_as("alice").post("/api/legacy-labels/", {"name": ""}, content_type=JSON)
    assert response.status_code == 400
    assert response["Content-Type"] == JSON
    assert response.json() == {"name": ["This field may not be blank."], "error_code": "E400"}
    assert response[HANDLED_BY] == "existing-api"


def test_the_apiview_keeps_its_bodies(users: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="existing_api.errors"):
        response = Client().get("/api/report/")
    assert response.status_code == 403
    assert response["Content-Type"] == JSON
    assert response.json() == {"detail": "Reports are for staff.", "error_code": "E403"}
    assert logged(caplog) == ["403 in Report: PermissionDenied"]


# A client written for DRF's bodies, as the mobile apps in the field parse them


class FieldErrors(Exception):
    """The app's own error: the messages of each field."""


class OldClient:
    """How an app written for DRF reads this API: JSON, ``{"field": [...]}``, ``{"detail"}``."""

    def __init__(self, http: Client, path: str) -> None:
        self.http, self.path = http, path

    def create(self, name: str) -> int:
        """The new label's id, or ``FieldErrors`` with DRF's messages by field."""
        response = self.http.post(self.path, {"name": name}, content_type=JSON)
        assert response["Content-Type"] == JSON
        body = response.json()
        if response.status_code == 400:
            raise FieldErrors({field: body[field] for field in ("name",) if field in body})
        assert response.status_code == 201
        return int(body["id"])

    def missing_message(self, pk: int) -> str:
        """What the app shows for a label that is gone: DRF's ``detail``."""
        response = self.http.get(f"{self.path}{pk}/")
        assert response.status_code == 404
        assert response["Content-Type"] == JSON
        return str(response.json()["detail"])


def old_client_scenario(client: OldClient) -> None:
    """The app's own test, unchanged since the API was plain DRF."""
    pk = client.create("urgent")
    with pytest.raises(FieldErrors) as invalid:
        client.create("")
    assert invalid.value.args[0] == {"name": ["This field may not be blank."]}
    Label.objects.filter(pk=pk).delete()
    assert client.missing_message(pk) == "No Label matches the given query."


@pytest.mark.parametrize(
    ("path", "compat"),
    [("/api/legacy-labels/", False), ("/api/labels/", True)],
    ids=["not-migrated", "migrated-with-drf-members"],
)
def test_an_old_client_keeps_working(
    client_as: Callable[[str], Client], path: str, compat: bool
) -> None:
    with override_settings(HTTP_ERRORS={"DRF_ERROR_MEMBERS": compat}):
        old_client_scenario(OldClient(client_as("alice"), path))


def test_without_drfs_members_the_migration_breaks_the_old_client(
    client_as: Callable[[str], Client],
) -> None:
    with pytest.raises(AssertionError):
        old_client_scenario(OldClient(client_as("alice"), "/api/labels/"))
