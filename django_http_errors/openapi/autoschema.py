"""``ProblemAutoSchema``: drf-spectacular's ``AutoSchema`` with every operation completed as it
is rendered, a summary for each, and the NUL that DRF's strings refuse.

A project with its own ``AutoSchema`` subclass uses the postprocessing hook instead
(``django_http_errors.openapi.hooks``).
"""

from __future__ import annotations

from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ComponentRegistry

from .components import RegistryComponents
from .operation import complete_operation
from .words import generic_description, summary

__all__ = ["NO_NUL_PATTERN", "ProblemAutoSchema"]

#: A string without NUL, as an ECMA-262 regular expression (OpenAPI 3.0 §4.7.24).
NO_NUL_PATTERN = "^[^\\u0000]*$"


class ProblemAutoSchema(AutoSchema):
    """drf-spectacular's ``AutoSchema`` plus the problem responses each operation can give."""

    def get_operation(
        self,
        path: str,
        path_regex: str,
        path_prefix: str,
        method: str,
        registry: ComponentRegistry,
    ) -> dict[str, Any] | None:
        """drf-spectacular's operation, completed with what the view declares."""
        operation: dict[str, Any] | None = super().get_operation(
            path, path_regex, path_prefix, method, registry
        )
        if operation:
            complete_operation(self, operation, RegistryComponents(registry))
        return operation

    def get_summary(self) -> str | None:
        """A short name for every operation (``words.summary``)."""
        return summary(self)

    def get_description(self) -> str:  # type: ignore[override]
        """drf-spectacular's (the handler's docstring, else the view's); for a generic action,
        what it does, then the view's docstring (``words.generic_description``)."""
        described = generic_description(self)
        return str(super().get_description()) if described is None else described

    # internals.SPECTACULAR_FIELD_VALIDATORS: the one private method overridden here.
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
