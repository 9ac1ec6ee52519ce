"""OpenAPI for drf-spectacular: every error an operation can give, derived from its view.

The only module that imports drf-spectacular. Use it with::

    REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "django_http_errors.schema.ProblemAutoSchema"}

Each status is listed only where the view's configuration can produce it, the way DRF and this
library's handler answer; ``extend_schema`` still overrides any response or parameter.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Iterable
from typing import Any

import uritemplate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import Direction, OpenApiParameter
from rest_framework import authentication, negotiation, pagination, permissions

from .challenges import WWW_AUTHENTICATE
from .handlers import RETRY_AFTER
from .problems import CATALOG, PROBLEM_JSON, reason_phrase

PROBLEM_COMPONENT = "Problem"
VALIDATION_PROBLEM_COMPONENT = "ValidationProblem"

IF_MATCH = "If-Match"
IF_NONE_MATCH = "If-None-Match"
IF_MODIFIED_SINCE = "If-Modified-Since"
IF_UNMODIFIED_SINCE = "If-Unmodified-Since"
ETAG = "ETag"
LAST_MODIFIED = "Last-Modified"

SAFE_METHODS = frozenset(permissions.SAFE_METHODS)
WRITE_METHODS = frozenset({"PUT", "PATCH", "DELETE"})
#: The statuses every operation can answer: an unexpected error, an unreachable database.
ALWAYS = (500, 503)

_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A problem details object (RFC 9457); clients ignore members they do not know.",
    "properties": {
        "type": {
            "type": "string",
            "format": "uri-reference",
            "description": "Opens a page that says what the problem means and what to do.",
        },
        "title": {"type": "string", "description": "Short and stable for each type."},
        "status": {
            "type": "integer",
            "minimum": 100,
            "maximum": 599,
            "description": "The response's status code.",
        },
        "detail": {"type": "string", "description": "This occurrence, for the client to read."},
        "instance": {
            "type": "string",
            "format": "uri-reference",
            "description": "The request path.",
        },
        "code": {"type": "string", "description": "A stable machine-readable code."},
        "request_id": {
            "type": "string",
            "description": "The correlation id, also in the X-Request-ID header and the logs.",
        },
    },
    "required": ["type", "title", "status", "detail", "code"],
    "additionalProperties": True,
}

_VALIDATION_PROBLEM_SCHEMA: dict[str, Any] = {
    "allOf": [
        {"$ref": f"#/components/schemas/{PROBLEM_COMPONENT}"},
        {
            "type": "object",
            "properties": {
                "errors": {
                    "type": "array",
                    "description": "Every invalid member of the request content (code invalid).",
                    "items": {
                        "type": "object",
                        "properties": {
                            "pointer": {
                                "type": "string",
                                "description": "JSON Pointer (RFC 6901) into the request "
                                "content, as a URI fragment: #/title.",
                            },
                            "detail": {"type": "string"},
                            "code": {"type": "string"},
                        },
                        "required": ["pointer", "detail", "code"],
                    },
                }
            },
        },
    ]
}


class Denial(enum.IntEnum):
    """Whom a permission can refuse for one method: ordered, so the strictest wins."""

    NOBODY = 0
    ANONYMOUS = 1
    ANYONE = 2


def permission_denial(permission: Any, method: str) -> Denial:
    """Whom ``permission`` can refuse for ``method``, from its class; unknown classes: anyone.

    A permission class may declare ``allows_safe_methods = True`` to say it never refuses GET,
    HEAD or OPTIONS (as the ``...OrReadOnly`` classes do).
    """
    safe = method in SAFE_METHODS
    # DRF's `&`, `|` and `~` build AND, OR and NOT instances holding the operands.
    if isinstance(permission, permissions.AND):
        return max(permission_denial(op, method) for op in _operands(permission))
    if isinstance(permission, permissions.OR):
        return min(permission_denial(op, method) for op in _operands(permission))
    if isinstance(permission, permissions.NOT):
        return Denial.ANYONE
    if isinstance(permission, permissions.AllowAny):
        return Denial.NOBODY
    if safe and getattr(permission, "allows_safe_methods", False):
        return Denial.NOBODY
    if isinstance(permission, permissions.IsAuthenticatedOrReadOnly):
        return Denial.NOBODY if safe else Denial.ANONYMOUS
    if isinstance(permission, permissions.IsAuthenticated):
        return Denial.ANONYMOUS
    if isinstance(permission, permissions.DjangoModelPermissionsOrAnonReadOnly):
        return Denial.NOBODY if safe else Denial.ANYONE
    if isinstance(permission, permissions.DjangoObjectPermissions):
        return Denial.ANYONE
    if isinstance(permission, permissions.DjangoModelPermissions):
        # Reads need no model permission, only (by default) an authenticated user.
        return Denial.ANONYMOUS if safe else Denial.ANYONE
    return Denial.ANYONE


def _operands(permission: Any) -> tuple[Any, Any]:
    return permission.op1, permission.op2


def _conditional_mixin() -> type | None:
    try:
        module = importlib.import_module(f"{__package__}.mixins")
    except ImportError:
        return None
    mixin = getattr(module, "ConditionalUpdateMixin", None)
    return mixin if isinstance(mixin, type) else None


def _header(name: str, description: str, *, required: bool = False) -> dict[str, Any]:
    return {"schema": {"type": "string"}, "description": description, "required": required}


def _codes_of(status: int) -> list[str]:
    return [problem.code for problem in CATALOG.values() if problem.status == status]


class ProblemAutoSchema(AutoSchema):
    """drf-spectacular's ``AutoSchema`` plus the problem responses each operation can give."""

    def get_override_parameters(self) -> list[Any]:
        """The precondition request headers and the validator response headers, then the user's."""
        own: list[Any] = []
        if self.is_conditional():
            if self.method == "GET" and self.is_detail():
                own += [
                    _parameter(IF_NONE_MATCH, _("Entity tags; a match (weak comparison) is 304.")),
                    _parameter(
                        IF_MODIFIED_SINCE,
                        _("HTTP date; not modified since (and no If-None-Match) is 304."),
                    ),
                ]
            if self.method not in SAFE_METHODS and self.is_detail():
                own += [
                    _parameter(IF_MATCH, _("The ETag you last saw; a mismatch is 412.")),
                    _parameter(IF_NONE_MATCH, _("'*' or entity tags; a match is 412 on a write.")),
                    _parameter(
                        IF_UNMODIFIED_SINCE,
                        _("HTTP date; modified since then (and no If-Match) is 412."),
                    ),
                ]
            for name, codes in self.validator_headers().items():
                own.append(
                    OpenApiParameter(
                        name,
                        type=OpenApiTypes.STR,
                        location=OpenApiParameter.HEADER,
                        response=codes,
                        description=str(_VALIDATOR_DESCRIPTIONS[name]),
                    )
                )
        return own + list(super().get_override_parameters())

    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            # Callbacks describe requests our server sends, not responses it gives.
            return responses
        for status, response in self.error_responses().items():
            given = responses.get(str(status))
            if given is None:
                responses[str(status)] = response
            elif "content" not in given:
                # An error declared through extend_schema without a body still has a problem
                # body: every error of the API is one.
                given["content"] = response["content"]
                given.setdefault("headers", response.get("headers", {}))
        return dict(sorted(responses.items()))

    def error_responses(self) -> dict[int, dict[str, Any]]:
        """The responses of each status this operation can answer besides its own, by status."""
        found: dict[int, dict[str, Any]] = {}
        for status in sorted(self.error_statuses()):
            found[status] = self.problem_response(status)
        if 304 in found:
            found[304] = {
                "description": str(_("Not Modified: the representation you hold is current.")),
            }
            headers = self._get_response_headers_for_code("304")
            if headers:
                found[304]["headers"] = headers
        return found

    def error_statuses(self) -> set[int]:
        """Every status other than the success ones that the view's configuration can give."""
        statuses = set(ALWAYS)
        method = self.method
        authenticators = list(self.view.get_authenticators())
        denial = max(
            (permission_denial(p, method) for p in self.view.get_permissions()),
            default=Denial.NOBODY,
        )
        sessions = [
            a for a in authenticators if isinstance(a, authentication.SessionAuthentication)
        ]
        if len(sessions) < len(authenticators) or (authenticators and denial):
            # Wrong credentials for a scheme that takes them, or no credentials where a
            # permission needs them: DRF raises NotAuthenticated when any class could
            # authenticate (RFC 9110 §15.5.2).
            statuses.add(401)
        if denial is Denial.ANYONE or (denial and not authenticators):
            statuses.add(403)
        if sessions and method not in SAFE_METHODS:
            # SessionAuthentication refuses an unsafe request without its CSRF token.
            statuses.add(403)
        if self.is_detail() or self.is_paginated_list():
            statuses.add(404)
        if self.negotiates_renderers():
            statuses.add(406)
        if self._get_request_body():
            statuses.add(400)
            if self.negotiates_parsers():
                statuses.add(415)
        if self.view.get_throttles():
            statuses.add(429)
        if self.is_conditional() and self.is_detail():
            if method == "GET":
                statuses.add(304)
            elif method not in SAFE_METHODS:
                statuses.add(412)
                if method in WRITE_METHODS and self.precondition_required():
                    statuses.add(428)
        return statuses

    def problem_response(self, status: int) -> dict[str, Any]:
        """The response object of one error status: the shared problem component and headers."""
        component = self.problem_component(validation=status == 400)
        codes = _codes_of(status)
        description = reason_phrase(status)
        if codes:
            description += " (" + ", ".join(f"`{code}`" for code in codes) + ")"
        response: dict[str, Any] = {
            "description": description,
            "content": {PROBLEM_JSON: {"schema": component.ref}},
        }
        headers = {}
        if status == 401:
            # RFC 9110 §15.5.2: a 401 MUST carry at least one challenge.
            headers[WWW_AUTHENTICATE] = _header(
                WWW_AUTHENTICATE,
                str(_("The challenges of the schemes to retry with.")),
                required=True,
            )
        if status in (429, 503):
            # RFC 6585 §4 and RFC 9110 §10.2.3: how long to wait, when the server knows.
            headers[RETRY_AFTER] = _header(RETRY_AFTER, str(_("Seconds to wait before retrying.")))
        if headers:
            response["headers"] = headers
        return response

    def problem_component(self, *, validation: bool = False) -> ResolvedComponent:
        """The shared ``Problem`` component, or its ``ValidationProblem`` variant (``errors``)."""
        problem = ResolvedComponent(
            name=PROBLEM_COMPONENT,
            type=ResolvedComponent.SCHEMA,
            schema=_PROBLEM_SCHEMA,
            object=PROBLEM_COMPONENT,
        )
        self.registry.register_on_missing(problem)
        if not validation:
            return problem
        variant = ResolvedComponent(
            name=VALIDATION_PROBLEM_COMPONENT,
            type=ResolvedComponent.SCHEMA,
            schema=_VALIDATION_PROBLEM_SCHEMA,
            object=VALIDATION_PROBLEM_COMPONENT,
        )
        self.registry.register_on_missing(variant)
        return variant

    def is_detail(self) -> bool:
        """Whether the path names one resource: an unknown (or hidden) one is 404."""
        return bool(uritemplate.variables(self.path))

    def is_paginated_list(self) -> bool:
        """Whether a list's paginator answers 404 for a page that does not exist."""
        paginator = self._get_paginator()
        return (
            self.method == "GET"
            and self._is_list_view()
            and isinstance(
                paginator, (pagination.PageNumberPagination, pagination.CursorPagination)
            )
        )

    def negotiates_renderers(self) -> bool:
        """Whether DRF answers 406 to an ``Accept`` no renderer serves (RFC 9110 §15.5.7)."""
        return isinstance(
            self.view.get_content_negotiator(), negotiation.DefaultContentNegotiation
        ) and not _accepts_anything(r.media_type for r in self.view.get_renderers())

    def negotiates_parsers(self) -> bool:
        """Whether DRF answers 415 to a content type no parser reads (RFC 9110 §15.5.16)."""
        return isinstance(
            self.view.get_content_negotiator(), negotiation.DefaultContentNegotiation
        ) and not _accepts_anything(p.media_type for p in self.view.get_parsers())

    def is_conditional(self) -> bool:
        """Whether the view evaluates preconditions (``ConditionalUpdateMixin``)."""
        mixin = _conditional_mixin()
        return mixin is not None and isinstance(self.view, mixin)

    def precondition_required(self) -> bool:
        """Whether a write without ``If-Match`` or ``If-Unmodified-Since`` is 428."""
        return bool(getattr(self.view, "precondition_required", False))

    def validator_headers(self) -> dict[str, list[str]]:
        """Which success responses carry ``ETag`` and ``Last-Modified`` (RFC 9110 §8.8)."""
        codes: list[str] = []
        if self.is_detail() and self.method in ("GET", "PATCH"):
            codes = ["200", "304"] if self.method == "GET" else ["200"]
        elif self._is_create_operation():
            codes = ["201"]
        if not codes:
            return {}
        return {ETAG: codes, LAST_MODIFIED: codes}


_VALIDATOR_DESCRIPTIONS = {
    ETAG: _("The entity tag of the representation: send it in If-Match to change it."),
    LAST_MODIFIED: _("When the resource last changed, to the second."),
}


def _parameter(name: str, description: Any) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        type=OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        required=False,
        description=str(description),
    )


def _accepts_anything(media_types: Iterable[str]) -> bool:
    return any(media_type == "*/*" for media_type in media_types)
