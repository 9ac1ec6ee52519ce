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
