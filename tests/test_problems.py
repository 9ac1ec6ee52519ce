"""The problem value and the catalog of problem types (RFC 9457 §3, §4)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from django_http_errors.catalog import problem_types
from django_http_errors.exceptions import ProblemException, declared_problem_types
from django_http_errors.problems import ABOUT_BLANK, Problem, ProblemType, reason_phrase


def test_as_dict_has_the_standard_members_then_ours() -> None:
    problem = Problem(
        status=409,
        title="Conflict",
        detail="Taken.",
        code="conflict",
        type="https://errors.example/conflict",
        instance="/api/things/1/",
        errors=[{"pointer": "#/name", "detail": "Taken.", "code": "unique"}],
        extensions={"request_id": "r1"},
    )
    assert list(problem.as_dict()) == [
        "type",
        "title",
        "status",
        "detail",
        "instance",
        "code",
        "errors",
        "request_id",
    ]


def test_extensions_never_replace_standard_members() -> None:
    body = Problem(
        status=412,
        title="Precondition failed",
        detail="Changed.",
        code="precondition_failed",
        extensions={"status": 200, "code": "ok", "etag": '"1.2"'},
    ).as_dict()
    assert (body["status"], body["code"], body["etag"]) == (412, "precondition_failed", '"1.2"')


def test_absent_optional_members_are_left_out() -> None:
    body = Problem(status=404, title="Not Found", detail="Gone.", code="not_found").as_dict()
    assert body == {
        "type": ABOUT_BLANK,
        "title": "Not Found",
        "status": 404,
        "detail": "Gone.",
        "code": "not_found",
    }


@pytest.mark.parametrize(
    ("status", "phrase"),
    [
        (404, "Not Found"),
        (503, "Service Unavailable"),
        (599, "Error"),
        # RFC 9110's phrases on every Python (before 3.13 Python says "Unprocessable Entity").
        (413, "Content Too Large"),
        (422, "Unprocessable Content"),
    ],
)
def test_reason_phrase_is_the_title_of_about_blank(status: int, phrase: str) -> None:
    assert reason_phrase(status) == phrase


@pytest.mark.parametrize("entry", problem_types().values(), ids=lambda p: p.code)
def test_catalog_entries_are_consistent(entry: ProblemType) -> None:
    # Equal, not the same object: a test module declaring a type rebuilds the catalog.
    assert problem_types()[entry.code] == entry
    assert re.fullmatch(r"[a-z][a-z_]+", entry.code)
    assert 400 <= entry.status <= 599
    assert entry.slug == entry.code.replace("_", "-")
    for text in (entry.title, entry.meaning, entry.advice):
        assert str(text)


def test_slugs_are_unique() -> None:
    assert len({p.slug for p in problem_types().values()}) == len(problem_types())


def test_titles_are_translated_lazily() -> None:
    title = problem_types()["precondition_failed"].title
    with translation.override("de"):
        assert str(title) == "Vorbedingung fehlgeschlagen"
    with translation.override("en"):
        assert str(title) == "Precondition failed"


def test_the_catalog_has_the_class_that_took_a_codes_place() -> None:
    """The catalog is kept between calls, and made anew when the declared classes change: a
    subclass that redeclares its parent's code adds none, yet its problem type is the one."""

    class Brewing(ProblemException):
        status_code = 418
        default_code = "brewing_still"
        title = "Still brewing"
        meaning = advice = "Wait."

    try:
        assert problem_types()["brewing_still"].title == "Still brewing"

        class BrewingAgain(Brewing):
            title = "Brewing again"

        assert problem_types()["brewing_still"].title == "Brewing again"
        # One class in another's place, the count unchanged.
        declared_problem_types().pop("brewing_still")

        class Steeping(ProblemException):
            status_code = 418
            default_code = "steeping"
            title = "Steeping"
            meaning = advice = "Wait."

        assert "steeping" in problem_types()
        assert "brewing_still" not in problem_types()
    finally:
        for code in ("brewing_still", "steeping"):
            declared_problem_types().pop(code, None)
    assert "steeping" not in problem_types()
