"""The language of a problem: the request's where the library speaks it, else English, named
in ``Content-Language`` (RFC 9110 §8.5)."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from rest_framework.exceptions import APIException

from django_http_errors.languages import (
    localized_reason_phrase,
    speaks,
    translated_message,
)
from tests.conftest import problem
from tests.testapp import views as testviews

pytestmark = pytest.mark.django_db

#: A project that lists a language the library has no catalog for (check W013).
WITH_FRENCH = [("en", "English"), ("de", "German"), ("fr", "French")]


@pytest.mark.parametrize(
    ("language", "spoken"),
    [("en", True), ("en-gb", True), ("de", True), ("de-ch", True), ("fr", False), ("ja", False)],
)
def test_speaks(language: str, spoken: bool) -> None:
    assert speaks(language) is spoken


def test_reason_phrases_are_translated() -> None:
    with override("de"):
        assert str(localized_reason_phrase(404)) == "Nicht gefunden"
        assert str(localized_reason_phrase(428)) == "Vorbedingung erforderlich"
    assert str(localized_reason_phrase(404)) == "Not Found"


def test_djangos_untranslated_404_message_is_translated() -> None:
    with override("de"):
        german = translated_message("No Post matches the given query.")
    assert german == "Keine Ressource vom Typ Post entspricht der Anfrage."
    assert translated_message("No Post matches the given query.") == (
        "No Post matches the given query."
    )
    assert translated_message("Labels are read-only.") == "Labels are read-only."


def test_a_german_404_says_so_in_every_string() -> None:
    response = Client().get("/test/conditional/posts/999999/", headers={"Accept-Language": "de"})
    body = problem(response)
    assert response["Content-Language"] == "de"
    assert (body["title"], body["detail"]) == (
        "Nicht gefunden",
        "Keine Ressource vom Typ Post entspricht der Anfrage.",
    )


def test_an_about_blank_title_is_the_translated_reason_phrase(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(testviews.RAISED, "bare", lambda: testviews._raise(APIException()))
    response = Client(raise_request_exception=False).get(
        "/test/raise/bare/", headers={"Accept-Language": "de"}
    )
    body = problem(response)
    assert body["type"] == "about:blank"
    assert body["title"] == "Interner Serverfehler"
    assert response["Content-Language"] == "de"


@override_settings(LANGUAGES=WITH_FRENCH)
def test_a_language_the_library_does_not_speak_is_answered_in_english() -> None:
    response = Client().post(
        "/test/conditional/posts/", {}, "application/json", headers={"Accept-Language": "fr"}
    )
    body = problem(response)
    assert response["Content-Language"] == "en"
    # DRF's own default message, which it gave in French, is given again in English.
    assert (body["title"], body["detail"]) == (
        "Authentication required",
        "Authentication credentials were not provided.",
    )


@override_settings(LANGUAGES=WITH_FRENCH)
def test_a_page_in_a_language_the_library_does_not_speak_is_english() -> None:
    response = Client().get("/api/problems/not-found/", headers={"Accept-Language": "fr"})
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()
    assert "<h2>What it means</h2>" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("middleware", "vary_names_cookie"),
    [
        ("django.middleware.locale.LocaleMiddleware", False),
        ("django_http_errors.languages.LocaleMiddleware", True),
    ],
)
def test_the_librarys_locale_middleware_names_the_cookie_that_chose_the_language(
    middleware: str, vary_names_cookie: bool
) -> None:
    """A page outside DRF's views (which name Cookie for their sessions): Django's says only
    Accept-Language, though its language cookie chose German."""
    from django.conf import settings

    swapped = [middleware if m.endswith(".LocaleMiddleware") else m for m in settings.MIDDLEWARE]
    with override_settings(MIDDLEWARE=swapped):
        client = Client(headers={"Accept-Language": "en"})
        client.cookies["django_language"] = "de"
        response = client.get("/api/problems/not-found/")
    assert response["Content-Language"] == "de"
    vary = {name.strip().lower() for name in response["Vary"].split(",")}
    assert "accept-language" in vary
    assert ("cookie" in vary) is vary_names_cookie


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "djangos", "ours"),
    [
        ("de;q=0", "de", "en"),
        ("DE;Q=0", "de", "en"),
        ("de;q=0.0, fr", "de", "en"),
        ("fr, de;q=0.5", "de", "de"),
        ("de", "de", "de"),
    ],
)
def test_the_librarys_locale_middleware_chooses_no_language_the_client_refused(
    accept_language: str, djangos: str, ours: str
) -> None:
    """A weight of 0 means "not acceptable"; Django's middleware reads ``de;q=0`` as German."""
    from django.conf import settings

    for middleware, expected in (
        ("django.middleware.locale.LocaleMiddleware", djangos),
        ("django_http_errors.languages.LocaleMiddleware", ours),
    ):
        swapped = [
            middleware if m.endswith(".LocaleMiddleware") else m for m in settings.MIDDLEWARE
        ]
        with override_settings(MIDDLEWARE=swapped):
            response = Client(headers={"Accept-Language": accept_language}).get(
                "/api/problems/not-found/"
            )
        assert response["Content-Language"] == expected, middleware


