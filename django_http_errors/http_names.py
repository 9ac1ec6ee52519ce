"""Header field names and method sets, written once; every module reads them from here."""

from __future__ import annotations

import functools
from typing import Final

__all__ = [
    "ACCEPT",
    "ACCEPT_ENCODING",
    "ALLOW",
    "CACHE_CONTROL",
    "CONTENT_ENCODING",
    "CONTENT_LANGUAGE",
    "CONTENT_LENGTH",
    "CONTENT_LOCATION",
    "CONTENT_TYPE",
    "ETAG",
    "GUARDED_METHODS",
    "IDEMPOTENCY_KEY",
    "IDEMPOTENT_REPLAYED",
    "IF_MATCH",
    "IF_MODIFIED_SINCE",
    "IF_NONE_MATCH",
    "IF_UNMODIFIED_SINCE",
    "LAST_MODIFIED",
    "LOCATION",
    "PRECONDITION_MISSING",
    "READ_METHODS",
    "RETRY_AFTER",
    "SAFE_METHODS",
    "TRANSFER_ENCODING",
    "UNSAFE_METHODS",
    "VARY",
    "WWW_AUTHENTICATE",
    "meta_key",
]

#: Conditional requests and validators (RFC 9110 §8.8, §13.1).
IF_MATCH: Final = "If-Match"
IF_NONE_MATCH: Final = "If-None-Match"
IF_MODIFIED_SINCE: Final = "If-Modified-Since"
IF_UNMODIFIED_SINCE: Final = "If-Unmodified-Since"
ETAG: Final = "ETag"
LAST_MODIFIED: Final = "Last-Modified"
#: Our own: which precondition a blind write lacked (``PRECONDITION_REQUIRED="report"``).
PRECONDITION_MISSING: Final = "Precondition-Missing"

#: Retried writes (draft-ietf-httpapi-idempotency-key-header).
IDEMPOTENCY_KEY: Final = "Idempotency-Key"
IDEMPOTENT_REPLAYED: Final = "Idempotent-Replayed"

#: Representation and message framing.
CONTENT_TYPE: Final = "Content-Type"
CONTENT_LENGTH: Final = "Content-Length"
CONTENT_LANGUAGE: Final = "Content-Language"
CONTENT_ENCODING: Final = "Content-Encoding"
CONTENT_LOCATION: Final = "Content-Location"
TRANSFER_ENCODING: Final = "Transfer-Encoding"
LOCATION: Final = "Location"

#: Caching, negotiation, authentication and retries.
ACCEPT: Final = "Accept"
ACCEPT_ENCODING: Final = "Accept-Encoding"
CACHE_CONTROL: Final = "Cache-Control"
VARY: Final = "Vary"
ALLOW: Final = "Allow"
WWW_AUTHENTICATE: Final = "WWW-Authenticate"
RETRY_AFTER: Final = "Retry-After"

# Methods are case-sensitive tokens (RFC 9110 §9.1): "get" is not GET.
#: Methods that change nothing (RFC 9110 §9.2.1).
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
#: The methods a 304 answers: If-Modified-Since concerns only them, and a false If-None-Match
#: is 412 for any other.
READ_METHODS: Final = frozenset({"GET", "HEAD"})
#: The methods that write, and so may carry an Idempotency-Key and begin a write transaction.
UNSAFE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: The writes to an existing resource that a precondition must guard when one is required
#: (else the 428 of a required precondition): a POST creates or acts, and honours the
#: preconditions it is sent.
GUARDED_METHODS: Final = frozenset({"PUT", "PATCH", "DELETE"})


@functools.cache
def meta_key(header: str) -> str:
    """The ``request.META`` key of a request header, as Django names it (``HTTP_X_REQUEST_ID``,
    ``CONTENT_LENGTH``): where a hot path reads one header without building ``request.headers``."""
    name = header.upper().replace("-", "_")
    return name if name in ("CONTENT_LENGTH", "CONTENT_TYPE") else "HTTP_" + name
