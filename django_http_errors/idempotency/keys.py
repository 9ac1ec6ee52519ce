"""Parse an ``Idempotency-Key`` and fingerprint a request's content: pure, standard library only.

The key is a structured-field String (IETF httpapi draft "The Idempotency-Key HTTP Header
Field" §2); the bare form that many clients send (``Idempotency-Key: 8e03...``)
is accepted as well and names the same key as its quoted form.
"""

from __future__ import annotations

import hashlib
import re
from typing import Final

__all__ = [
    "IDEMPOTENCY_KEY_PATTERN",
    "MAX_KEY_LENGTH",
    "MalformedKey",
    "parse_idempotency_key",
    "request_fingerprint",
    "scope_digest",
]

#: Longer keys are refused: a UUID (36 characters) is what the draft suggests.
MAX_KEY_LENGTH: Final = 255
#: Every key ``parse_idempotency_key`` accepts, as an ECMA-262 regular expression: a
#: structured-field string of 1 to 255 characters (an escaped quote or backslash counting as
#: one), or the bare token many clients send.
IDEMPOTENCY_KEY_PATTERN: Final = (
    '^(?:"(?:[ !#-\\[\\]-~]|\\\\["\\\\]){1,255}"|[!#$%&\'*+.^_`|~0-9A-Za-z:/=-]{1,255})$'
)

# sf-string: DQUOTE *( unescaped / "\" ( DQUOTE / "\" ) ) DQUOTE, where
# unescaped is a printable ASCII character other than DQUOTE and backslash.
_SF_STRING_RE: Final = re.compile(r'"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"')
# The bare form: a token (RFC 9110 §5.6.2) with ":", "/" and "=" (base64 keys) besides.
_BARE_KEY_RE: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z:/=]+")
_UNESCAPE_RE: Final = re.compile(r"\\([\"\\])")
# RFC 8941 §4.2: a parser discards leading and trailing spaces of the field value.
_SP: Final = " "


class MalformedKey(ValueError):
    """The field value is neither an sf-string nor a bare token, or is empty or too long."""


def parse_idempotency_key(value: str) -> str:
    """The key that an ``Idempotency-Key`` field value names (RFC 8941 §3.3.3, §4.2.5).

    ``"abc"`` and ``abc`` name the same key. Parameters (``"abc";p=1``), lists (several
    field lines, joined by commas), an empty string and keys longer than ``MAX_KEY_LENGTH``
    are malformed: a key must name one request unambiguously.
    """
    value = value.strip(_SP)
    string = _SF_STRING_RE.fullmatch(value)
    if string is not None:
        key = _UNESCAPE_RE.sub(r"\1", string.group(1))
    elif _BARE_KEY_RE.fullmatch(value):
        key = value
    else:
        raise MalformedKey("not a structured-field string")
    if not key:
        raise MalformedKey("empty")
    if len(key) > MAX_KEY_LENGTH:
        raise MalformedKey(f"longer than {MAX_KEY_LENGTH} characters")
    return key


def request_fingerprint(method: str, path: str, content_type: str, body: bytes) -> str:
    """A digest of what a retry must repeat exactly: method, path, content type and content.

    ``path`` includes the query string. Each part is length-prefixed, so no two different
    requests share the bytes that are hashed.
    """
    digest = hashlib.sha256()
    for part in (*_encoded(method, path, content_type), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def scope_digest(client: str, key: str) -> str:
    """One value that names a key in its scope: the client's.

    A key names one request of its client's: sent again with another method or to another
    path, even one that names the same resource (``/articles.json``, ``/articles/01/``), it
    names other content (``request_fingerprint``), never a second request. Stored in a unique
    column: the parts could exceed what one index entry holds.
    """
    digest = hashlib.sha256()
    for part in _encoded(client, key):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _encoded(*parts: str) -> list[bytes]:
    # Header values and paths may hold any code point (latin-1 header bytes, lone surrogates).
    return [part.encode("utf-8", "surrogatepass") for part in parts]
