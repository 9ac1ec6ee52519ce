"""The error statuses DRF lacks, as ``APIException`` subclasses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, PermissionDenied


class Conflict(APIException):
    """409: the request conflicts with the resource's current state (RFC 9110 §15.5.10)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the resource.")
    default_code = "conflict"


class LengthRequired(APIException):
    """411: the request has content but no Content-Length to read it by (RFC 9110 §15.5.12)."""

    status_code = status.HTTP_411_LENGTH_REQUIRED
    default_detail = _(
        "The request content must have a length: send it with Content-Length, not chunked."
    )
    default_code = "length_required"


class ContentTooLarge(APIException):
    """413: the request content is larger than the server accepts (RFC 9110 §15.5.14)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request content is larger than this server accepts.")
    default_code = "content_too_large"


class PreconditionFailed(APIException):
    """412: a precondition evaluated to false (RFC 9110 §15.5.13); carries the current ETag."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The resource has changed since you last fetched it.")
    default_code = "precondition_failed"

    def __init__(self, detail: Any = None, code: str | None = None, etag: str | None = None):
        super().__init__(detail, code)
        self.etag = etag


class PreconditionRequired(APIException):
    """428: the write must be conditional (RFC 6585 §3); names the headers that make it so."""

    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _(
        "This request must be conditional: send the resource's current ETag in If-Match."
    )
    default_code = "precondition_required"

    def __init__(
        self,
        detail: Any = None,
        code: str | None = None,
        required_headers: Sequence[str] = ("If-Match", "If-Unmodified-Since"),
    ):
        super().__init__(detail, code)
        self.required_headers = tuple(required_headers)


class InsufficientScope(PermissionDenied):
    """403 for a bearer token that lacks a scope (RFC 6750 §3.1), with its challenge."""

    default_detail = _("The access token does not grant the scope this request needs.")
    default_code = "insufficient_scope"

    def __init__(
        self, detail: Any = None, code: str | None = None, scope: str | None = None
    ) -> None:
        super().__init__(detail, code)
        self.scope = scope


class BadGateway(APIException):
    """502: an upstream service refused or answered invalidly (RFC 9110 §15.6.3)."""

    status_code = status.HTTP_502_BAD_GATEWAY
    default_detail = _("A service this request depends on failed.")
    default_code = "bad_gateway"


class ServiceUnavailable(APIException):
    """503: the service cannot answer now (RFC 9110 §15.6.4); ``retry_after`` in seconds."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The service is temporarily unavailable. Retry later.")
    default_code = "service_unavailable"

    def __init__(
        self, detail: Any = None, code: str | None = None, retry_after: int | None = None
    ) -> None:
        super().__init__(detail, code)
        self.retry_after = retry_after


class GatewayTimeout(APIException):
    """504: an upstream service did not answer in time (RFC 9110 §15.6.5)."""

    status_code = status.HTTP_504_GATEWAY_TIMEOUT
    default_detail = _("A service this request depends on did not answer in time.")
    default_code = "gateway_timeout"


class IdempotencyKeyRequired(APIException):
    """400: this unsafe request must carry an ``Idempotency-Key`` (IETF httpapi draft §2.7)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _(
        "This request must carry an Idempotency-Key header, so that it is safe to retry."
    )
    default_code = "idempotency_key_required"

    def __init__(
        self,
        detail: Any = None,
        code: str | None = None,
        required_headers: Sequence[str] = ("Idempotency-Key",),
    ):
        super().__init__(detail, code)
        self.required_headers = tuple(required_headers)


class MalformedIdempotencyKey(APIException):
    """400: the ``Idempotency-Key`` is not a structured-field string (RFC 8941 §3.3.3)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _(
        "The Idempotency-Key header must be a quoted string of at most 255 printable ASCII "
        'characters, such as "8e03978e-40d5-43e8-bc93-6894a57f9324".'
    )
    default_code = "idempotency_key_malformed"


class IdempotencyKeyNeedsAuthentication(APIException):
    """400: a key is only honoured for an authenticated client, to whom alone it belongs."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _(
        "An Idempotency-Key is only honoured for an authenticated client: authenticate, or "
        "send the request without it."
    )
    default_code = "idempotency_key_unauthenticated"


class IdempotencyKeyInUse(Conflict):
    """409: a request with this key is still being processed (IETF httpapi draft §2.6)."""

    default_detail = _(
        "A request with this Idempotency-Key is still being processed. Retry in a moment: "
        "you will then get its answer."
    )
    default_code = "idempotency_key_in_use"


class IdempotentAnswerLost(Conflict):
    """409: the first request with this key made its change, but its answer was not stored."""

    default_detail = _(
        "The first request with this Idempotency-Key made its change, but its answer was "
        "lost. Do not send it again: look the resource up instead."
    )
    default_code = "idempotent_answer_lost"


class IdempotencyKeyReused(APIException):
    """422: the key was used before for other content (IETF httpapi draft §2.6)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _(
        "This Idempotency-Key was used for a request with other content. Send a new key "
        "with new content."
    )
    default_code = "idempotency_key_reused"