def _swapped(middleware: str) -> list[str]:
    from django.conf import settings

    return [middleware if m.endswith(".LocaleMiddleware") else m for m in settings.MIDDLEWARE]


def _answer(middleware: str, path: str, accept_language: str | None, cookie: str | None) -> Any:
    with override_settings(MIDDLEWARE=_swapped(middleware)):
        client = Client(headers={"Accept-Language": accept_language} if accept_language else {})
        if cookie:
            client.cookies["django_language"] = cookie
        return client.get(path)


def _without_request_id(response: Any) -> Any:
    """The body, without the one member that differs from one request to the next."""
    if "json" not in response["Content-Type"]:
        return response.content
    body = response.json()
    body.pop("request_id", None)
    return body


def _vary(response: Any) -> list[str]:
    return [name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()]


REQUESTS = [
    (path, accept_language, cookie)
    for path in ("/api/problems/not-found/", "/de/api/problems/", "/en/", "/api/nothing/")
    for accept_language, cookie in (
        (None, None),
        ("de", None),
        ("fr, de;q=0.5", None),
        ("en", "de"),
    )
]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "accept_language", "cookie"), REQUESTS)
def test_the_librarys_locale_middleware_answers_as_djangos_without_language_prefixes(
    path: str, accept_language: str | None, cookie: str | None
) -> None:
    """Without i18n_patterns() it skips Django's reads of the path for a language: the same
    status, language and body, and Vary with Cookie after Accept-Language, for paths that look
    like a language's too."""
    djangos = _answer("django.middleware.locale.LocaleMiddleware", path, accept_language, cookie)
    ours = _answer("django_http_errors.languages.LocaleMiddleware", path, accept_language, cookie)
    assert ours.status_code == djangos.status_code
    assert ours["Content-Language"] == djangos["Content-Language"]
    assert _without_request_id(ours) == _without_request_id(djangos)
    assert "accept-language" in _vary(djangos)
    assert set(_vary(ours)) == {*_vary(djangos), "cookie"}
    assert len(_vary(ours)) == len(set(_vary(ours)))


@pytest.mark.urls("tests.testapp.i18n_urls")
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status", "language", "location"),
    [
        ("/de/page/", 200, "de", None),
        ("/en/page/", 200, "en", None),
        ("/page/", 302, None, "/de/page/"),
        ("/plain/", 200, "de", None),
    ],
)
def test_the_librarys_locale_middleware_reads_language_prefixes_as_djangos(
    path: str, status: int, language: str | None, location: str | None
) -> None:
    """With i18n_patterns() the path names the language, and a path without one is redirected
    to the language the client asks for, as Django's middleware does."""
    for middleware in (
        "django.middleware.locale.LocaleMiddleware",
        "django_http_errors.languages.LocaleMiddleware",
    ):
        response = _answer(middleware, path, "de", None)
        assert response.status_code == status, middleware
        if language is not None:
            assert response.content.decode() == language, middleware
            assert response["Content-Language"] == language, middleware
        if location is not None:
            assert response["Location"] == location, middleware


class _URLconfNone:
    """Sets ``request.urlconf = None``, as a middleware that routes by host may."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        request.urlconf = None
        return self.get_response(request)


def _with_urlconf_none(middleware: str) -> list[str]:
    chain = []
    for name in _swapped(middleware):
        if name.endswith(".LocaleMiddleware"):
            chain.append("tests.test_languages._URLconfNone")
        chain.append(name)
    return chain


@pytest.mark.django_db
def test_the_librarys_locale_middleware_asks_of_a_none_urlconf_as_djangos() -> None:
    """Django caches whether a URLconf has language prefixes by ``request.urlconf``, ``None``
    included, for the life of the process: asked of the same value, the answer is Django's even
    where ROOT_URLCONF has changed since (as in a test suite)."""
    from django.conf.urls.i18n import is_language_prefix_patterns_used

    is_language_prefix_patterns_used.cache_clear()
    try:
        with override_settings(
            ROOT_URLCONF="tests.testapp.i18n_urls",
            MIDDLEWARE=_with_urlconf_none("django.middleware.locale.LocaleMiddleware"),
        ):
            assert Client().get("/de/page/").status_code == 200
        answers = []
        for middleware in (
            "django.middleware.locale.LocaleMiddleware",
            "django_http_errors.languages.LocaleMiddleware",
        ):
            with override_settings(MIDDLEWARE=_with_urlconf_none(middleware)):
                response = Client(headers={"Accept-Language": "en"}).get("/de/api/problems/")
            answers.append((response.status_code, response["Content-Language"]))
    finally:
        is_language_prefix_patterns_used.cache_clear()
    djangos, ours = answers
    assert ours == djangos


#: Run in a process of its own: Django serves its translation functions from whichever module
#: USE_I18N named at their first call, for the life of the process.
_LANGUAGE_CODES = """
import json, sys
import django
from django.conf import settings
urlpatterns = []
settings.configure(
    USE_I18N=sys.argv[1] == "on",
    LANGUAGE_CODE="en-GB",
    LANGUAGES=[("en-GB", "British English"), ("de", "German"), ("pt-BR", "Portuguese")],
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
    ROOT_URLCONF="__main__",
)
django.setup()
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware as Djangos
from django.test import RequestFactory
from django.utils.translation import get_language
from django_http_errors.languages import LocaleMiddleware as Ours
codes = {}
for accept in [None, "de", "en-GB", "pt-br", "fr, de;q=0.5"]:
    for name, middleware in (("djangos", Djangos), ("ours", Ours)):
        headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
        request = RequestFactory().get("/api/nothing/", **headers)
        middleware(lambda request: HttpResponse()).process_request(request)
        codes.setdefault(name, []).append([request.LANGUAGE_CODE, get_language()])
