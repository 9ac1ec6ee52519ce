"""Every problem ``type`` URI resolves to a page a person can read (RFC 9457 §3.1.1)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import clear_url_caches, path
from django.utils.html import escape

from django_http_errors.catalog import problem_types
from django_http_errors.exceptions import Conflict
from django_http_errors.problems import ProblemType
from tests.conftest import problem
from tests.testapp.views import RAISED, Raise

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("entry", problem_types().values(), ids=lambda p: p.code)
def test_every_catalog_type_opens_its_page(entry: ProblemType) -> None:
    response = Client().get(f"/api/problems/{entry.slug}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert f"<h1>{escape(str(entry.title))}</h1>" in page
    assert f"<code>{entry.status}</code>" in page
    assert escape(str(entry.meaning)) in page
    assert escape(str(entry.advice)) in page
    assert f"/api/problems/{entry.slug}/" in page


def test_the_type_of_a_real_problem_opens_its_page() -> None:
    body = problem(Client().get("/test/conditional/posts/999999/"))
    assert body["type"] == "/api/problems/not-found/"
    page = Client().get(urlsplit(body["type"]).path)
    assert page.status_code == 200
    assert "<h1>Not found</h1>" in page.content.decode()


#: A project's URLconf without the type pages (the one below, as a test's ``urls`` marker sets).
urlpatterns = [path("raise/<str:name>/", Raise.as_view())]


def test_a_urlconf_set_without_djangos_signal_leaves_no_type_behind(db: None) -> None:
    """pytest-django's ``urls`` marker sets ``ROOT_URLCONF`` without ``setting_changed``. A
    problem under a URLconf without the type pages is ``about:blank``; the next one, under the
    project's, has its type again. The first one's was kept for every later problem of its
    code in the process."""
    original = settings.ROOT_URLCONF
    settings.ROOT_URLCONF = __name__
    clear_url_caches()
    try:
        assert problem(Client().get("/raise/bad-gateway/"))["type"] == "about:blank"
    finally:
        settings.ROOT_URLCONF = original
        clear_url_caches()
    assert problem(Client().get("/test/raise/bad-gateway/"))["type"] == "/api/problems/bad-gateway/"


def test_precondition_failed_page_says_how_to_recover() -> None:
    page = Client().get("/api/problems/precondition-failed/").content.decode()
    for step in ("Fetch the resource again", "Reapply your change", "If-Match"):
        assert step in page


def test_catalog_lists_and_links_every_type() -> None:
    response = Client().get("/api/problems/")
    assert response.status_code == 200
    page = response.content.decode()
    for entry in problem_types().values():
        assert f'href="/api/problems/{entry.slug}/"' in page
        assert f"<code>{entry.code}</code>" in page
    in_page_order = sorted(problem_types().values(), key=lambda e: page.index(f"/{e.slug}/"))
    assert [e.status for e in in_page_order] == sorted(e.status for e in problem_types().values())


def test_an_unknown_type_is_a_404_problem() -> None:
    body = problem(Client().get("/api/problems/no-such-problem/"))
    assert body["status"] == 404


@override_settings(HTTP_ERRORS={"PROBLEM_TYPE_BASE_URL": "https://errors.example.com/types/"})
def test_page_names_the_configured_type_uri() -> None:
    page = Client().get("/api/problems/conflict/").content.decode()
    assert "https://errors.example.com/types/conflict" in page


# Your own problem type (docs/errors.md): one exception class


class OutOfStock(Conflict):
    """A project's own problem type: the class alone declares it."""

    default_detail = "This item is out of stock."
    default_code = "out_of_stock"
    title = "Out of stock"
    meaning = "The item cannot be ordered: none is left."
    advice = "Order fewer, or try again after the restock."


class SoldOut(Conflict):
    """A code of its own without a title of its own: no type, so ``about:blank``."""

    default_code = "sold_out"


def test_a_declared_problem_type_gets_its_type_title_and_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(RAISED, "out-of-stock", _raising(OutOfStock))
    body = problem(Client().get("/test/raise/out-of-stock/"))
    assert body["status"] == 409
    assert body["code"] == "out_of_stock"
    assert body["title"] == "Out of stock"
    assert body["type"] == "/api/problems/out-of-stock/"
    page = Client().get(urlsplit(body["type"]).path)
    assert page.status_code == 200
    assert "The item cannot be ordered" in page.content.decode()
    assert problem_types()["out_of_stock"] == OutOfStock.problem_type()


def test_a_code_without_a_declared_type_is_about_blank(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(RAISED, "sold-out", _raising(SoldOut))
    body = problem(Client().get("/test/raise/sold-out/"))
    assert (body["type"], body["code"], body["title"]) == ("about:blank", "sold_out", "Conflict")
    assert "sold_out" not in problem_types()


def _raising(kind: type[Exception]) -> Callable[[], None]:
    def raise_it() -> None:
        raise kind()

    return raise_it


@pytest.mark.parametrize("path", ["/api/problems/", "/api/problems/conflict/"])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_other_methods_on_a_page_are_a_405_problem_not_a_csrf_page(path: str, method: str) -> None:
    response = getattr(Client(enforce_csrf_checks=True), method)(path)
    assert problem(response)["status"] == 405
    assert response["Allow"] == "GET, HEAD"
