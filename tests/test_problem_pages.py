"""Every problem ``type`` URI resolves to a page a person can read (RFC 9457 §3.1.1)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client, override_settings
from django.utils.html import escape

from django_http_errors.problems import CATALOG, ProblemType
from tests.conftest import problem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("entry", CATALOG.values(), ids=lambda p: p.code)
def test_every_catalog_type_opens_its_page(entry: ProblemType) -> None:
    response = Client().get(f"/api/problems/{entry.slug}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert f"<h1>{escape(str(entry.title))}</h1>" in page
    assert f"<code>{entry.status}</code>" in page
    assert escape(str(entry.meaning)) in page
    assert escape(str(entry.advice)) in page
    assert f"http://testserver/api/problems/{entry.slug}/" in page


def test_the_type_of_a_real_problem_opens_its_page() -> None:
    body = problem(Client().get("/api/articles/999999/"))
    assert body["type"] == "http://testserver/api/problems/not-found/"
    page = Client().get(urlsplit(body["type"]).path)
    assert page.status_code == 200
    assert "<h1>Not found</h1>" in page.content.decode()


def test_precondition_failed_page_says_how_to_recover() -> None:
    page = Client().get("/api/problems/precondition-failed/").content.decode()
    for step in ("Fetch the resource again", "Reapply your change", "If-Match"):
        assert step in page


def test_catalog_lists_and_links_every_type() -> None:
    response = Client().get("/api/problems/")
    assert response.status_code == 200
    page = response.content.decode()
    for entry in CATALOG.values():
        assert f'href="/api/problems/{entry.slug}/"' in page
        assert f"<code>{entry.code}</code>" in page
    in_page_order = sorted(CATALOG.values(), key=lambda e: page.index(f"/{e.slug}/"))
    assert [e.status for e in in_page_order] == sorted(e.status for e in CATALOG.values())


def test_an_unknown_type_is_a_404_problem() -> None:
    body = problem(Client().get("/api/problems/no-such-problem/"))
    assert body["status"] == 404


@override_settings(HTTP_ERRORS={"PROBLEM_TYPE_BASE_URL": "https://errors.example.com/types/"})
def test_page_names_the_configured_type_uri() -> None:
    page = Client().get("/api/problems/conflict/").content.decode()
    assert "https://errors.example.com/types/conflict" in page
