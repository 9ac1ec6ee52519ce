"""The problem components, built from what each exception class declares, and the registry
that drf-spectacular builds the document's components from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from typing import Any, Protocol

from django.core.signals import setting_changed
from django.utils.translation import get_language
from drf_spectacular.plumbing import ResolvedComponent

from ..catalog import problem_types
from ..exceptions import InvalidQueryParameters, declared_problem_types
from ..problems import reason_phrase

__all__ = [
    "DRF_ERROR_COMPONENT",
    "DRF_MEMBERS_COMPONENT",
    "INVALID_MEMBER_COMPONENT",
    "INVALID_PARAMETER_COMPONENT",
    "INVALID_QUERY_PROBLEM_COMPONENT",
    "PROBLEM_COMPONENT",
    "VALIDATION_PROBLEM_COMPONENT",
    "Components",
    "ProblemComponent",
    "RegistryComponents",
    "coded_schema",
    "component_name",
    "problem_components",
]

PROBLEM_COMPONENT = "Problem"
VALIDATION_PROBLEM_COMPONENT = "ValidationProblem"
INVALID_MEMBER_COMPONENT = "InvalidMember"
INVALID_QUERY_PROBLEM_COMPONENT = "InvalidQueryProblem"
INVALID_PARAMETER_COMPONENT = "InvalidParameter"
DRF_MEMBERS_COMPONENT = "ErrorWithDRFMembers"
#: The body of a view that answers with DRF's handler (``DRFErrorsMixin``).
DRF_ERROR_COMPONENT = "DRFError"
#: DRF's ``ValidationError``: the code of invalid request content.
VALIDATION_CODE = "invalid"

PROBLEM_SCHEMA: dict[str, Any] = {
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

_ANY_BODY: list[dict[str, Any]] = [
    {"type": "object", "additionalProperties": True},
    {"type": "array", "items": {}},
]
#: The body of a view that keeps DRF's members (``compat``): whatever DRF's handler answered,
#: so no problem member is promised a type (a field may be named ``title``).
DRF_ERROR_SCHEMA: dict[str, Any] = {
    "description": (
        'DRF\'s own error body: {"detail": "..."}, or {"<field>": ["..."]} for invalid content, '
        "or a list for content invalid as a whole (the view answers with DRF's handler, or the "
        "one it names)."
    ),
    "oneOf": _ANY_BODY,
}
DRF_MEMBERS_SCHEMA: dict[str, Any] = {
    "description": (
        'DRF\'s own error body ({"detail": "..."}, or {"<field>": ["..."]} for '
        "invalid content), with the members of the problem (RFC 9457: type, title, status, "
        "detail, code, errors, ...) whose names it does not use; a list for content invalid as "
        "a whole. Kept for clients that read DRF's bodies."
    ),
    "oneOf": _ANY_BODY,
}

#: The items of the two 400s' ``errors``, each a component of its own.
_ITEMS: dict[str, dict[str, Any]] = {
    INVALID_MEMBER_COMPONENT: {
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
    },
    INVALID_PARAMETER_COMPONENT: {
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
    },
}


VALIDATION_ERRORS = "Every invalid member of the request content (code invalid)."


def _errors(item: str, description: str) -> dict[str, Any]:
    items = {"$ref": f"#/components/schemas/{item}"}
    return {"errors": {"type": "array", "description": description, "items": items}}


class Components(Protocol):
    """Where an operation's components go; each method answers the reference to one."""

    def schema(self, name: str, schema: dict[str, Any]) -> dict[str, str]:
        """Add the schema component ``name`` unless present."""

    def header(self, name: str, schema: dict[str, Any]) -> dict[str, str]:
        """Add the header component ``name`` unless present."""


class RegistryComponents:
    """Components registered with drf-spectacular's registry, as an ``AutoSchema`` does."""

    def __init__(self, registry: Any) -> None:
        self.registry = registry

    def schema(self, name: str, schema: dict[str, Any]) -> dict[str, str]:
        """Register the schema component ``name`` unless present."""
        return self._register(name, ResolvedComponent.SCHEMA, schema)

    def header(self, name: str, schema: dict[str, Any]) -> dict[str, str]:
        """Register the header component ``name`` unless present."""
        return self._register(name, ResolvedComponent.HEADER, schema)

    def _register(self, name: str, kind: str, schema: dict[str, Any]) -> dict[str, str]:
        component = ResolvedComponent(name=name, type=kind, schema=schema, object=name)
        self.registry.register_on_missing(component)
        ref: dict[str, str] = component.ref
        return ref


