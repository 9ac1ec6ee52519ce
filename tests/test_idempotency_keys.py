"""The Idempotency-Key field value (RFC 8941 §3.3.3) and the request fingerprint, as tables."""

from __future__ import annotations

import pytest

from django_http_errors.idempotency.keys import (
    MAX_KEY_LENGTH,
    MalformedKey,
    parse_idempotency_key,
    request_fingerprint,
    scope_digest,
)


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ('"8e03978e-40d5-43e8-bc93-6894a57f9324"', "8e03978e-40d5-43e8-bc93-6894a57f9324"),
        # The bare form names the same key as its quoted form.
        ("8e03978e-40d5-43e8-bc93-6894a57f9324", "8e03978e-40d5-43e8-bc93-6894a57f9324"),
        ("dGVzdA==", "dGVzdA=="),
        ("urn:uuid:1/2", "urn:uuid:1/2"),
        # §4.2: leading and trailing spaces are discarded.
        ('  "abc"  ', "abc"),
        # An sf-string may hold spaces and escaped quotes and backslashes.
        ('"a b"', "a b"),
        (r'"say \"hi\" \\ now"', 'say "hi" \\ now'),
        ('"' + "k" * MAX_KEY_LENGTH + '"', "k" * MAX_KEY_LENGTH),
    ],
)
def test_valid_keys(value: str, key: str) -> None:
    assert parse_idempotency_key(value) == key


@pytest.mark.parametrize(
    "value",
    [
        "",
        '""',  # empty: names nothing
        '"unterminated',
        'unopened"',
        r'"bad \escape"',  # only \" and \\ are escapes
        '"tab\there"',  # sf-string allows printable ASCII only
        '"é"',
        "a b",  # a bare key is one token
        '"a", "b"',  # two field lines joined: a list, not one key
        '"key";param=1',  # parameters are not accepted
        '\t"abc"',  # only SP is discarded around the value
        '"' + "k" * (MAX_KEY_LENGTH + 1) + '"',
        "k" * (MAX_KEY_LENGTH + 1),
    ],
)
def test_malformed_keys(value: str) -> None:
    with pytest.raises(MalformedKey):
        parse_idempotency_key(value)


def test_the_fingerprint_changes_with_each_part() -> None:
    base = ("POST", "/articles/", "application/json", b'{"a": 1}')
    others = [
        ("PUT", "/articles/", "application/json", b'{"a": 1}'),
        ("POST", "/articles/?x=1", "application/json", b'{"a": 1}'),
        ("POST", "/articles/", "application/json; charset=utf-8", b'{"a": 1}'),
        ("POST", "/articles/", "application/json", b'{"a": 2}'),
        # Parts are length-prefixed: moving bytes between them changes the digest.
        ("POST", "/articles/a", "pplication/json", b'{"a": 1}'),
    ]
    assert request_fingerprint(*base) == request_fingerprint(*base)
    assert len({request_fingerprint(*base), *(request_fingerprint(*o) for o in others)}) == 6


def test_the_scope_names_client_and_key() -> None:
    base = ("auth.user:1", "k")
    others = [
        ("auth.user:2", "k"),
        ("auth.user:1", "k2"),
        ("auth.user:1k", ""),
        ("", "auth.user:1k"),
    ]
    digests = {scope_digest(*base), *(scope_digest(*o) for o in others)}
    assert len(digests) == 5
    assert all(len(d) == 64 for d in digests)
