"""What a view says of its own operations, for an API description: plain values, no schema tool.

A view or mixin that adds request headers, response headers or problems to an operation
describes them with ``describe_operation(operation)``; the OpenAPI integration
(``django_http_errors.openapi``) asks each view and renders the answer, and knows nothing of
the mixins themselves. A mixin merges its description with the next class's
(``inherited``), so mixins compose in any order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from rest_framework.exceptions import APIException

__all__ = [
    "DescribesOperation",
    "HeaderParameter",
    "Operation",
    "OperationDescription",
    "ResponseHeader",
    "describe",
    "inherited",
]


@dataclass(frozen=True)
class Operation:
    """One operation of a view as an API description sees it: no request, only its shape."""

    method: str
    #: The viewset's action, ``None`` for a generic view.
    action: str | None = None
    #: The path names one object (it has a variable).
    detail: bool = False
    #: A GET of a list.
    lists: bool = False
    #: A POST that creates an object in the list.
    creates: bool = False
    #: The view's model, when it names one.
    model: Any = None


@dataclass(frozen=True)
class HeaderParameter:
    """A request header the operation reads: its description is English, translated where shown."""

    name: str
    description: str
    required: bool = False
    #: An ECMA-262 regular expression every accepted value matches.
    pattern: str | None = None


@dataclass(frozen=True)
class ResponseHeader:
    """A response header the operation's successes with ``statuses`` carry."""

    name: str
    statuses: tuple[int, ...]


@dataclass(frozen=True)
class OperationDescription:
    """What a view adds to one operation: request headers, response headers, the problems it
    can raise (exception classes that declare their status, code and members) and other
    statuses it can answer (304)."""

    parameters: tuple[HeaderParameter, ...] = ()
    response_headers: tuple[ResponseHeader, ...] = ()
    problems: tuple[type[APIException], ...] = ()
    statuses: frozenset[int] = frozenset()

    def __or__(self, other: OperationDescription) -> OperationDescription:
        """Both descriptions: this one's entries first."""
        return OperationDescription(
            self.parameters + other.parameters,
            self.response_headers + other.response_headers,
            self.problems + other.problems,
            self.statuses | other.statuses,
        )


NOTHING = OperationDescription()


@runtime_checkable
class DescribesOperation(Protocol):
    """A view (or mixin) that describes what it adds to its operations."""

    def describe_operation(self, operation: Operation) -> OperationDescription:
        """What this view adds to ``operation``."""


def describe(view: Any, operation: Operation) -> OperationDescription:
    """What ``view`` says of ``operation``: its ``describe_operation``, or nothing."""
    if isinstance(view, DescribesOperation):
        return view.describe_operation(operation)
    return NOTHING


def inherited(parent: Any, operation: Operation) -> OperationDescription:
    """What the next class in the MRO says of ``operation`` (``parent`` is ``super()``)."""
    describe_next = getattr(parent, "describe_operation", None)
    if describe_next is None:
        return NOTHING
    description: OperationDescription = describe_next(operation)
    return description
