"""The demo speaks English and German, and every answer says truly which.

For each ``Accept-Language``, each problem's ``Content-Language`` names the language of every
string of its body (``title``, ``detail``, each error's ``detail``), and a problem type page's
``lang`` and ``Content-Language`` the language of all its text. A string is taken to be German
when it differs from the same answer's string in English: what the library fails to translate
stays English, which is exactly what a mixed body looks like.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from demo_project.articles.models import Article
from django_http_errors import permissions
from django_http_errors.exceptions import declared_problem_types
from tests.conftest import basic, problem

pytestmark = pytest.mark.django_db

#: Accept-Language, and the language the demo answers in: it speaks en and de only.
LANGUAGES = [
    ("fr", "en"),
    ("de", "de"),
    ("de-CH", "de"),
    ("fr-CH, de;q=0.5", "de"),
    ("*", "en"),
]

ALICE = basic("alice", "alice-password")


def ask(status: int, article: Article, draft: Article, language: str) -> Any:
    """A request the demo answers with ``status``, in ``language``."""
    headers = {"Accept-Language": language}
    anonymous, alice = Client(headers=headers), Client(headers={**headers, "Authorization": ALICE})
    detail = f"/api/articles/{article.pk}/"
    send: dict[int, Callable[[], Any]] = {
        401: lambda: anonymous.post("/api/articles/", {"title": "x"}, "application/json"),
        404: lambda: anonymous.get(f"/api/articles/{draft.pk}/"),
        400: lambda: alice.post("/api/articles/", {"title": "", "body": []}, "application/json"),
        412: lambda: alice.patch(detail, {}, "application/json", headers={"If-Match": '"x"'}),
        428: lambda: alice.patch(detail, {}, "application/json"),
    }
    return send[status]()


def strings_of(body: dict[str, Any]) -> list[str]:
    """The strings of a problem meant for people: its title, detail and errors' details."""
    return [body["title"], body["detail"], *(e["detail"] for e in body.get("errors", []))]


@pytest.mark.parametrize(("accept_language", "language"), LANGUAGES)
@pytest.mark.parametrize("status", [401, 404, 400, 412, 428])
def test_a_problem_is_in_the_language_it_names(
    article: Article, draft: Article, status: int, accept_language: str, language: str
) -> None:
    response = ask(status, article, draft, accept_language)
    english = strings_of(problem(ask(status, article, draft, "en")))
    strings = strings_of(problem(response))
    assert problem(response)["status"] == status
    assert response["Content-Language"] == language
    if language == "en":
        assert strings == english
    else:
        untranslated = [s for s, e in zip(strings, english, strict=True) if s == e]
        assert untranslated == [], untranslated


class PageText(HTMLParser):
    """A page's ``lang`` and its text for people: outside ``code`` and ``pre``."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.lang: str | None = None
        self.texts: list[str] = []
        self._verbatim = 0
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag in ("code", "pre", "style"):
            self._verbatim += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("code", "pre", "style"):
            self._verbatim -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        # Words, beside citations of RFCs, which read alike in every language.
        if not self._verbatim and re.search(r"[^\W\d]{2}", re.sub(r"RFC \d+", "", text)):
            self.texts.append(text)


#: Words that German writes as English does.
SAME_IN_GERMAN = {"Status", "Code", "HTTP", "Problem"}


def declared_by_tests() -> set[str]:
    """The words of problem types that other test files declare, in English only, which the
    catalog lists beside the demo's once those files are imported."""
    return {
        str(text)
        for cls in [
            *declared_problem_types().values(),
            *permissions.declared_problem_types().values(),
        ]
        if cls.__module__.startswith("tests.")
        for text in (cls.title, cls.meaning)
    }


@pytest.mark.parametrize(("accept_language", "language"), LANGUAGES)
@pytest.mark.parametrize("page", ["not-found/", "precondition-failed/", ""])
def test_a_problem_page_is_in_the_language_it_names(
    page: str, accept_language: str, language: str
) -> None:
    url = f"/api/problems/{page}"
    response = Client().get(url, headers={"Accept-Language": accept_language})
    english = PageText(Client().get(url, headers={"Accept-Language": "en"}).content.decode())
    text = PageText(response.content.decode())
    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert text.lang == language
    if language == "en":
        assert text.texts == english.texts
    else:
        untranslated = set(text.texts) & set(english.texts) - SAME_IN_GERMAN - declared_by_tests()
        assert untranslated == set(), untranslated
