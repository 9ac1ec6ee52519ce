"""The error statuses DRF lacks (409, 411, 412, 413, 428, 502, 503, 504) and the 400, 403 and
415 problems of our own, each declaring its problem type."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import PermissionDenied

from ..challenges import bearer_error, scheme_of, view_challenges
from ..http_names import ACCEPT_ENCODING, IF_MATCH, IF_UNMODIFIED_SINCE, WWW_AUTHENTICATE
from .base import ProblemException, RequiredHeadersProblem, RetriesAfter

__all__ = [
    "BadGateway",
    "Conflict",
    "ContentTooLarge",
    "GatewayTimeout",
    "InsufficientScope",
    "InvalidQueryParameters",
    "LengthRequired",
    "PreconditionFailed",
    "PreconditionRequired",
    "ServiceUnavailable",
    "UnsupportedContentEncoding",
]


class InvalidQueryParameters(ProblemException):
    """400: query parameters that are malformed, out of range or unknown; each error names its
    ``parameter`` where a body's error has its ``pointer``.

    Raise it for a view's own parameters: ``InvalidQueryParameters({"since": ["Enter a valid
    date."]})``. The keys are the parameters' names as the client sends them.
    """

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The query string is invalid: each error is listed in errors.")
    default_code = "invalid_query"
    title = _("Invalid query parameters")
    meaning = _(
        "A query parameter of the URL is malformed, out of range or unknown to this resource; "
        "each item of errors names one in its parameter member."
    )
    advice = _(
        "Correct or remove the parameters that errors names (each detail says what is "
        "accepted) and send the request again."
    )

    def __init__(self, errors: Mapping[str, Any], code: str | None = None) -> None:
        #: ``(parameter, detail, code)`` of each error, in the order given.
        self.parameter_errors = [
            (str(name), str(message), str(getattr(message, "code", None) or "invalid"))
            for name, messages in errors.items()
            for message in ([messages] if isinstance(messages, str) else messages)
        ]
        # One error is the problem's detail, as one invalid member of a body is.
        if len(self.parameter_errors) == 1:
            detail: Any = self.parameter_errors[0][1]
        else:
            detail = self.default_detail
        super().__init__(detail, code)

    def problem_extensions(self) -> dict[str, Any]:
        """``errors``: one item per message, with the ``parameter`` it is about."""
        return {
            "errors": [
                {"parameter": parameter, "detail": detail, "code": code}
                for parameter, detail, code in self.parameter_errors
            ]
        }


class Conflict(ProblemException):
    """409: the request conflicts with the resource's current state (RFC 9110 §15.5.10)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the resource.")
    default_code = "conflict"
    title = _("Conflict")
    meaning = _(
        "The request conflicts with the current state of the resource, for example a "
        "uniqueness rule or a reference that protects it from deletion."
    )
    advice = _("Fetch the resource's current state, resolve the conflict and retry.")


class LengthRequired(ProblemException):
    """411: the request has content but no Content-Length to read it by (RFC 9110 §15.5.12)."""

    status_code = status.HTTP_411_LENGTH_REQUIRED
    default_detail = _(
        "The request content must have a length: send it with Content-Length, not chunked."
    )
    default_code = "length_required"
    title = _("Length required")
    meaning = _(
        "The request carries content without a Content-Length (for example "
        "Transfer-Encoding: chunked), which this server cannot read."
    )
    advice = _("Send the content with a Content-Length header.")


class ContentTooLarge(ProblemException):
    """413: the request content is larger than the server accepts (RFC 9110 §15.5.14)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request content is larger than this server accepts.")
    default_code = "content_too_large"
    title = _("Content too large")
    meaning = _("The request content is larger than the server accepts.")
    advice = _("Send smaller content, for example split over several requests.")


class UnsupportedContentEncoding(ProblemException):
    """415 for content in a coding the parser cannot decode (RFC 9110 §8.4, §15.5.16).

    DRF's ``unsupported_media_type`` problem type: the content is unreadable as sent. It
    carries ``Accept-Encoding``, naming the codings the parser reads, and ``identity``.
    """

    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_detail = _(
        "The request content is sent with a Content-Encoding this resource cannot decode. "
        "Send it without one, or in a coding that Accept-Encoding names."
    )
    default_code = "unsupported_media_type"

    def __init__(self, readable: Sequence[str] = ()) -> None:
        super().__init__()
        self.readable = tuple(readable)

    def problem_headers(self, request: Any) -> dict[str, str]:
        """``Accept-Encoding``: the codings that would have been read (RFC 9110 §12.5.3)."""
        return {ACCEPT_ENCODING: ", ".join((*self.readable, "identity"))}


class PreconditionFailed(ProblemException):
    """412: a precondition evaluated to false (RFC 9110 §15.5.13); carries the current ETag."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The resource has changed since you last fetched it.")
    default_code = "precondition_failed"
    title = _("Precondition failed")
    meaning = _(
        "A precondition (If-Match, If-None-Match, If-Unmodified-Since) evaluated to false: "
        "the resource changed since the client last saw it."
    )
    advice = _(
        "Fetch the resource again, reapply the change to it and send the new ETag in If-Match."
    )

    extension_members: ClassVar[dict[str, dict[str, Any]]] = {
        "etag": {
            "type": "string",
            "description": "The resource's current ETag, when it still exists: fetch it again "
            "before sending it in If-Match.",
        }
    }

    def __init__(self, detail: Any = None, code: str | None = None, etag: str | None = None):
        super().__init__(detail, code)
        self.etag = etag

    def problem_extensions(self) -> dict[str, Any]:
        """``etag``: the resource's current ETag, when it exists."""
        return {} if self.etag is None else {"etag": self.etag}


