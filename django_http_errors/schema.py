"""OpenAPI for drf-spectacular: every error an operation can give, derived from its view.

The only module that imports drf-spectacular. Use it with::

    REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "django_http_errors.schema.ProblemAutoSchema"}

Each status is listed only where the view's configuration can produce it, the way DRF and this
library's handler answer; ``extend_schema`` still overrides any response or parameter.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import uritemplate
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import BasicScheme
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance, get_doc, get_view_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import Direction, OpenApiParameter
from rest_framework import authentication, negotiation, permissions
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import CreateModelMixin
from rest_framework.settings import api_settings

from .adoption import DRFErrorsMixin
from .compat import keeps_drf_members
from .conditional import (
    ETAG,
    GUARDED_METHODS,
    IF_MATCH,
    IF_MODIFIED_SINCE,
    IF_NONE_MATCH,
    IF_UNMODIFIED_SINCE,
    LAST_MODIFIED,
)
from .conf import request_id_header
from .exceptions import RETRY_AFTER, PreconditionFailed, PreconditionRequired
from .handlers import JSON
from .http_names import WWW_AUTHENTICATE
from .idempotency import IDEMPOTENCY_KEY, IdempotencyMixin
from .mixins import ConditionalUpdateMixin
from .permissions import Refusal, RefusalLevel, refusals
from .problems import PROBLEM_JSON, reason_phrase
from .query.parameters import query_error_statuses
from .throttling import ThrottledBasicAuthentication

__all__ = ["ProblemAutoSchema"]

PROBLEM_COMPONENT = "Problem"
VALIDATION_PROBLEM_COMPONENT = "ValidationProblem"
INVALID_MEMBER_COMPONENT = "InvalidMember"
INVALID_QUERY_PROBLEM_COMPONENT = "InvalidQueryProblem"
INVALID_PARAMETER_COMPONENT = "InvalidParameter"
PRECONDITION_FAILED_COMPONENT = "PreconditionFailedProblem"
PRECONDITION_REQUIRED_COMPONENT = "PreconditionRequiredProblem"
DRF_MEMBERS_COMPONENT = "ErrorWithDRFMembers"
#: The body of a view that answers with DRF's handler (``DRFErrorsMixin``).
DRF_ERROR_COMPONENT = "DRFError"

LOCATION = "Location"

#: A string without NUL, as an ECMA-262 regular expression (OpenAPI 3.0 §4.7.24).
NO_NUL_PATTERN = "^[^\\u0000]*$"

SAFE_METHODS = frozenset(permissions.SAFE_METHODS)
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
    # No additionalProperties: JSON Schema allows extension members by default, and `true`
    # would give typed clients an index signature (openapi-typescript's `[key: string]:
    # unknown`) under which `"errors" in problem` no longer narrows.
}


#: The body of a view that keeps DRF's members (``compat``): whatever DRF's handler answered, so
#: no problem member is promised a type (a field may be named ``title``).
_DRF_ERROR_SCHEMA: dict[str, Any] = {
    "description": (
        'DRF\'s own error body: {"detail": "..."}, or {"<field>": ["..."]} for invalid content, '
        "or a list for content invalid as a whole (the view answers with DRF's handler, or the "
        "one it names)."
    ),
    "oneOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {}},
    ],
}
_DRF_MEMBERS_SCHEMA: dict[str, Any] = {
    "description": (
        'DRF\'s own error body ({"detail": "..."}, or {"<field>": ["..."]} for '
        "invalid content), with the members of the problem (RFC 9457: type, title, status, "
        "detail, code, errors, ...) whose names it does not use; a list for content invalid as "
        "a whole. Kept for clients that read DRF's bodies."
    ),
    "oneOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {}},
    ],
}


@dataclass(frozen=True)
class ProblemComponent:
    """The component of one status's problems: the base ``Problem``, its ``status`` typed as
    that status, so clients can switch on it, and its extension members."""

    status: int
    name: str
    description: str
    members: dict[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()

    def schema(self) -> dict[str, Any]:
        """``allOf`` the base problem and this status's ``status`` and extension members."""
        status = {"type": "integer", "enum": [self.status]}
        extension: dict[str, Any] = {
            "type": "object",
            "properties": {"status": status, **self.members},
            "required": ["status", *self.required],
        }
        return {
            "description": self.description,
            "allOf": [{"$ref": f"#/components/schemas/{PROBLEM_COMPONENT}"}, extension],
        }

    @classmethod
    def of_status(cls, status: int) -> ProblemComponent:
        """The component of a status whose problems have no members of their own: named
        after its reason phrase (``NotFoundProblem``)."""
        phrase = reason_phrase(status)
        return PROBLEM_COMPONENTS.get(status) or cls(
            status,
            f"{_pascal_case(phrase) if _is_registered(status) else f'Status{status}'}Problem",
            f"A problem of a {status} {phrase} response.",
        )


