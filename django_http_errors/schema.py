"""OpenAPI for drf-spectacular: every error an operation can give, derived from its view.

The only module that imports drf-spectacular. Use it with::

    REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "django_http_errors.schema.ProblemAutoSchema"}

Each status is listed only where the view's configuration can produce it, the way DRF and this
library's handler answer; ``extend_schema`` still overrides any response or parameter.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import uritemplate
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, get_view_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import Direction, OpenApiParameter
from rest_framework import authentication, negotiation, pagination, permissions

from . import permissions as ours
from .challenges import WWW_AUTHENTICATE
from .exceptions import RETRY_AFTER
from .idempotency import IDEMPOTENCY_KEY, IdempotencyMixin
from .mixins import ConditionalUpdateMixin
from .problems import PROBLEM_JSON, reason_phrase

PROBLEM_COMPONENT = "Problem"
VALIDATION_PROBLEM_COMPONENT = "ValidationProblem"

IF_MATCH = "If-Match"
IF_NONE_MATCH = "If-None-Match"
IF_MODIFIED_SINCE = "If-Modified-Since"
IF_UNMODIFIED_SINCE = "If-Unmodified-Since"
ETAG = "ETag"
LAST_MODIFIED = "Last-Modified"

#: A string without NUL, as an ECMA-262 regular expression (OpenAPI 3.0 §4.7.24).
NO_NUL_PATTERN = "^[^\\u0000]*$"

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
    """Whom a permission can refuse: ordered, so that the strictest of several wins."""

    NOBODY = 0
    ANONYMOUS = 1
    ANYONE = 2


@dataclass(frozen=True)
class Refusal:
    """Whom a permission can refuse for one method, at view level and at object level.

    ``hides``: an object-level refusal is answered as if the object did not exist (404).
    """

    view: Denial
    object: Denial = Denial.NOBODY
    hides: bool = False


def permission_refusal(permission: Any, method: str) -> Refusal:
    """Whom ``permission`` (an instance) can refuse for ``method``; unknown classes: anyone.

    Known are DRF's classes, this library's ``permissions`` and both kinds of composition; a
    class of your own is taken to refuse anyone at each level whose method it overrides.
    """
    safe = method in SAFE_METHODS
    if isinstance(permission, ours.Hidden):
        inner = permission_refusal(permission.parts[0], method)
        return Refusal(inner.view, inner.object, hides=True)
    if isinstance(permission, (ours.And, permissions.AND)):
        return _composed(max, [permission_refusal(p, method) for p in _operands(permission)])
    if isinstance(permission, (ours.Or, permissions.OR)):
        return _composed(min, [permission_refusal(p, method) for p in _operands(permission)])
    if isinstance(permission, (ours.Not, permissions.NOT)):
        return Refusal(Denial.ANYONE, Denial.ANYONE)
    if isinstance(permission, ours.Permission) and hasattr(permission, "permission"):
        # A DRF permission wrapped to take part in a composition.
        return permission_refusal(permission.permission, method)
    if isinstance(permission, ours.IsOwnerOrReadOnly):
        return Refusal(Denial.NOBODY) if safe else _object_rule(permission)
    if isinstance(permission, ours.IsOwner):
        return _object_rule(permission)
    if isinstance(permission, (ours.AllowAny, permissions.AllowAny)):
        return Refusal(Denial.NOBODY)
    if isinstance(
        permission, (ours.IsAuthenticatedOrReadOnly, permissions.IsAuthenticatedOrReadOnly)
    ):
        return Refusal(Denial.NOBODY if safe else Denial.ANONYMOUS)
    if isinstance(permission, (ours.IsAuthenticated, permissions.IsAuthenticated)):
        return Refusal(Denial.ANONYMOUS)
    if isinstance(permission, (ours.IsAdminUser, permissions.IsAdminUser)):
        return Refusal(Denial.ANYONE)
    if isinstance(permission, permissions.DjangoObjectPermissions):
        # Who may not read an object gets 404: DRF hides it on reads.
        return Refusal(Denial.ANONYMOUS if safe else Denial.ANYONE, Denial.ANYONE, hides=safe)
    if isinstance(permission, permissions.DjangoModelPermissionsOrAnonReadOnly):
        return Refusal(Denial.NOBODY if safe else Denial.ANYONE)
    if isinstance(permission, permissions.DjangoModelPermissions):
        # Reads need no model permission, only (by default) an authenticated user.
        return Refusal(Denial.ANONYMOUS if safe else Denial.ANYONE)
    # A class of your own refuses at the levels whose method it overrides.
    cls = type(permission)
    base = permissions.BasePermission
    return Refusal(
        Denial.ANYONE if cls.has_permission is not base.has_permission else Denial.NOBODY,
        Denial.ANYONE
        if cls.has_object_permission is not base.has_object_permission
        else Denial.NOBODY,
    )


def _operands(permission: Any) -> list[Any]:
    # Ours keep their operands in ``parts``; DRF's in ``op1`` and ``op2``.
    parts = getattr(permission, "parts", None)
    return list(parts) if parts is not None else [permission.op1, permission.op2]


def _object_rule(permission: Any) -> Refusal:
    # Anonymous users are refused before the lookup; others by the object-level rule.
    hides = bool(getattr(permission, "hide_denied_objects", False))
    return Refusal(Denial.ANONYMOUS, Denial.ANYONE, hides=hides)


def _composed(pick: Callable[[Iterable[Denial]], Denial], parts: list[Refusal]) -> Refusal:
    # Both must allow (and, max): the strictest refuses; either may allow (or, min): the most
    # lenient.
    return Refusal(
        pick(p.view for p in parts),
        pick(p.object for p in parts),
        hides=any(p.hides for p in parts),
    )


def _header(description: str, *, required: bool = False) -> dict[str, Any]:
    return {"schema": {"type": "string"}, "description": description, "required": required}


class Preconditions(enum.Enum):
    """How ``ConditionalUpdateMixin`` treats an operation (RFC 9110 §13.2)."""

    #: Not at all: the view does not use the mixin, or the operation is not one it guards.
    NONE = "none"
    #: GET of one object: ETag and Last-Modified, 304, 412.
    READ_OBJECT = "read-object"
    #: GET of a list: a weak ETag, 304, 412.
    READ_LIST = "read-list"
    #: POST to the list: the created object's validators; 412 for a false precondition.
    CREATE = "create"
    #: PUT, PATCH, DELETE or an unsafe action on one object: 412, and 428 when required.
    WRITE = "write"


_REQUEST_HEADERS = {
    Preconditions.READ_OBJECT: (IF_MATCH, IF_NONE_MATCH, IF_MODIFIED_SINCE, IF_UNMODIFIED_SINCE),
    Preconditions.READ_LIST: (IF_MATCH, IF_NONE_MATCH),
    # The list has no Last-Modified, so a POST ignores If-Unmodified-Since (RFC 9110 §13.1.4).
    Preconditions.CREATE: (IF_MATCH, IF_NONE_MATCH),
    Preconditions.WRITE: (IF_MATCH, IF_NONE_MATCH, IF_UNMODIFIED_SINCE),
}

_REQUEST_HEADER_DESCRIPTIONS = {
    IF_MATCH: _("The ETag you last saw (strong comparison); no match is 412."),
    IF_NONE_MATCH: _(
        "'*' or entity tags (weak comparison); a match is 304 on GET, 412 on a write."
    ),
    IF_MODIFIED_SINCE: _("An HTTP date; not modified since then (and no If-None-Match) is 304."),
    IF_UNMODIFIED_SINCE: _("An HTTP date; modified since then (and no If-Match) is 412."),
}

_IDEMPOTENCY_KEY_DESCRIPTION = _(
    'A unique key, such as a UUID, as a quoted string ("8e03..."), sent again with each retry: '
    "the request is done once and its answer replayed; the same key with other content is "
    "422, while the first is in flight 409."
)

_VALIDATOR_DESCRIPTIONS = {
    ETAG: _("The entity tag of the representation: send it in If-Match to change it."),
    LAST_MODIFIED: _("When the resource last changed, to the second."),
}


class ProblemAutoSchema(AutoSchema):
    """drf-spectacular's ``AutoSchema`` plus the problem responses each operation can give."""

    def get_override_parameters(self) -> list[Any]:
        """The precondition request headers and the validator response headers, then the user's.

        The user's ``extend_schema(parameters=...)`` come last, so they replace ours.
        """
        own: list[Any] = [
            OpenApiParameter(
                name,
                type=OpenApiTypes.STR,
                location=OpenApiParameter.HEADER,
                required=False,
                description=str(_REQUEST_HEADER_DESCRIPTIONS[name]),
            )
            for name in _REQUEST_HEADERS.get(self.preconditions(), ())
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
        view = self.view
        if isinstance(view, IdempotencyMixin) and self.takes_idempotency_key():
            own.append(
                OpenApiParameter(
                    IDEMPOTENCY_KEY,
                    type=OpenApiTypes.STR,
                    location=OpenApiParameter.HEADER,
                    required=view.is_idempotency_key_required(),
                    description=str(_IDEMPOTENCY_KEY_DESCRIPTION),
                )
            )
        return own + list(super().get_override_parameters())

    def takes_idempotency_key(self) -> bool:
        """Whether the view's ``IdempotencyMixin`` honours a key on this operation."""
        return (
            isinstance(self.view, IdempotencyMixin)
            and self.method not in SAFE_METHODS
            and self.method in self.view.idempotent_methods
        )

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        if not any(isinstance(v, ProhibitNullCharactersValidator) for v in field.validators):
            return
        # DRF's CharField refuses NUL with a 400: say so, or clients would send it as valid.
        # Added after DRF's own validators, so that it never makes a blank string a second
        # alternative of drf-spectacular's oneOf.
        target = schema["oneOf"][0] if "oneOf" in schema else schema
        if target.get("type") == "string" and "pattern" not in target:
            target["pattern"] = NO_NUL_PATTERN

    def get_auth(self) -> list[dict[str, Any]]:
        """drf-spectacular's security requirements, plus ``{}`` where anonymous requests pass."""
        auth: list[dict[str, Any]] = super().get_auth()
        if auth and {} not in auth and self.refused_at_view_level() is Denial.NOBODY:
            auth.append({})
        return auth

    def refused_at_view_level(self) -> Denial:
        """Whom the view's permissions can refuse before any object is looked up."""
        refusals = [permission_refusal(p, self.method) for p in self.view.get_permissions()]
        return max((r.view for r in refusals), default=Denial.NOBODY)

    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            # Callbacks describe requests our server sends, not responses it gives.
            return responses
        for status in self.error_statuses():
            given = responses.get(str(status))
            if given is None:
                responses[str(status)] = self.error_response(status)
            elif status != 304 and "content" not in given:
                # An error declared through extend_schema without a body still has a problem
                # body: every error of the API is one.
                given.update(self.error_response(status), description=given["description"])
        for code, given in responses.items():
            if int(code) >= 400 and "content" not in given:
                given.update(self.error_response(int(code)), description=given["description"])
        return dict(sorted(responses.items()))

    def error_response(self, status: int) -> dict[str, Any]:
        """The response object of a status this operation can answer besides its own."""
        if status == 304:
            response: dict[str, Any] = {
                "description": str(_("Not Modified: the representation you hold is current.")),
            }
            headers = self._get_response_headers_for_code("304")
            if headers:
                response["headers"] = headers
            return response
        return self.problem_response(status)

    def error_statuses(self) -> set[int]:
        """Every status other than the success ones that the view's configuration can give."""
        statuses = set(ALWAYS)
        method = self.method
        detail = self.is_detail()
        authenticators = list(self.view.get_authenticators())
        refusals = [permission_refusal(p, method) for p in self.view.get_permissions()]
        view_level = self.refused_at_view_level()
        # Object permissions are checked only where DRF looks up one object.
        object_level = max((r.object for r in refusals), default=Denial.NOBODY) if detail else 0
        hides = getattr(self.view, "hide_denied_objects", False) or any(r.hides for r in refusals)
        refused = max(view_level, object_level)
        sessions = [
            a for a in authenticators if isinstance(a, authentication.SessionAuthentication)
        ]
        if len(sessions) < len(authenticators) or (authenticators and refused):
            # Wrong credentials for a scheme that takes them; or no credentials where a
            # permission refuses: DRF raises NotAuthenticated when the view has authentication
            # classes (RFC 9110 §15.5.2).
            statuses.add(401)
        if (
            view_level is Denial.ANYONE
            or (object_level is Denial.ANYONE and not hides)
            or (refused and not authenticators)
        ):
            statuses.add(403)
        if sessions and method not in SAFE_METHODS:
            # SessionAuthentication refuses an unsafe request without its CSRF token.
            statuses.add(403)
        if detail or self.is_paginated_list():
            statuses.add(404)
        if self.negotiates_renderers():
            statuses.add(406)
        if self._get_request_body():
            statuses.add(400)
            if self.negotiates_parsers():
                statuses.add(415)
        if self.view.get_throttles():
            statuses.add(429)
        if self.takes_idempotency_key():
            # A malformed or missing key (400), a key in flight or whose answer was lost (409),
            # a key reused for other content (422).
            statuses |= {400, 409, 422}
        preconditions = self.preconditions()
        if preconditions in (Preconditions.READ_OBJECT, Preconditions.READ_LIST):
            statuses |= {304, 412}
        elif preconditions is Preconditions.CREATE:
            # A POST is never required to be conditional: 412 only, no 428.
            statuses.add(412)
        elif preconditions is Preconditions.WRITE:
            statuses.add(412)
            if method in WRITE_METHODS:
                # RFC 6585 §3: a required precondition that is missing is 428; an optional
                # one that is missing leaves a concurrent change to the compare-and-swap: 409.
                statuses.add(428 if self._conditional_view.is_precondition_required() else 409)
        return statuses

    def problem_response(self, status: int) -> dict[str, Any]:
        """The response object of one error status: the shared problem component and headers."""
        component = self.problem_component(validation=status == 400)
        response: dict[str, Any] = {
            "description": reason_phrase(status),
            "content": {PROBLEM_JSON: {"schema": component.ref}},
        }
        headers = {}
        if status == 401:
            # RFC 9110 §15.5.2: a 401 MUST carry at least one challenge.
            headers[WWW_AUTHENTICATE] = _header(
                str(_("The challenges of the schemes to retry with.")), required=True
            )
        if status in (429, 503):
            # RFC 6585 §4 and RFC 9110 §10.2.3: how long to wait, when the server knows.
            headers[RETRY_AFTER] = _header(str(_("Seconds to wait before retrying.")))
        if headers:
            response["headers"] = headers
        return response

    def problem_component(self, *, validation: bool = False) -> ResolvedComponent:
        """The shared ``Problem`` component, or its ``ValidationProblem`` variant (``errors``)."""
        problem = self._component(PROBLEM_COMPONENT, _PROBLEM_SCHEMA)
        if not validation:
            return problem
        return self._component(VALIDATION_PROBLEM_COMPONENT, _VALIDATION_PROBLEM_SCHEMA)

    def _component(self, name: str, schema: dict[str, Any]) -> ResolvedComponent:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
        )
        self.registry.register_on_missing(component)
        return component

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

    def preconditions(self) -> Preconditions:
        """How the view's ``ConditionalUpdateMixin``, if any, treats this operation."""
        if not isinstance(self.view, ConditionalUpdateMixin):
            return Preconditions.NONE
        action = getattr(self.view, "action", None)
        if self.method == "GET":
            if self.is_detail():
                # A custom GET action shows something else than the object its validators
                # describe, so the mixin leaves it alone.
                return (
                    Preconditions.READ_OBJECT
                    if action in (None, "retrieve")
                    else Preconditions.NONE
                )
            if action in (None, "list") and self._is_list_view() and self._tracks_changes():
                return Preconditions.READ_LIST
            return Preconditions.NONE
        if self.method in SAFE_METHODS:
            return Preconditions.NONE
        if self.is_detail():
            return Preconditions.WRITE
        if self._is_create_operation():
            return Preconditions.CREATE
        return Preconditions.NONE

    def validator_headers(self) -> dict[str, list[str]]:
        """Which success responses carry ``ETag`` and ``Last-Modified`` (RFC 9110 §8.8)."""
        preconditions = self.preconditions()
        codes = {
            Preconditions.READ_OBJECT: ["200", "304"],
            Preconditions.READ_LIST: ["200", "304"],
            Preconditions.CREATE: ["201"],
            # After a change the validators describe the new state (§8.8); a PUT gets none,
            # as what is stored is not exactly what was sent (§9.3.4).
            Preconditions.WRITE: ["200"] if self.method == "PATCH" else [],
        }.get(preconditions, [])
        if not codes:
            return {}
        headers = {ETAG: codes}
        model = get_view_model(self.view)
        if preconditions is not Preconditions.READ_LIST and (
            model is not None and self._conditional_view.get_last_modified_field(model)
        ):
            headers[LAST_MODIFIED] = codes
        return headers

    @property
    def _conditional_view(self) -> Any:
        # The view as the mixin's methods see it (a ConditionalUpdateMixin when they are used).
        return self.view

    def _tracks_changes(self) -> bool:
        model = get_view_model(self.view)
        return model is not None and bool(
            self._conditional_view.get_version_field(model)
            or self._conditional_view.get_last_modified_field(model)
        )


def _accepts_anything(media_types: Iterable[str]) -> bool:
    return any(media_type == "*/*" for media_type in media_types)
