"""What one operation is, read from any drf-spectacular ``AutoSchema`` positioned on it and the
operation it rendered: the facts the error statuses, parameters and headers follow from."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import uritemplate
from drf_spectacular.plumbing import get_view_model
from rest_framework.generics import GenericAPIView

from ..descriptions import Operation, OperationDescription, describe
from ..internals import spectacular_creates, spectacular_lists, spectacular_paginator
from ..permissions import Refusal, refusals
from ..query.parameters import query_error_statuses

__all__ = ["OperationFacts"]


@dataclass
class OperationFacts:
    """One operation: its view, method and path, what drf-spectacular rendered for it, and
    what the view describes of it (``descriptions``)."""

    #: The ``AutoSchema`` (any subclass) whose ``view``, ``path`` and ``method`` are the
    #: operation's, as ``get_operation()`` sets them.
    schema: Any
    #: The operation as rendered (``requestBody``, ``parameters``, ``responses``, ...).
    operation: dict[str, Any]

    @property
    def view(self) -> Any:
        """The view instance drf-spectacular made for the operation."""
        return self.schema.view

    @property
    def method(self) -> str:
        """The method, upper case."""
        return str(self.schema.method).upper()

    @cached_property
    def detail(self) -> bool:
        """Whether the path names one resource: an unknown (or hidden) one is 404."""
        return bool(uritemplate.variables(self.schema.path))

    @cached_property
    def lists(self) -> bool:
        """Whether the operation is a GET of a list."""
        return self.method == "GET" and spectacular_lists(self.schema)

    @cached_property
    def creates(self) -> bool:
        """Whether the operation is a POST that creates an object."""
        return self.method == "POST" and spectacular_creates(self.schema)

    @property
    def takes_content(self) -> bool:
        """Whether the operation has a request body."""
        return "requestBody" in self.operation

    @cached_property
    def model(self) -> Any:
        """The view's model; only a generic view names one (asking another view would warn)."""
        return get_view_model(self.view) if isinstance(self.view, GenericAPIView) else None

    @cached_property
    def description(self) -> OperationDescription:
        """What the view (its mixins, its own ``describe_operation``) adds to the operation."""
        operation = Operation(
            self.method,
            getattr(self.view, "action", None),
            detail=self.detail,
            lists=self.lists,
            creates=self.creates,
            model=self.model,
        )
        return describe(self.view, operation)

    @cached_property
    def refusals(self) -> frozenset[Refusal]:
        """How the view's permissions can refuse this operation, each asked in turn."""
        found: frozenset[Refusal] = frozenset()
        for permission in self.view.get_permissions():
            found |= refusals(permission, self.method, self.view)
        return found

    @cached_property
    def query_error_statuses(self) -> set[int]:
        """The statuses a list's query string can be refused with: those its paginator and
        filter backends declare, and 400 where the view refuses unknown parameters."""
        if not self.lists:
            return set()
        backends = [backend() for backend in self.schema.get_filter_backends()]
        components = [spectacular_paginator(self.schema), *backends]
        found = {s for c in components if c is not None for s in query_error_statuses(c)}
        refuses = getattr(self.view, "is_refusing_unknown_query_parameters", None)
        if callable(refuses) and refuses():
            found.add(400)
        return found
