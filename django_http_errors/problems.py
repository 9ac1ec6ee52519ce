"""The RFC 9457 problem details object as a plain value, and the catalog of problem types."""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: RFC 9457 §3: the media type of a problem details JSON object.
PROBLEM_JSON = "application/problem+json"
#: RFC 9457 §4.2.1: the type that means "nothing more than the status code".
ABOUT_BLANK = "about:blank"

StrOrPromise = str | Promise


@dataclass(frozen=True)
class ProblemType:
    """One documented problem type: its ``code``, status, title and what a client should do."""

    code: str
    status: int
    title: StrOrPromise
    meaning: StrOrPromise
    advice: StrOrPromise

    @property
    def slug(self) -> str:
        """The last segment of the type URI (``precondition-failed``)."""
        return self.code.replace("_", "-")


def _t(
    code: str, status: int, title: StrOrPromise, meaning: StrOrPromise, advice: StrOrPromise
) -> ProblemType:
    # The texts are wrapped in _() at the call, where makemessages finds them.
    return ProblemType(code, status, title, meaning, advice)


CATALOG: dict[str, ProblemType] = {
    p.code: p
    for p in (
        _t(
            "invalid",
            400,
            _("Invalid input"),
            _(
                "One or more members of the request content are invalid; `errors` lists each one "
                "with a JSON Pointer to it and a stable code."
            ),
            _("Correct the members that `errors` points at and send the request again."),
        ),
        _t(
            "parse_error",
            400,
            _("Malformed request content"),
            _("The request content could not be parsed in the format its Content-Type names."),
            _("Send well-formed content (for JSON, a valid JSON document)."),
        ),
        _t(
            "bad_request",
            400,
            _("Bad request"),
            _("The request could not be understood."),
            _("Check the request line and headers before trying again."),
        ),
        _t(
            "idempotency_key_required",
            400,
            _("Idempotency-Key required"),
            _(
                "This unsafe request must carry an Idempotency-Key header, so that a retry is "
                "answered from the first request instead of being done twice."
            ),
            _(
                'Send a new unique key, such as a UUID, as Idempotency-Key: "<key>", and the '
                "same key again with each retry of this request."
            ),
        ),
        _t(
            "idempotency_key_malformed",
            400,
            _("Malformed Idempotency-Key"),
            _(
                "The Idempotency-Key header is not a structured-field string (RFC 8941) of 1 to "
                "255 printable ASCII characters."
            ),
            _('Send the key as a quoted string: Idempotency-Key: "<key>".'),
        ),
        _t(
            "idempotency_key_unauthenticated",
            400,
            _("Idempotency-Key needs authentication"),
            _(
                "A key belongs to the client that sent it, and this request does not say who "
                "the client is, so its answer could not be kept for it alone."
            ),
            _("Authenticate, or send the request without an Idempotency-Key."),
        ),
        _t(
            "not_authenticated",
            401,
            _("Authentication required"),
            _("The request carries no credentials and the resource requires them."),
            _("Authenticate with one of the schemes the WWW-Authenticate header lists."),
        ),
        _t(
            "authentication_failed",
            401,
            _("Authentication failed"),
            _("The credentials sent are wrong, unknown or expired."),
            _("Obtain valid credentials for the scheme named in WWW-Authenticate and retry."),
        ),
        _t(
            "permission_denied",
            403,
            _("Permission denied"),
            _("The client is authenticated but is not allowed to do this."),
            _("Do not repeat the request with the same credentials; ask for access."),
        ),
        _t(
            "csrf_failed",
            403,
            _("CSRF verification failed"),
            _("A session-authenticated unsafe request did not carry a valid CSRF token."),
            _("Send the CSRF token in the X-CSRFToken header along with the session cookie."),
        ),
        _t(
            "insufficient_scope",
            403,
            _("Insufficient scope"),
            _("The access token is valid but lacks a scope this request needs (RFC 6750 §3.1)."),
            _("Obtain a token with the scope named in WWW-Authenticate."),
        ),
        _t(
            "authentication_required",
            403,
            _("Authentication required"),
            _(
                "The resource requires an authenticated client, and this API offers no way to "
                "authenticate on it."
            ),
            _("Use an endpoint that accepts your credentials, or ask the API's operators."),
        ),
        _t(
            "not_owner",
            403,
            _("Not the owner"),
            _("Only the owner of this resource may do this."),
            _("Do not repeat the request with the same credentials; ask the owner."),
        ),
        _t(
            "staff_only",
            403,
            _("Staff only"),
            _("Only staff may do this."),
            _("Do not repeat the request with the same credentials; ask a staff member."),
        ),
        _t(
            "model_permission_required",
            403,
            _("Model permission required"),
            _("The client lacks the permission on this kind of resource that the request needs."),
            _("Ask the API's operators for the permission."),
        ),
        _t(
            "object_permission_required",
            403,
            _("Object permission required"),
            _("The client lacks the permission on this resource that the request needs."),
            _("Ask the resource's owner or the API's operators for the permission."),
        ),
        _t(
            "not_found",
            404,
            _("Not found"),
            _("There is no resource at this URL, or none that the client may know about."),
            _("Check the URL or identifier."),
        ),
        _t(
            "method_not_allowed",
            405,
            _("Method not allowed"),
            _("The resource does not support this method."),
            _("Use one of the methods listed in the Allow header."),
        ),
        _t(
            "not_acceptable",
            406,
            _("Not acceptable"),
            _("No representation matches the request's Accept header."),
            _("Accept application/json (or another format the API offers)."),
        ),
        _t(
            "conflict",
            409,
            _("Conflict"),
            _(
                "The request conflicts with the current state of the resource, for example a "
                "uniqueness rule or a reference that protects it from deletion."
            ),
            _("Fetch the resource's current state, resolve the conflict and retry."),
        ),
        _t(
            "idempotency_key_in_use",
            409,
            _("Idempotency-Key in use"),
            _("A request with this Idempotency-Key is still being processed."),
            _(
                "Retry the same request with the same key in a moment: once the first one is "
                "done, you get its answer."
            ),
        ),
        _t(
            "idempotent_answer_lost",
            409,
            _("Answer lost"),
            _(
                "The first request with this Idempotency-Key made its change, but the server "
                "failed before it could keep the answer."
            ),
            _(
                "Do not send the request again: look the resource up (for example in its list) "
                "to see the change."
            ),
        ),
        _t(
            "precondition_failed",
            412,
            _("Precondition failed"),
            _(
                "A precondition (If-Match, If-None-Match, If-Unmodified-Since) evaluated to false: "
                "the resource changed since the client last saw it."
            ),
            _(
                "Fetch the resource again, reapply the change to it and send the new ETag in "
                "If-Match."
            ),
        ),
        _t(
            "length_required",
            411,
            _("Length required"),
            _(
                "The request carries content without a Content-Length (for example "
                "Transfer-Encoding: chunked), which this server cannot read."
            ),
            _("Send the content with a Content-Length header."),
        ),
        _t(
            "content_too_large",
            413,
            _("Content too large"),
            _("The request content is larger than the server accepts."),
            _("Send smaller content, for example split over several requests."),
        ),
        _t(
            "unsupported_media_type",
            415,
            _("Unsupported media type"),
            _("The request content is in a format the resource does not accept."),
            _("Send the content as application/json (or another format the API accepts)."),
        ),
        _t(
            "idempotency_key_reused",
            422,
            _("Idempotency-Key reused"),
            _(
                "This Idempotency-Key was used before for a request with other content (method, "
                "path, content type or body)."
            ),
            _("Send a new key for a new request; retry a request only with its own key."),
        ),
        _t(
            "precondition_required",
            428,
            _("Precondition required"),
            _(
                "This resource only accepts conditional writes, so that no update is lost "
                "(RFC 6585 §3)."
            ),
            _("Fetch the resource, then send its ETag in If-Match with the write."),
        ),
        _t(
            "throttled",
            429,
            _("Too many requests"),
            _("The client sent too many requests in a given amount of time."),
            _("Wait for the number of seconds in Retry-After before retrying."),
        ),
        _t(
            "server_error",
            500,
            _("Internal server error"),
            _("The server met an unexpected condition. It has been logged."),
            _("Retry later; if it persists, report the request_id to the API's operators."),
        ),
        _t(
            "bad_gateway",
            502,
            _("Bad gateway"),
            _(
                "A service this request depends on refused the connection or answered with an "
                "error."
            ),
            _("Retry later; nothing was changed by this request."),
        ),
        _t(
            "service_unavailable",
            503,
            _("Service unavailable"),
            _(
                "The service cannot handle the request right now, for example because its database "
                "is unreachable."
            ),
            _("Wait for the number of seconds in Retry-After before retrying."),
        ),
        _t(
            "gateway_timeout",
            504,
            _("Gateway timeout"),
            _("A service this request depends on did not answer in time."),
            _("Retry later; nothing was changed by this request."),
        ),
    )
}


def reason_phrase(status: int) -> str:
    """The status's reason phrase: the title of an ``about:blank`` problem (RFC 9457 §4.2.1)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


@dataclass(slots=True)
class Problem:
    """A problem details object (RFC 9457 §3): standard members plus our extensions."""

    status: int
    title: StrOrPromise
    detail: StrOrPromise
    code: str
    type: str = ABOUT_BLANK
    instance: str | None = None
    errors: list[dict[str, str]] | None = None
    extensions: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The JSON object; ``status`` always equals the response's status (RFC 9457 §3.1.2)."""
        body: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.instance is not None:
            body["instance"] = self.instance
        body["code"] = self.code
        if self.errors is not None:
            body["errors"] = self.errors
        for name, value in self.extensions.items():
            # An extension never replaces a standard member: ``status`` must stay the status.
            body.setdefault(name, value)
        return body
