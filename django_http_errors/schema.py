"""The OpenAPI integration's public face, kept where settings name it::

    REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "django_http_errors.schema.ProblemAutoSchema"}

Everything lives in ``django_http_errors.openapi``; a project with its own ``AutoSchema``
subclass adds ``django_http_errors.openapi.hooks.complete_operations`` to its
``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]`` instead.
"""

from __future__ import annotations

from .exceptions import PreconditionFailed, PreconditionRequired
from .idempotency.keys import IDEMPOTENCY_KEY_PATTERN
from .openapi import (
    DRF_ERROR_COMPONENT,
    DRF_MEMBERS_COMPONENT,
    INVALID_MEMBER_COMPONENT,
    INVALID_PARAMETER_COMPONENT,
    INVALID_QUERY_PROBLEM_COMPONENT,
    NO_NUL_PATTERN,
    PROBLEM_COMPONENT,
    VALIDATION_PROBLEM_COMPONENT,
    ProblemAutoSchema,
    ThrottledBasicScheme,
    complete_operations,
    component_name,
    deletion_can_be_refused,
    has_unique_constraint,
)

PRECONDITION_FAILED_COMPONENT = component_name(str(PreconditionFailed.default_code))
PRECONDITION_REQUIRED_COMPONENT = component_name(str(PreconditionRequired.default_code))

__all__ = [
    "DRF_ERROR_COMPONENT",
    "DRF_MEMBERS_COMPONENT",
    "IDEMPOTENCY_KEY_PATTERN",
    "INVALID_MEMBER_COMPONENT",
    "INVALID_PARAMETER_COMPONENT",
    "INVALID_QUERY_PROBLEM_COMPONENT",
    "NO_NUL_PATTERN",
    "PRECONDITION_FAILED_COMPONENT",
    "PRECONDITION_REQUIRED_COMPONENT",
    "PROBLEM_COMPONENT",
    "VALIDATION_PROBLEM_COMPONENT",
    "ProblemAutoSchema",
    "ThrottledBasicScheme",
    "complete_operations",
    "deletion_can_be_refused",
    "has_unique_constraint",
]