def _pascal_case(phrase: str) -> str:
    # "URI Too Long" -> "URITooLong": acronyms stay as they are.
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"[\s-]+", phrase))


def _is_registered(status: int) -> bool:
    try:
        HTTPStatus(status)
    except ValueError:
        return False
    return True


#: The problems whose bodies have members of their own, by status.
PROBLEM_COMPONENTS: dict[int, ProblemComponent] = {
    400: ProblemComponent(
        400,
        VALIDATION_PROBLEM_COMPONENT,
        "Invalid request content (code invalid, with errors) or content that cannot be parsed.",
        {
            "errors": {
                "type": "array",
                "description": "Every invalid member of the request content (code invalid).",
                "items": {"$ref": f"#/components/schemas/{INVALID_MEMBER_COMPONENT}"},
            }
        },
    ),
    412: ProblemComponent(
        412,
        PRECONDITION_FAILED_COMPONENT,
        "A precondition was false: the resource changed since the client saw it.",
        PreconditionFailed.extension_members,
    ),
    428: ProblemComponent(
        428,
        PRECONDITION_REQUIRED_COMPONENT,
        "The write must be conditional.",
        PreconditionRequired.extension_members,
        required=tuple(PreconditionRequired.extension_members),
    ),
}

_INVALID_MEMBER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "One invalid member of the request content.",
    "properties": {
        "pointer": {
            "type": "string",
            "description": "JSON Pointer (RFC 6901) into the request content, as a URI "
            "fragment: #/title.",
        },
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "A stable machine-readable code."},
    },
    "required": ["pointer", "detail", "code"],
}


#: The 400 of a query the view cannot use (``InvalidQueryParameters``).
INVALID_QUERY_PROBLEM = ProblemComponent(
    400,
    INVALID_QUERY_PROBLEM_COMPONENT,
    "Query parameters that are malformed, out of range or unknown (code invalid_query).",
    {
        "errors": {
            "type": "array",
            "description": "Every invalid query parameter, by name.",
            "items": {"$ref": f"#/components/schemas/{INVALID_PARAMETER_COMPONENT}"},
        }
    },
    required=("errors",),
)

_INVALID_PARAMETER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "One invalid query parameter of the request.",
    "properties": {
        "parameter": {
            "type": "string",
            "description": "The query parameter's name, as the client sent it: page_size.",
        },
        "detail": {"type": "string", "description": "What is wrong, and what is accepted."},
        "code": {"type": "string", "description": "A stable machine-readable code."},
    },
    "required": ["parameter", "detail", "code"],
}


class Preconditions(enum.Enum):
    """How ``ConditionalUpdateMixin`` treats an operation."""

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
    # The list has no Last-Modified, so a POST ignores If-Unmodified-Since.
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

