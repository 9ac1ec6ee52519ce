"""Tests for django_http_errors.etags: entity-tag syntax and comparison (RFC 9110 §8.8.3)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from django_http_errors.etags import (
    ANY,
    EntityTag,
    Wildcard,
    parse_etag,
    parse_etag_list,
    quote_etag,
    strong_match,
    weak_match,
)

# No example database: property runs must not leave a .hypothesis directory in the shared tree.
hypothesis_settings = settings(database=None, deadline=None)

# etagc = %x21 / %x23-7E / obs-text (RFC 9110 §8.8.3), as latin-1 decoded code points.
ETAGC = "".join(chr(c) for c in [0x21, *range(0x23, 0x7F), *range(0x80, 0x100)])
opaques = st.text(alphabet=ETAGC, max_size=20)
entity_tags = st.builds(EntityTag, opaques, weak=st.booleans())
ows = st.text(alphabet=" \t", max_size=3)


def tag(opaque: str) -> EntityTag:
    return EntityTag(opaque)


def weak(opaque: str) -> EntityTag:
    return EntityTag(opaque, weak=True)


# --- ANY ------------------------------------------------------------------------------------------


def test_any_is_the_wildcard_singleton() -> None:
    assert ANY is Wildcard.ANY
    assert ANY.value == "*"


# --- EntityTag and quote_etag ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opaque", "is_weak", "expected"),
    [
        pytest.param("abc", False, '"abc"', id="strong"),
        pytest.param("abc", True, 'W/"abc"', id="weak"),
        pytest.param("", False, '""', id="empty-opaque-is-valid"),
        pytest.param("a,b", False, '"a,b"', id="comma-is-etagc"),
        pytest.param("!#~", False, '"!#~"', id="etagc-bounds"),
        pytest.param("\x80\xff", False, '"\x80\xff"', id="obs-text"),
        pytest.param("W/", False, '"W/"', id="w-slash-inside-opaque"),
    ],
)
def test_quote_etag(opaque: str, is_weak: bool, expected: str) -> None:
    assert quote_etag(opaque, weak=is_weak) == expected
    assert str(EntityTag(opaque, weak=is_weak)) == expected


@pytest.mark.parametrize(
    "opaque",
    [
        pytest.param('a"b', id="dquote"),
        pytest.param("a b", id="space"),
        pytest.param("a\tb", id="tab"),
        pytest.param("\x7f", id="del"),
        pytest.param("\x00", id="nul"),
        pytest.param("\n", id="newline"),
        pytest.param("\u0100", id="beyond-latin-1"),
        pytest.param("\N{SNOWMAN}", id="unicode"),
    ],
)
def test_quote_etag_rejects_chars_outside_etagc(opaque: str) -> None:
    with pytest.raises(ValueError, match="etagc"):
        quote_etag(opaque)
    with pytest.raises(ValueError, match="etagc"):
        EntityTag(opaque, weak=True)


# --- parse_etag -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param('"abc"', tag("abc"), id="strong"),
        pytest.param('W/"abc"', weak("abc"), id="weak"),
        pytest.param('""', tag(""), id="empty-opaque"),
        pytest.param('W/""', weak(""), id="weak-empty-opaque"),
        pytest.param('"a,b"', tag("a,b"), id="comma-inside"),
        pytest.param('"W/x"', tag("W/x"), id="w-slash-inside"),
        pytest.param(' \t"abc"\t ', tag("abc"), id="surrounding-ows"),
        pytest.param('"\x80\xff"', tag("\x80\xff"), id="obs-text"),
        pytest.param("abc", None, id="unquoted"),
        pytest.param('w/"abc"', None, id="lowercase-w"),
        pytest.param("W/abc", None, id="weak-unquoted"),
        pytest.param('W/ "abc"', None, id="space-after-w-slash"),
        pytest.param('W"abc"', None, id="w-without-slash"),
        pytest.param('"abc', None, id="unterminated"),
        pytest.param('abc"', None, id="no-opening-quote"),
        pytest.param('"a"b"', None, id="dquote-inside"),
        pytest.param('"a b"', None, id="space-inside"),
        pytest.param('"a\x7f"', None, id="del-inside"),
        pytest.param('"\u0100"', None, id="beyond-latin-1"),
        pytest.param('"a", "b"', None, id="list-is-not-one-tag"),
        pytest.param('"a" "b"', None, id="two-tags"),
        pytest.param("*", None, id="star"),
        pytest.param("", None, id="empty"),
        pytest.param('"abc"\n', None, id="trailing-newline-is-not-ows"),
    ],
)
def test_parse_etag(value: str, expected: EntityTag | None) -> None:
    assert parse_etag(value) == expected


# --- parse_etag_list ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("*", ANY, id="star"),
        pytest.param(" *\t", ANY, id="star-with-ows"),
        pytest.param('"a"', (tag("a"),), id="one-tag"),
        pytest.param('"a", W/"b"', (tag("a"), weak("b")), id="two-tags"),
        pytest.param('"a",W/"b"', (tag("a"), weak("b")), id="no-ows"),
        pytest.param('"a" \t, \t"b"', (tag("a"), tag("b")), id="ows-around-comma"),
        pytest.param('"a,b"', (tag("a,b"),), id="comma-inside-is-one-tag"),
        pytest.param('"a,b", "c"', (tag("a,b"), tag("c")), id="comma-inside-then-another"),
        pytest.param('",", ","', (tag(","), tag(",")), id="comma-only-opaques"),
        pytest.param('"a", , "b"', (tag("a"), tag("b")), id="empty-element-skipped"),
        pytest.param('"a",,"b"', (tag("a"), tag("b")), id="adjacent-commas"),
        pytest.param(', "a" ,', (tag("a"),), id="leading-and-trailing-commas"),
        pytest.param('"a", "a"', (tag("a"), tag("a")), id="duplicates-kept"),
        pytest.param('"*"', (tag("*"),), id="quoted-star-is-a-tag"),
        pytest.param('""', (tag(""),), id="empty-opaque"),
        pytest.param("", None, id="empty"),
        pytest.param(" \t ", None, id="only-ows"),
        pytest.param(",", None, id="only-comma"),
        pytest.param(", ,", None, id="only-empty-elements"),
        pytest.param('*, "a"', None, id="star-then-tag"),
        pytest.param('"a", *', None, id="tag-then-star"),
        pytest.param("*, *", None, id="star-list"),
        pytest.param("**", None, id="double-star"),
        pytest.param("a", None, id="unquoted"),
        pytest.param('"a", b', None, id="unquoted-second"),
        pytest.param('w/"a"', None, id="lowercase-w"),
        pytest.param('"a" "b"', None, id="missing-comma"),
        pytest.param('"a""b"', None, id="missing-comma-no-space"),
        pytest.param('"a"b', None, id="garbage-after-tag"),
        pytest.param('"a", "b', None, id="unterminated"),
        pytest.param('"a"\n, "b"', None, id="newline-is-not-ows"),
        pytest.param('"\N{SNOWMAN}"', None, id="unicode-inside"),
    ],
)
def test_parse_etag_list(value: str, expected: tuple[EntityTag, ...] | Wildcard | None) -> None:
    assert parse_etag_list(value) == expected


def test_parse_etag_list_huge_list() -> None:
    tags = tuple(EntityTag(f"v{i}", weak=i % 2 == 0) for i in range(10_000))
    assert parse_etag_list(", ".join(map(str, tags))) == tags


def test_parse_etag_list_huge_malformed_list() -> None:
    assert parse_etag_list('"a", ' * 10_000 + "b") is None


def test_parse_etag_list_huge_opaque() -> None:
    assert parse_etag_list('"' + "x," * 500_000 + '"') == (tag("x," * 500_000),)


# --- comparison (the table of RFC 9110 §8.8.3.2) --------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "strong", "weakly"),
    [
        pytest.param(weak("1"), weak("1"), False, True, id='W/"1"-W/"1"'),
        pytest.param(weak("1"), weak("2"), False, False, id='W/"1"-W/"2"'),
        pytest.param(weak("1"), tag("1"), False, True, id='W/"1"-"1"'),
        pytest.param(tag("1"), tag("1"), True, True, id='"1"-"1"'),
        pytest.param(tag("1"), tag("2"), False, False, id='"1"-"2"'),
        pytest.param(tag("a"), tag("A"), False, False, id="opaque-is-case-sensitive"),
    ],
)
def test_comparison(a: EntityTag, b: EntityTag, strong: bool, weakly: bool) -> None:
    assert strong_match(a, b) is strong
    assert strong_match(b, a) is strong
    assert weak_match(a, b) is weakly
    assert weak_match(b, a) is weakly


# --- properties -----------------------------------------------------------------------------------


@hypothesis_settings
@given(st.text())
def test_parsers_never_raise(value: str) -> None:
    single = parse_etag(value)
    assert single is None or isinstance(single, EntityTag)
    result = parse_etag_list(value)
    assert result is None or result is ANY or isinstance(result, tuple)


@hypothesis_settings
@given(st.text(alphabet='W/"*, \ta,\x00\x7f\x80', max_size=30))
def test_parsers_never_raise_near_the_grammar(value: str) -> None:
    result = parse_etag_list(value)
    assert result is None or result is ANY or (isinstance(result, tuple) and result)


@hypothesis_settings
@given(entity_tags)
def test_parse_etag_round_trips(entity_tag: EntityTag) -> None:
    assert parse_etag(str(entity_tag)) == entity_tag


@hypothesis_settings
@given(st.lists(entity_tags, min_size=1, max_size=20), ows, ows)
def test_parse_etag_list_round_trips(tags: list[EntityTag], before: str, after: str) -> None:
    value = f"{before},{after}".join(map(str, tags))
    assert parse_etag_list(value) == tuple(tags)


@hypothesis_settings
@given(st.lists(entity_tags, min_size=1, max_size=10), st.lists(ows, min_size=1, max_size=10))
def test_parse_etag_list_skips_empty_elements(tags: list[EntityTag], gaps: list[str]) -> None:
    # Each gap becomes an empty list element, placed before, between or after the tags.
    elements = [str(t) for t in tags]
    for index, gap in enumerate(gaps):
        elements.insert(index % (len(elements) + 1), gap)
    assert parse_etag_list(",".join(elements)) == tuple(tags)


@hypothesis_settings
@given(st.text(), st.booleans())
def test_quote_etag_output_parses_back(opaque: str, is_weak: bool) -> None:
    try:
        quoted = quote_etag(opaque, weak=is_weak)
    except ValueError:
        assert any(c not in ETAGC for c in opaque)
    else:
        assert parse_etag(quoted) == EntityTag(opaque, weak=is_weak)


@hypothesis_settings
@given(st.text(), st.booleans())
def test_quote_etag_is_the_entity_tags_field_value(opaque: str, is_weak: bool) -> None:
    try:
        expected = str(EntityTag(opaque, weak=is_weak))
    except ValueError:
        with pytest.raises(ValueError, match="outside etagc"):
            quote_etag(opaque, weak=is_weak)
    else:
        assert quote_etag(opaque, weak=is_weak) == expected
