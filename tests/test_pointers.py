"""Validation errors flattened to RFC 6901 JSON Pointers (pure)."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.exceptions import ErrorDetail

from django_http_errors.pointers import escape_token, iter_errors


@pytest.mark.parametrize(
    ("token", "escaped"),
    [
        ("title", "title"),
        ("a/b", "a~1b"),  # RFC 6901 §3
        ("m~n", "m~0n"),
        ("~1", "~01"),  # ~ first, so that ~1 does not become /
        ("with space", "with%20space"),  # RFC 6901 §6: percent-encoded in a fragment
        ("ü", "%C3%BC"),
        ("#", "%23"),
        ("0", "0"),
    ],
)
def test_escape_token(token: str, escaped: str) -> None:
    assert escape_token(token) == escaped


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        ({"title": ["Required."]}, [("#/title", "Required.", "invalid")]),
        (["Whole body."], [("#", "Whole body.", "invalid")]),
        ("Just text.", [("#", "Just text.", "invalid")]),
        ({"non_field_errors": ["Both."]}, [("#", "Both.", "invalid")]),
        (
            {"items": [{}, {"name": ["Too long."], "non_field_errors": ["Bad item."]}]},
            [("#/items/1/name", "Too long.", "invalid"), ("#/items/1", "Bad item.", "invalid")],
        ),
        ({"tags": {1: ["Too long."]}}, [("#/tags/1", "Too long.", "invalid")]),
        ([{"a": ["x"]}, {"b": ["y"]}], [("#/0/a", "x", "invalid"), ("#/1/b", "y", "invalid")]),
        ({"a/b": ["x"]}, [("#/a~1b", "x", "invalid")]),
        ({"title": []}, []),
    ],
)
def test_iter_errors(errors: Any, expected: list[tuple[str, str, str]]) -> None:
    assert list(iter_errors(errors)) == expected


def test_codes_come_from_error_details() -> None:
    errors = {"title": [ErrorDetail("Required.", code="required")]}
    assert list(iter_errors(errors)) == [("#/title", "Required.", "required")]


def test_a_custom_non_field_key() -> None:
    assert list(iter_errors({"__all__": ["x"]}, "__all__")) == [("#", "x", "invalid")]


def test_order_of_the_input_is_kept() -> None:
    errors = {"b": ["1", "2"], "a": {"z": ["3"], "y": ["4"]}, "c": ["5"]}
    assert [p for p, _, _ in iter_errors(errors)] == ["#/b", "#/b", "#/a/z", "#/a/y", "#/c"]


def test_deep_nesting_needs_no_recursion() -> None:
    errors: Any = ["bottom"]
    for _ in range(5000):
        errors = {"n": errors}
    [(pointer, detail, _code)] = list(iter_errors(errors))
    assert pointer == "#" + "/n" * 5000
    assert detail == "bottom"


def test_ten_thousand_errors() -> None:
    errors = [{"name": ["Too long."], "quantity": ["Too small."]} for _ in range(5000)]
    found = list(iter_errors(errors))
    assert len(found) == 10_000
    assert found[-1][0] == "#/4999/quantity"