#: Every key idempotency_keys accepts, as an ECMA-262 regular expression: a structured-field
#: string of 1 to 255 characters (an escaped quote or backslash counting as one), or the bare
#: token many clients send.
IDEMPOTENCY_KEY_PATTERN = (
    '^(?:"(?:[ !#-\\[\\]-~]|\\\\["\\\\]){1,255}"|[!#$%&\'*+.^_`|~0-9A-Za-z:/=-]{1,255})$'
)
_IDEMPOTENCY_KEY_DESCRIPTION = _(
    'A unique key, such as a UUID, as a quoted string ("8e03...") or bare, sent again with '
    "each retry: the request is done once and its answer replayed; the same key with other "
    "content is 422, while the first is in flight 409."
)

#: DRF's generic actions, which have no docstring of their own: how to name each operation
#: (its summary) and what it does (the first paragraph of its description).
_GENERIC_ACTIONS: dict[str, tuple[Any, Any]] = {
    "list": (_("List %(plural)s"), _("Lists the %(plural)s.")),
    "create": (_("Create %(singular)s"), _("Creates one %(singular)s from the request content.")),
    "retrieve": (_("Retrieve %(singular)s"), _("Returns one %(singular)s.")),
    "update": (
        _("Replace %(singular)s"),
        _("Replaces every writable field of the %(singular)s with the request content."),
    ),
    "partial_update": (
        _("Update %(singular)s"),
        _("Changes the fields of the %(singular)s that the request content names."),
    ),
    "destroy": (_("Delete %(singular)s"), _("Deletes the %(singular)s.")),
}
#: What drf-spectacular writes, translated by its own catalog, for a response declared
#: without a body.
_NO_BODY = "No response body"

#: The response header fields we document: what each says, and whether it is always sent.
_RESPONSE_HEADERS: dict[str, tuple[Any, bool]] = {
    # RFC 9110 §15.3.2: a 201 names the created resource.
    LOCATION: (_("The URL of the created resource."), True),
    ETAG: (_("The entity tag of the representation: send it in If-Match to change it."), True),
    LAST_MODIFIED: (
        _("When the resource last changed, to the second; withheld while that second runs."),
        False,
    ),
    # A 401 MUST carry at least one challenge.
    WWW_AUTHENTICATE: (_("The challenges of the schemes to retry with."), True),
    # Of a 429 or a 503: how long to wait, when the server knows.
    RETRY_AFTER: (_("Seconds to wait before retrying."), False),
}
#: The request id's header is named by the REQUEST_ID_HEADER setting.
_REQUEST_ID_HEADER = (_("The request's correlation id, also in problems and in the logs."), True)