print(json.dumps(codes))
"""


@pytest.mark.parametrize("use_i18n", ["on", "off"])
def test_the_librarys_locale_middleware_gives_the_request_djangos_language_code(
    use_i18n: str,
) -> None:
    """``request.LANGUAGE_CODE`` is what Django's middleware sets: the language just activated
    (without asking for it again), and LANGUAGE_CODE as written where USE_I18N is off."""
    ran = subprocess.run(
        [sys.executable, "-c", _LANGUAGE_CODES, use_i18n],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": ""},
    )
    codes = json.loads(ran.stdout)
    assert codes["ours"] == codes["djangos"]
    # Django lowercases the code it activates, and leaves LANGUAGE_CODE as written without
    # USE_I18N: each run shows its form, so the test tells one from the other.
    written = "en-gb" if use_i18n == "on" else "en-GB"
    assert [written, written] in codes["ours"]


# What is kept between requests follows the language and the catalogs


@pytest.mark.urls("tests.testapp.i18n_urls")
@pytest.mark.parametrize("first", ["de", "en"])
@pytest.mark.parametrize("language_code", ["en", "en-us"])
def test_a_problems_type_is_one_string_in_every_language(first: str, language_code: str) -> None:
    """Under i18n_patterns() too: the page in the project's language (as LANGUAGES lists it:
    Django's default "en-us" is "en" there), whichever language asked first; its title is the
    request's. The type leads to its page."""
    with override_settings(LANGUAGE_CODE=language_code):
        for language, title in {first: None, "de": "Nicht gefunden", "en": "Not found"}.items():
            body = problem(Client().get(f"/{language}/missing/"))
            assert body["type"] == "/en/problems/not-found/"
            assert title is None or body["title"] == title
        assert Client().get(body["type"]).status_code == 200


def write_catalog(directory: Path, language: str, messages: dict[str, str]) -> None:
    """A compiled catalog (``django.mo``) of ``messages`` for ``language`` in ``directory``, as a
    project's ``LOCALE_PATHS`` holds one: GNU gettext's format, which Python's gettext reads."""
    entries = sorted({"": "Content-Type: text/plain; charset=UTF-8\n", **messages}.items())
    ids = [key.encode() for key, _ in entries]
    strs = [value.encode() for _, value in entries]
    tables = 7 * 4 + 16 * len(entries)
    offsets, start = [], tables
    for chunk in (ids, strs):
        for text in chunk:
            offsets += [len(text), start]
            start += len(text) + 1
    header = struct.pack("<7I", 0x950412DE, 0, len(entries), 28, 28 + 8 * len(entries), 0, 0)
    body = b"".join(text + b"\0" for text in ids + strs)
    target = directory / language / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "django.mo").write_bytes(header + struct.pack(f"<{len(offsets)}I", *offsets) + body)


@pytest.mark.urls("tests.testapp.i18n_urls")
def test_a_problems_title_follows_the_catalogs_a_test_sets(tmp_path: Path) -> None:
    """The library keeps each text's translation, and forgets them when a setting changes the
    catalogs, as Django forgets its own: a project's catalog set for a test translates."""
    write_catalog(tmp_path, "de", {"Not found": "Nicht da (Projekt)"})
    assert problem(Client().get("/de/missing/"))["title"] == "Nicht gefunden"
    with override_settings(LOCALE_PATHS=[str(tmp_path)]):
        with override("de"):
            assert str(_("Not found")) == "Nicht da (Projekt)"
        assert problem(Client().get("/de/missing/"))["title"] == "Nicht da (Projekt)"
    assert problem(Client().get("/de/missing/"))["title"] == "Nicht gefunden"


def test_the_languages_spoken_are_asked_again_when_the_installed_apps_change() -> None:
    """Without the app its catalog is not read: German problems would be German no more."""
    assert speaks("de")
    without = [app for app in settings.INSTALLED_APPS if app != "django_http_errors"]
    with override_settings(INSTALLED_APPS=without):
        assert not speaks("de")
    assert speaks("de")
