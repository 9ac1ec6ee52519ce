"""The error statuses DRF lacks, as ``APIException`` subclasses that declare their problem.

``base`` holds the classes problems are made of, ``statuses`` the problems of HTTP statuses,
``idempotency`` those of a request's ``Idempotency-Key``. Each problem type is one class: the
handler, the problem pages and the OpenAPI schema read its declarations (``status_code``,
``default_code``, ``title``, ``header_names``, ``extension_members``).
"""

from __future__ import annotations

from ..http_names import RETRY_AFTER
from .base import ProblemException, RequiredHeadersProblem, RetriesAfter, declared_problem_types
from .idempotency import (
    IdempotencyKeyInUse,
    IdempotencyKeyNeedsAuthentication,
    IdempotencyKeyRequired,
    IdempotencyKeyReused,
    IdempotentAnswerLost,
    MalformedIdempotencyKey,
)
from .statuses import (
    BadGateway,
    Conflict,
    ContentTooLarge,
    GatewayTimeout,
    InsufficientScope,
    InvalidQueryParameters,
    LengthRequired,
    PreconditionFailed,
    PreconditionRequired,
    ServiceUnavailable,
    UnsupportedContentEncoding,
)

__all__ = [
    "RETRY_AFTER",
    "BadGateway",
    "Conflict",
    "ContentTooLarge",
    "GatewayTimeout",
    "IdempotencyKeyInUse",
    "IdempotencyKeyNeedsAuthentication",
    "IdempotencyKeyRequired",
    "IdempotencyKeyReused",
    "IdempotentAnswerLost",
    "InsufficientScope",
    "InvalidQueryParameters",
    "LengthRequired",
    "MalformedIdempotencyKey",
    "PreconditionFailed",
    "PreconditionRequired",
    "ProblemException",
    "RequiredHeadersProblem",
    "RetriesAfter",
    "ServiceUnavailable",
    "UnsupportedContentEncoding",
    "declared_problem_types",
]