class ProblemAutoSchema(AutoSchema):
    """drf-spectacular's ``AutoSchema`` plus the problem responses each operation can give."""

    def get_override_parameters(self) -> list[Any]:
        """The precondition request headers, then the user's.

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
        view = self.view
        if isinstance(view, IdempotencyMixin) and self.takes_idempotency_key():
            own.append(
                OpenApiParameter(
                    IDEMPOTENCY_KEY,
                    type={"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN},
                    location=OpenApiParameter.HEADER,
                    required=view.is_idempotency_key_required(),
                    description=str(_IDEMPOTENCY_KEY_DESCRIPTION),
                )
            )
        return own + list(super().get_override_parameters())

    def get_summary(self) -> str | None:
        """A short name for every operation: the first clause of its handler's docstring, or
        of a generic action's name (``Retrieve article``), or of the view's docstring."""
        action_doc = get_doc(self._handler())
        generic = self._generic_action()
        if action_doc:
            return _first_clause(action_doc)
        if generic is not None:
            return str(generic[0])
        view_doc = get_doc(type(self.view))
        return _first_clause(view_doc) if view_doc else None

    def get_description(self) -> str:  # type: ignore[override]
        """drf-spectacular's (the handler's docstring, else the view's); for a generic action,
        what it does, then the view's docstring, so no two operations share one."""
        generic = self._generic_action()
        if get_doc(self._handler()) or generic is None:
            return str(super().get_description())
        view_doc = get_doc(type(self.view))
        return "\n\n".join(part for part in (str(generic[1]), view_doc) if part)

    def _action_of_method(self) -> str | None:
        """The generic action a generic view (not a viewset) runs for this method."""
        if self.method == "GET":
            return "list" if self._is_list_view() else "retrieve"
        if self.method == "POST":
            return "create" if self._is_create_operation() else None
        return {"PUT": "update", "PATCH": "partial_update", "DELETE": "destroy"}.get(self.method)

    def _handler(self) -> Any:
        view = self.view
        return getattr(view, getattr(view, "action", None) or self.method.lower(), None)

    def _generic_action(self) -> tuple[str, str] | None:
        """A generic action's summary and sentence, named after the view's model."""
        if not isinstance(self.view, GenericAPIView):
            return None
        action = getattr(self.view, "action", None) or self._action_of_method()
        model = get_view_model(self.view)
        if action not in _GENERIC_ACTIONS or model is None:
            return None
        names = {
            "singular": str(model._meta.verbose_name),
            "plural": str(model._meta.verbose_name_plural),
        }
        summary, sentence = _GENERIC_ACTIONS[action]
        return str(summary) % names, str(sentence) % names

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
        anonymous_refused = any(
            r.anonymous and r.level is RefusalLevel.VIEW for r in self.refusals()
        )
        if auth and {} not in auth and not anonymous_refused:
            auth.append({})
        return auth

    def refusals(self) -> frozenset[Refusal]:
        """How the view's permissions can refuse this operation, each asked in turn."""
        found: frozenset[Refusal] = frozenset()
        for permission in self.view.get_permissions():
            found |= refusals(permission, self.method, self.view)
        return found

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
                self._give_problem_body(status, given)
        for code, given in responses.items():
            if int(code) >= 400 and "content" not in given:
                self._give_problem_body(int(code), given)
            headers = {**self.response_headers(int(code)), **given.get("headers", {})}
            if headers:
                given["headers"] = headers
        return dict(sorted(responses.items()))

    def _give_problem_body(self, status: int, given: dict[str, Any]) -> None:
        """A problem body for an error declared without one; its description, unless it is
        drf-spectacular's "No response body", which would contradict it."""
        description = given["description"]
        given.update(self.error_response(status))
        if description and str(description) != gettext(_NO_BODY):
            given["description"] = description

    def response_headers(self, status: int) -> dict[str, Any]:
        """The header fields a response with ``status`` carries: references to components."""
        names = []
        request_id = request_id_header()
        if request_id is not None:
            names.append(request_id)
        if status == 201 and self.names_created_resource():
            names.append(LOCATION)
        names += [name for name, codes in self.validator_headers().items() if str(status) in codes]
        if status == 401:
            names.append(WWW_AUTHENTICATE)
        if status in (429, 503):
            names.append(RETRY_AFTER)
        return {name: self._header_component(name).ref for name in names}

    def _header_component(self, name: str) -> ResolvedComponent:
        description, required = _RESPONSE_HEADERS.get(name, _REQUEST_ID_HEADER)
        component = ResolvedComponent(
            name=name,
            type=ResolvedComponent.HEADER,
            schema={
                "schema": {"type": "string"},
                "description": str(description),
                "required": required,
            },
            object=name,
        )
        self.registry.register_on_missing(component)
        return component

    def error_response(self, status: int) -> dict[str, Any]:
        """The response object of a status this operation can answer besides its own."""
        if status == 304:
            return {"description": str(_("Not Modified: the representation you hold is current."))}
        return self.problem_response(status)

    def error_statuses(self) -> set[int]:
        """Every status other than the success ones that the view's configuration can give."""
        statuses = set(ALWAYS)
        method = self.method
        detail = self.is_detail()
        authenticators = list(self.view.get_authenticators())
        for refusal in self.refusals():
            # Object permissions are checked only where DRF looks up one object.
            if detail or refusal.level is RefusalLevel.VIEW:
                statuses.add(refusal.answer(authenticates=bool(authenticators))[0])
        sessions = [
            a for a in authenticators if isinstance(a, authentication.SessionAuthentication)
        ]
        if len(sessions) < len(authenticators):
            # Credentials of a scheme that takes them in the request can be wrong.
            statuses.add(401)
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
        # A list's query string: a malformed or unknown parameter (400), a page past the last.
        statuses |= self.query_error_statuses()
        if self.view.get_throttles() or any(
            isinstance(a, ThrottledBasicAuthentication) for a in authenticators
        ):
            # A throttle, or failed logins past their rate (before any throttle runs).
            statuses.add(429)
        if self.takes_idempotency_key():
            # A malformed or missing key (400), a key in flight or whose answer was lost (409),
            # a key reused for other content (422).
            statuses |= {400, 409, 422}
        if self.conflicts():
            statuses.add(409)
        preconditions = self.preconditions()
        if preconditions in (Preconditions.READ_OBJECT, Preconditions.READ_LIST):
            statuses |= {304, 412}
        elif preconditions is Preconditions.CREATE:
            # A POST is never required to be conditional: 412 only, no 428.
            statuses.add(412)
        elif preconditions is Preconditions.WRITE:
            statuses.add(412)
            if method in GUARDED_METHODS:
                # A required precondition that is missing is 428; an optional one that is
                # missing leaves a concurrent change to the compare-and-swap: 409.
                statuses.add(428 if self._conditional_view.is_precondition_required() else 409)
        return statuses

    def conflicts(self) -> bool:
        """Whether the write can conflict with the stored state (409 ``Conflict``).

        A DELETE, when a PROTECT, RESTRICT or database-only reference can refuse it; a write
        with content, when a unique constraint can refuse it (DRF validates uniqueness first,
        so only a concurrent write gets through to the database's refusal).
        """
        # Only a generic view names its model; asking another view would warn.
        model = get_view_model(self.view) if isinstance(self.view, GenericAPIView) else None
        if model is None:
            return False
        if self.method == "DELETE":
            return self.is_detail() and deletion_can_be_refused(model)
        if self.method in SAFE_METHODS or not self._get_request_body():
            return False
        return has_unique_constraint(model)

    def names_created_resource(self) -> bool:
        """Whether a 201 carries ``Location``: DRF's create adds it from a ``url`` field."""
        view = self.view
        if not self._is_create_operation() or not isinstance(view, CreateModelMixin):
            return False
        if type(view).get_success_headers is not CreateModelMixin.get_success_headers:
            # The view names the created resource itself, as the demo does.
            return True
        serializer = self.get_response_serializers()
        fields = getattr(force_instance(serializer), "fields", {})
        return api_settings.URL_FIELD_NAME in fields

    def problem_response(self, status: int) -> dict[str, Any]:
        """The response object of one error status: its problem component; DRF's body with the
        problem members beside it where the view keeps DRF's (``drf_error_members``); DRF's body
        alone where the view answers with DRF's handler (``DRFErrorsMixin``)."""
        if isinstance(self.view, DRFErrorsMixin):
            component = self._component(DRF_ERROR_COMPONENT, _DRF_ERROR_SCHEMA)
            return {
                "description": reason_phrase(status),
                "content": {JSON: {"schema": component.ref}},
            }
        if keeps_drf_members(self.view):
            component = self._component(DRF_MEMBERS_COMPONENT, _DRF_MEMBERS_SCHEMA)
            return {
                "description": reason_phrase(status),
                "content": {JSON: {"schema": component.ref}},
            }
        return {
            "description": reason_phrase(status),
            "content": {PROBLEM_JSON: {"schema": self.problem_schema(status)}},
        }

    def problem_schema(self, status: int) -> dict[str, Any]:
        """A reference to the status's problem component; a list's 400 is its query string's
        (a GET has no content to refuse)."""
        if status == 400 and 400 in self.query_error_statuses():
            self._component(INVALID_PARAMETER_COMPONENT, _INVALID_PARAMETER_SCHEMA)
            component = self._component(INVALID_QUERY_PROBLEM.name, INVALID_QUERY_PROBLEM.schema())
        else:
            component = self.problem_component(status)
        ref: dict[str, Any] = component.ref
        return ref

    def query_error_statuses(self) -> set[int]:
        """The statuses a list's query string can be refused with: those its paginator and
        filter backends declare, and 400 where the view refuses unknown parameters."""
        if not (self.method == "GET" and self._is_list_view()):
            return set()
        components = [self._get_paginator(), *(b() for b in self.get_filter_backends())]
        found = {s for c in components if c is not None for s in query_error_statuses(c)}
        refuses = getattr(self.view, "is_refusing_unknown_query_parameters", None)
        if callable(refuses) and refuses():
            found.add(400)
        return found

    def problem_component(self, status: int) -> ResolvedComponent:
        """The component of a status's problems (``ProblemComponent.of_status``), over the
        base ``Problem``."""
        self._component(PROBLEM_COMPONENT, _PROBLEM_SCHEMA)
        if status == 400:
            self._component(INVALID_MEMBER_COMPONENT, _INVALID_MEMBER_SCHEMA)
        variant = ProblemComponent.of_status(status)
        return self._component(variant.name, variant.schema())

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
        return 404 in self.query_error_statuses()

    def negotiates_renderers(self) -> bool:
        """Whether DRF answers 406 Not Acceptable to an ``Accept`` no renderer serves."""
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
        """Which success responses carry ``ETag`` and ``Last-Modified``, as the mixin sends them."""
        preconditions = self.preconditions()
        codes = {
            Preconditions.READ_OBJECT: ["200", "304"],
            Preconditions.READ_LIST: ["200", "304"],
            Preconditions.CREATE: ["201"],
            # After a change the validators describe the new state; a PUT gets none, as what
            # is stored is not exactly what was sent.
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


def _first_clause(doc: str) -> str:
    """A docstring's first clause, up to its first full stop or semicolon: a summary."""
    first_line = doc.strip().split("\n\n")[0].replace("\n", " ")
    return re.split(r"(?<=[^.])[.;](?:\s|$)", first_line, maxsplit=1)[0].strip()


def _accepts_anything(media_types: Iterable[str]) -> bool:
    return any(media_type == "*/*" for media_type in media_types)


def deletion_can_be_refused(model: type[models.Model], seen: frozenset[Any] = frozenset()) -> bool:
    """Whether deleting a ``model`` row can be refused because other rows reference it.

    Through the documented ``Options.get_fields()``: a reverse relation whose ``on_delete`` is
    PROTECT or RESTRICT refuses (``ProtectedError``, ``RestrictedError``), one that is
    DO_NOTHING over a database constraint leaves the refusal to the database (an
    ``IntegrityError`` the handler answers with 409 where the database says so); one that
    CASCADEs deletes rows that may be protected in turn.
    """
    for relation in model._meta.get_fields():
        if not (relation.auto_created and not relation.concrete):
            continue
        on_delete = getattr(relation, "on_delete", None)
        if on_delete in (models.PROTECT, models.RESTRICT):
            return True
        constrained = getattr(relation.remote_field, "db_constraint", False)
        if on_delete is models.DO_NOTHING and constrained:
            return True
        related = relation.related_model
        if (
            on_delete is models.CASCADE
            and related is not None
            and related not in seen
            and deletion_can_be_refused(related, seen | {model})
        ):
            return True
    return False


def has_unique_constraint(model: type[models.Model]) -> bool:
    """Whether a write of ``model`` can break a unique constraint besides the primary key."""
    meta = model._meta
    return (
        any(field.unique and not field.primary_key for field in meta.concrete_fields)
        or bool(meta.unique_together)
        or any(isinstance(c, models.UniqueConstraint) for c in meta.constraints)
    )


class ThrottledBasicScheme(BasicScheme):
    """``ThrottledBasicAuthentication`` is HTTP Basic to a client: drf-spectacular's extension
    for Basic matches DRF's class alone, so without this one a schema would lose the scheme."""

    target_class = "django_http_errors.throttling.ThrottledBasicAuthentication"