@dataclass(frozen=True)
class ProblemComponent:
    """The component of one problem code's bodies: the base ``Problem``, its ``status`` typed as
    that status alone, so clients can switch on it, and its extension members."""

    status: int
    name: str
    description: str
    members: dict[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    #: The components its members refer to (``_ITEMS``).
    items: tuple[str, ...] = ()
    #: The one ``code`` of its bodies: then it extends its status's component with ``code``
    #: typed as that code alone, so clients can switch on the code too.
    code: str | None = None

    def schema(self) -> dict[str, Any]:
        """``allOf`` the base problem and this component's ``status`` and extension members; or,
        with a ``code``, the status's component and this component's ``code`` and members."""
        if self.code is None:
            base = PROBLEM_COMPONENT
            typed: dict[str, Any] = {"status": {"type": "integer", "enum": [self.status]}}
        else:
            base = ProblemComponent.of_status(self.status).name
            typed = {"code": {"type": "string", "enum": [self.code]}}
        extension: dict[str, Any] = {
            "type": "object",
            "properties": {**typed, **self.members},
            "required": [*typed, *self.required],
        }
        return {
            "description": self.description,
            "allOf": [{"$ref": f"#/components/schemas/{base}"}, extension],
        }

    def add_to(self, components: Components) -> dict[str, str]:
        """Add this component, its bases and the items it refers to; the reference to it."""
        components.schema(PROBLEM_COMPONENT, PROBLEM_SCHEMA)
        if self.code is not None:
            ProblemComponent.of_status(self.status).add_to(components)
        for name in self.items:
            components.schema(name, _ITEMS[name])
        return components.schema(self.name, self.schema())

    @classmethod
    def of_status(cls, status: int) -> ProblemComponent:
        """The component of a status's problems that have no members of their own: named
        after its reason phrase (``NotFoundProblem``)."""
        phrase = reason_phrase(status)
        name = _pascal_case(phrase) if _is_registered(status) else f"Status{status}"
        return cls(status, f"{name}Problem", f"A problem of a {status} {phrase} response.")

    @classmethod
    def of_class(cls, problem: type[Any]) -> ProblemComponent:
        """The component a problem class declares: its status, code, meaning and members."""
        code = str(problem.default_code)
        members = dict(getattr(problem, "extension_members", {}))
        return cls(
            problem.status_code,
            component_name(code),
            str(getattr(problem, "meaning", "")) or f"A problem with code {code}.",
            members,
            _always_carried(problem, members),
        )

    @classmethod
    def of_code(cls, status: int, code: str) -> ProblemComponent:
        """The component of one code's bodies, its ``code`` typed: the members a class declares
        for it, the meaning the catalog gives it (``PermissionDeniedProblem``)."""
        declared = problem_components().get(code)
        if declared is not None and declared.status == status:
            return replace(declared, code=code)
        known = problem_types().get(code)
        meaning = str(known.meaning) if known is not None else ""
        description = meaning or f"A problem with code {code}."
        return cls(status, component_name(code), description, code=code)


def coded_schema(components: Components, status: int, codes: list[str]) -> dict[str, Any]:
    """The schema of a status's problems when their codes are known: one code's component, or
    ``oneOf`` them with a ``discriminator`` on ``code`` (OpenAPI 3.0 §4.7.25)."""
    refs = {code: ProblemComponent.of_code(status, code).add_to(components) for code in codes}
    if len(refs) == 1:
        return next(iter(refs.values()))
    mapping = {code: ref["$ref"] for code, ref in refs.items()}
    return {
        "oneOf": list(refs.values()),
        "discriminator": {"propertyName": "code", "mapping": mapping},
    }


def component_name(code: str) -> str:
    """The component of a problem code: ``precondition_failed`` is ``PreconditionFailedProblem``."""
    return f"{_pascal_case(code)}Problem"


#: ``problem_components()`` by language and declared classes: a schema asks for it for each
#: error response of each operation, and building it raises every declared class once.
_COMPONENTS: dict[tuple[Any, ...], dict[str, ProblemComponent]] = {}


def problem_components() -> dict[str, ProblemComponent]:
    """The component of every problem code whose bodies have members of their own, by code:
    every declared ``ProblemException`` subclass (the library's and the project's), and DRF's
    invalid content, whose members DRF cannot declare. Built once for each language and set of
    declared classes (their meanings are translated), and again after a setting changes."""
    key = (get_language(), tuple(declared_problem_types().items()))
    found = _COMPONENTS.get(key)
    if found is None:
        if len(_COMPONENTS) >= 32:
            _COMPONENTS.clear()
        found = _COMPONENTS[key] = _build_problem_components()
    return dict(found)


def _forget_components(**kwargs: Any) -> None:
    _COMPONENTS.clear()


setting_changed.connect(_forget_components)


def _build_problem_components() -> dict[str, ProblemComponent]:
    found = {
        code: ProblemComponent.of_class(problem)
        for code, problem in declared_problem_types().items()
        if problem.extension_members
    }
    query = str(InvalidQueryParameters.default_code)
    found[query] = ProblemComponent(
        InvalidQueryParameters.status_code,
        INVALID_QUERY_PROBLEM_COMPONENT,
        "Query parameters that are malformed, out of range or unknown (code invalid_query).",
        _errors(INVALID_PARAMETER_COMPONENT, "Every invalid query parameter, by name."),
        required=("errors",),
        items=(INVALID_PARAMETER_COMPONENT,),
    )
    found[VALIDATION_CODE] = ProblemComponent(
        400,
        VALIDATION_PROBLEM_COMPONENT,
        "Invalid request content (code invalid, with errors) or content that cannot be parsed.",
        _errors(INVALID_MEMBER_COMPONENT, VALIDATION_ERRORS),
        items=(INVALID_MEMBER_COMPONENT,),
    )
    return found


def _always_carried(problem: type[Any], members: dict[str, Any]) -> tuple[str, ...]:
    """The members an occurrence raised without arguments carries: every occurrence does."""
    try:
        carried = problem().problem_extensions()
    except TypeError:
        # It needs arguments to be raised: nothing is known to be always there.
        return ()
    return tuple(name for name in members if name in carried)


def _pascal_case(phrase: str) -> str:
    # "URI Too Long" -> "URITooLong", "precondition_failed" -> "PreconditionFailed".
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"[\s_-]+", phrase))


def _is_registered(status: int) -> bool:
    try:
        HTTPStatus(status)
    except ValueError:
        return False
    return True
