"""OpenAPI for drf-spectacular: every error an operation can give, read from what the runtime
declares; the only package that imports drf-spectacular.

- ``ProblemAutoSchema`` (``autoschema``): the default schema class, for a project without one
  of its own: ``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``.
- ``complete_operations`` (``hooks``): the postprocessing hook that does the same for any
  other ``AutoSchema`` subclass: ``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``; both give
  the same summaries and descriptions (``words``).
- The problem components (``components``) come from the exception classes' declarations,
  by code; the statuses (``statuses``) from the view's configuration; what a view's mixins add
  from their ``describe_operation`` (``django_http_errors.descriptions``).
"""

from __future__ import annotations

from .autoschema import NO_NUL_PATTERN, ProblemAutoSchema
from .components import (
    DRF_ERROR_COMPONENT,
    DRF_MEMBERS_COMPONENT,
    INVALID_MEMBER_COMPONENT,
    INVALID_PARAMETER_COMPONENT,
    INVALID_QUERY_PROBLEM_COMPONENT,
    PROBLEM_COMPONENT,
    VALIDATION_PROBLEM_COMPONENT,
    ProblemComponent,
    component_name,
    problem_components,
)
from .extensions import ThrottledBasicScheme
from .hooks import complete_operations
from .operation import complete_operation
from .statuses import deletion_can_be_refused, error_statuses, has_unique_constraint

__all__ = [
    "DRF_ERROR_COMPONENT",
    "DRF_MEMBERS_COMPONENT",
    "INVALID_MEMBER_COMPONENT",
    "INVALID_PARAMETER_COMPONENT",
    "INVALID_QUERY_PROBLEM_COMPONENT",
    "NO_NUL_PATTERN",
    "PROBLEM_COMPONENT",
    "VALIDATION_PROBLEM_COMPONENT",
    "ProblemAutoSchema",
    "ProblemComponent",
    "ThrottledBasicScheme",
    "complete_operation",
    "complete_operations",
    "component_name",
    "deletion_can_be_refused",
    "error_statuses",
    "has_unique_constraint",
    "problem_components",
]
