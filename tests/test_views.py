"""Django's error handlers (handler400/403/404/500) over real requests: problems beyond DRF."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

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


# Sites that serve HTML too: the site's pages for browsers, problems for API clients


def varies(response: Any) -> list[str]:
    """The request headers ``Vary`` names."""
    return [name.strip() for name in response.get("Vary", "").split(",")]


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
#: A project's own error pages, as its templates directory holds them.
OWN_PAGES = override_settings(
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "403.html": "<h1>Our site: not for you</h1>",
                            "404.html": "<h1>Our site: nothing here</h1>",
                            "500.html": "<h1>Our site: broken</h1>",
                        },
                    )
                ]
            },
        }
    ]
)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/test/no-such-thing/", 404),
        ("/test/plain/permission-denied/", 403),
        ("/test/plain/suspicious/", 400),
        ("/test/plain/crash/", 500),
    ],
)
def test_a_browser_gets_djangos_page_and_an_api_client_a_problem(path: str, status: int) -> None:
    page = unsafe_client().get(path, headers={"Accept": BROWSER})
    assert page.status_code == status
    assert page["Content-Type"].startswith("text/html")
    assert "Accept" in varies(page)
    # A problem, as the type the client accepts (application/json where problem+json is not).
    for accept, media_type in (
        ("application/json", "application/json"),
        ("*/*", "application/problem+json"),
        ("text/html;q=0.5, application/json", "application/json"),
    ):
        response = unsafe_client().get(path, headers={"Accept": accept})
        assert response["Content-Type"] == media_type, accept
        assert response.json()["status"] == status, accept
        assert "Accept" in varies(response)


@OWN_PAGES
@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/test/no-such-thing/", 404, "nothing here"),
        ("/test/plain/permission-denied/", 403, "not for you"),
        ("/test/plain/crash/", 500, "broken"),
    ],
)
def test_a_browser_gets_the_projects_own_templates(path: str, status: int, text: str) -> None:
    page = unsafe_client().get(path, headers={"Accept": BROWSER})
    assert page.status_code == status
    assert page.content.decode() == f"<h1>Our site: {text}</h1>"


@OWN_PAGES
@override_settings(HTTP_ERRORS={"PROBLEM_PATHS": ["/test/plain/"]})
def test_outside_the_problem_paths_every_client_gets_the_sites_page() -> None:
    page = Client().get("/test/no-such-thing/", headers={"Accept": "application/json"})
    assert page.status_code == 404
    assert page.content.decode() == "<h1>Our site: nothing here</h1>"
    assert "Accept" not in varies(page)
    response = Client().get("/test/plain/missing/", headers={"Accept": "*/*"})
    assert problem(response)["code"] == "not_found"
    browser = Client().get("/test/plain/missing/", headers={"Accept": BROWSER})
    assert browser.content.decode() == "<h1>Our site: nothing here</h1>"
