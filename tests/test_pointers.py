"""Validation errors flattened to RFC 6901 JSON Pointers (pure)."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any
from urllib.parse import unquote

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.renderers import JSONRenderer

from django_http_errors.assembly import build_problem
from django_http_errors.pointers import escape_token, iter_errors

# No example database: property runs must not leave a .hypothesis directory in the shared tree.
# As many examples as the profile says (tests/conftest.py): 50, and 200 in CI.
hypothesis_settings = settings(database=None, deadline=None)


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
        ("\ud800", "%ED%A0%80"),  # a lone surrogate, valid in a JSON key: surrogatepass octets
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


# Properties over arbitrary DRF error structures: every pointer is a valid RFC 6901 pointer in
# URI fragment form (RFC 6901 §6) that leads back to the message it names.

NON_FIELD = "non_field_errors"
#: RFC 3986 §3.5: a fragment is pchar / "/" / "?"; "/" separates the reference tokens.
_FRAGMENT_RE = re.compile(r"#(?:/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@?]|%[0-9A-F]{2})*)*")
_LONE_SURROGATE = st.integers(0xD800, 0xDFFF).map(chr)
_KEY = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["", "/", "~", "~0", "~1", "~01", "%", "%25", "#", "?", " ", "0", "07", "é"]),
    st.sampled_from(["a/b~c", "😀", "\u2028", NON_FIELD]),
    st.lists(st.one_of(st.characters(), _LONE_SURROGATE), max_size=4).map("".join),
    st.integers(0, 20).map(str),
)
_CODE = st.one_of(st.none(), st.sampled_from(["", "required", "max_length", "a/b", "é"]))
_MESSAGE = st.builds(ErrorDetail, st.text(max_size=12), code=_CODE)


def _errors(key: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """DRF-shaped errors: a member's messages, objects, and arrays (``many=True``)."""
    return st.recursive(
        st.one_of(st.lists(_MESSAGE, min_size=1, max_size=3), _MESSAGE),
        lambda children: st.one_of(
            st.dictionaries(key, children, max_size=4),
            st.lists(children, max_size=4),
            # A member's messages next to the errors of its items.
            st.lists(st.one_of(_MESSAGE, children), max_size=4),
        ),
        max_leaves=40,
    )


@st.composite
def _deep(draw: st.DrawFn) -> Any:
    """One message hundreds of objects and arrays down."""
    errors: Any = [draw(_MESSAGE)]
    for key in draw(st.lists(st.one_of(st.none(), _KEY), min_size=100, max_size=1500)):
        errors = [{}, errors] if key is None else {key: errors}
    return errors


_ERRORS = st.one_of(_errors(_KEY), _errors(st.one_of(_KEY, st.integers(0, 9))), _deep())


def _leaves(errors: Any) -> Counter[tuple[str, str]]:
    """Every message in the structure with the code it should be reported under."""
    found: Counter[tuple[str, str]] = Counter()
    stack = [errors]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        else:
            found[(str(node), getattr(node, "code", None) or "invalid")] += 1
    return found


def _tokens(pointer: str) -> list[str]:
    """The reference tokens of a URI-fragment JSON Pointer, checked and decoded (RFC 6901 §6)."""
    assert _FRAGMENT_RE.fullmatch(pointer), pointer
    tokens = []
    for raw in pointer.split("/")[1:]:
        # Percent-decoding first (§6), then "~1" before "~0" (§4); lone surrogates go through
        # as surrogatepass octets, the only way a URI can carry such a key.
        token = unquote(raw, errors="surrogatepass")
        assert re.search("~(?![01])", token) is None, pointer
        tokens.append(token.replace("~1", "/").replace("~0", "~"))
    return tokens


def _with_non_field(nodes: list[Any]) -> list[Any]:
    """The nodes and, for objects, what their non-field key holds: it points at its object."""
    reached = list(nodes)
    for node in reached:  # grows while it is walked
        if isinstance(node, dict) and NON_FIELD in node:
            reached.append(node[NON_FIELD])
    return reached


def _resolve(errors: Any, pointer: str) -> list[Any]:
    """Every node the pointer reaches: objects by key, arrays by canonical index (RFC 6901 §4)."""
    nodes = _with_non_field([errors])
    for token in _tokens(pointer):
        following = []
        for node in nodes:
            if isinstance(node, dict):
                following.extend(v for k, v in node.items() if str(k) == token)
            elif (
                isinstance(node, list)
                and re.fullmatch("0|[1-9][0-9]*", token)
                and int(token) < len(node)
            ):
                following.append(node[int(token)])
        nodes = _with_non_field(following)
    return nodes


def _holds(node: Any, detail: str, code: str) -> bool:
    """Whether the node is the message, or the list of messages that has it."""
    candidates = node if isinstance(node, list) else [node]
    return any(
        isinstance(c, str) and str(c) == detail and (getattr(c, "code", None) or "invalid") == code
        for c in candidates
    )


@hypothesis_settings
@given(_ERRORS)
def test_every_pointer_leads_back_to_its_message(errors: Any) -> None:
    found = list(iter_errors(errors))
    assert Counter((detail, code) for _, detail, code in found) == _leaves(errors)
    for pointer, detail, code in found:
        assert any(_holds(node, detail, code) for node in _resolve(errors, pointer)), pointer


@hypothesis_settings
@given(_ERRORS)
def test_any_validation_error_is_a_problem_that_renders(errors: Any) -> None:
    exc = ValidationError(errors)
    problem, headers = build_problem(exc, None)
    body = problem.as_dict()
    assert (body["status"], body["code"]) == (400, "invalid")
    # Only what every problem carries (its representation's): no challenge, no Retry-After.
    assert set(headers) == {"Vary", "Cache-Control", "Content-Language"}
    items = body["errors"]
    assert Counter((i["detail"], i["code"]) for i in items) == _leaves(exc.detail)
    for item in items:
        nodes = _resolve(errors, item["pointer"])
        assert any(_holds(node, item["detail"], item["code"]) for node in nodes), item["pointer"]
    if len(items) == 1:
        assert body["detail"] == items[0]["detail"]
    # Valid JSON both ways a problem is written: by the Django views and by DRF's renderer.
    assert json.loads(json.dumps(body, cls=DjangoJSONEncoder)) == json.loads(
        JSONRenderer().render(body)
    )
