"""Django's error handlers (handler400/403/404/500) over real requests: problems beyond DRF."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import problem
from tests.test_handlers import assert_leaks_nothing, unsafe_client

pytestmark = pytest.mark.django_db


def test_unknown_url_is_a_404_problem() -> None:
    response = Client().get("/test/no-such-thing/")
    assert response.status_code == 404
    body = problem(response)
    assert body["code"] == "not_found"
    assert body["instance"] == "/test/no-such-thing/"
    assert "tried" not in response.content.decode()


def test_a_plain_views_404_message_is_not_repeated() -> None:
    response = Client().get("/test/plain/missing/")
    assert response.status_code == 404
    assert problem(response)["code"] == "not_found"
    assert "/srv/app" not in response.content.decode()
    assert_leaks_nothing(response)


def test_suspicious_operation_is_a_400_problem() -> None:
    response = Client().get("/test/plain/suspicious/")
    assert response.status_code == 400
    assert problem(response)["code"] == "bad_request"
    assert_leaks_nothing(response)


def test_host_not_allowed_is_a_400_problem() -> None:
    response = Client().get("/test/perm/open/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    body = problem(response)
    assert body["code"] == "bad_request"
    assert "evil.example" not in body["type"]


def test_permission_denied_in_a_plain_view_is_a_403_problem() -> None:
    response = Client().get("/test/plain/permission-denied/")
    assert response.status_code == 403
    assert problem(response)["detail"] == "Plain views refuse too."


def test_crash_in_a_plain_view_is_a_500_problem() -> None:
    response = unsafe_client().get("/test/plain/crash/")
    assert response.status_code == 500
    assert problem(response)["code"] == "server_error"
    assert_leaks_nothing(response)