class PreconditionRequired(RequiredHeadersProblem):
    """428: the write must be conditional (RFC 6585 §3); names the headers that make it so."""

    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _(
        "This request must be conditional: send the resource's current ETag in If-Match."
    )
    default_code = "precondition_required"
    title = _("Precondition required")
    meaning = _("This resource only accepts conditional writes, so that no update is lost.")
    advice = _("Fetch the resource, then send its ETag in If-Match with the write.")

    #: For a bare ``PreconditionRequired()``: the library's own 428s name the headers the
    #: precondition kinds declare (``conditional.preconditions.guarding_headers``). This
    #: package cannot import that declaration (conditional requests import the problems, so
    #: the import would run back up); tests/test_conditional_parts.py holds the two together.
    default_required_headers = (IF_MATCH, IF_UNMODIFIED_SINCE)


class InsufficientScope(ProblemException, PermissionDenied):
    """403 for a bearer token that lacks a scope (RFC 6750 §3.1), with its challenge."""

    default_detail = _("The access token does not grant the scope this request needs.")
    default_code = "insufficient_scope"
    title = _("Insufficient scope")
    meaning = _("The access token is valid but lacks a scope this request needs.")
    advice = _("Obtain a token with the scope named in WWW-Authenticate.")

    header_names: ClassVar[tuple[str, ...]] = (WWW_AUTHENTICATE,)

    def __init__(
        self, detail: Any = None, code: str | None = None, scope: str | None = None
    ) -> None:
        super().__init__(detail, code)
        self.scope = scope

    def problem_headers(self, request: Any) -> dict[str, str]:
        """A Bearer challenge with ``error="insufficient_scope"``, naming the missing scope."""
        authenticators = getattr(request, "authenticators", ()) or ()
        challenges = view_challenges(authenticators, request)
        bearer = [c for c in challenges if scheme_of(c) == "bearer"]
        params = {"scope": self.scope} if self.scope else {}
        challenge = bearer_error(bearer[0] if bearer else "Bearer", "insufficient_scope", **params)
        return {WWW_AUTHENTICATE: challenge}


class BadGateway(ProblemException):
    """502: an upstream service refused or answered invalidly (RFC 9110 §15.6.3)."""

    status_code = status.HTTP_502_BAD_GATEWAY
    default_detail = _("A service this request depends on failed.")
    default_code = "bad_gateway"
    title = _("Bad gateway")
    meaning = _(
        "A service this request depends on refused the connection or answered with an error."
    )
    advice = _("Retry later; nothing was changed by this request.")


class ServiceUnavailable(RetriesAfter):
    """503: the service cannot answer now (RFC 9110 §15.6.4); ``retry_after`` in seconds."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The service is temporarily unavailable. Retry later.")
    default_code = "service_unavailable"
    title = _("Service unavailable")
    meaning = _(
        "The service cannot handle the request right now, for example because its database "
        "is unreachable."
    )
    advice = _("Wait for the number of seconds in Retry-After before retrying.")


class GatewayTimeout(ProblemException):
    """504: an upstream service did not answer in time (RFC 9110 §15.6.5)."""

    status_code = status.HTTP_504_GATEWAY_TIMEOUT
    default_detail = _("A service this request depends on did not answer in time.")
    default_code = "gateway_timeout"
    title = _("Gateway timeout")
    meaning = _("A service this request depends on did not answer in time.")
    advice = _("Retry later; nothing was changed by this request.")
