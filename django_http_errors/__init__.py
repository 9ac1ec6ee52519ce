"""Right HTTP status codes and RFC 9457 problem bodies for Django REST framework.

Every name of ``__all__`` can be imported from here (``from django_http_errors import
ConditionalUpdateMixin``) as from the module it lives in. They load when first used (PEP 562):
importing the package imports neither Django's models nor DRF's settings, so a settings module
may import it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .adoption import DRFErrorsMixin, ProblemDetailsMixin, drf_errors, problem_details
    from .browsable import BrowsableAPIRenderer
    from .catalog import problem_types
    from .compose import to_problem
    from .conf import get_settings
    from .exceptions import (
        BadGateway,
        Conflict,
        ContentTooLarge,
        GatewayTimeout,
        IdempotencyKeyInUse,
        IdempotencyKeyNeedsAuthentication,
        IdempotencyKeyRequired,
        IdempotencyKeyReused,
        IdempotentAnswerLost,
        InsufficientScope,
        InvalidQueryParameters,
        LengthRequired,
        MalformedIdempotencyKey,
        PreconditionFailed,
        PreconditionRequired,
        ProblemException,
        RequiredHeadersProblem,
        RetriesAfter,
        ServiceUnavailable,
        UnsupportedContentEncoding,
    )
    from .fields import VersionField
    from .handlers import exception_handler
    from .idempotency import IdempotencyMixin
    from .middleware import RequestIDFilter, RequestIDMiddleware, current_request_id
    from .mixins import ConditionalUpdateMixin
    from .negotiation import ProblemContentNegotiation
    from .permissions import (
        AllowAny,
        DjangoModelPermissions,
        DjangoObjectPermissions,
        HiddenFilter,
        IsAdminUser,
        IsAuthenticated,
        IsAuthenticatedOrReadOnly,
        IsOwner,
        IsOwnerOrReadOnly,
        Permission,
        Rule,
        Whom,
        hidden,
        signed_in,
    )
    from .problems import Problem, ProblemType
    from .query import (
        CursorPagination,
        KnownQueryParametersMixin,
        LimitOffsetPagination,
        OrderingFilter,
        PageNumberPagination,
        SearchFilter,
    )
    from .routing import ReadYourWritesMiddleware, reads_from_primary
    from .serializers import ETagField
    from .upstream import request_with_httpx, request_with_requests
    from .views import problem_response
    from .writes import bump_version, swap_version

#: Each public name's module, the one place it is defined.
_MODULES: dict[str, tuple[str, ...]] = {
    "adoption": (
        "DRFErrorsMixin",
        "ProblemDetailsMixin",
        "drf_errors",
        "problem_details",
    ),
    "browsable": ("BrowsableAPIRenderer",),
    "catalog": ("problem_types",),
    "compose": ("to_problem",),
    "conf": ("get_settings",),
    "exceptions": (
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
    ),
    "fields": ("VersionField",),
    "handlers": ("exception_handler",),
    "idempotency": ("IdempotencyMixin",),
    "middleware": (
        "RequestIDFilter",
        "RequestIDMiddleware",
        "current_request_id",
    ),
    "mixins": ("ConditionalUpdateMixin",),
    "negotiation": ("ProblemContentNegotiation",),
    "permissions": (
        "AllowAny",
        "DjangoModelPermissions",
        "DjangoObjectPermissions",
        "HiddenFilter",
        "IsAdminUser",
        "IsAuthenticated",
        "IsAuthenticatedOrReadOnly",
        "IsOwner",
        "IsOwnerOrReadOnly",
        "Permission",
        "Rule",
        "Whom",
        "hidden",
        "signed_in",
    ),
    "problems": (
        "Problem",
        "ProblemType",
    ),
    "query": (
        "CursorPagination",
        "KnownQueryParametersMixin",
        "LimitOffsetPagination",
        "OrderingFilter",
        "PageNumberPagination",
        "SearchFilter",
    ),
    "routing": (
        "ReadYourWritesMiddleware",
        "reads_from_primary",
    ),
    "serializers": ("ETagField",),
    "upstream": (
        "request_with_httpx",
        "request_with_requests",
    ),
    "views": ("problem_response",),
    "writes": (
        "bump_version",
        "swap_version",
    ),
}
_HOMES = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "AllowAny",
    "BadGateway",
    "BrowsableAPIRenderer",
    "ConditionalUpdateMixin",
    "Conflict",
    "ContentTooLarge",
    "CursorPagination",
    "DRFErrorsMixin",
    "DjangoModelPermissions",
    "DjangoObjectPermissions",
    "ETagField",
    "GatewayTimeout",
    "HiddenFilter",
    "IdempotencyKeyInUse",
    "IdempotencyKeyNeedsAuthentication",
    "IdempotencyKeyRequired",
    "IdempotencyKeyReused",
    "IdempotencyMixin",
    "IdempotentAnswerLost",
    "InsufficientScope",
    "InvalidQueryParameters",
    "IsAdminUser",
    "IsAuthenticated",
    "IsAuthenticatedOrReadOnly",
    "IsOwner",
    "IsOwnerOrReadOnly",
    "KnownQueryParametersMixin",
    "LengthRequired",
    "LimitOffsetPagination",
    "MalformedIdempotencyKey",
    "OrderingFilter",
    "PageNumberPagination",
    "Permission",
    "PreconditionFailed",
    "PreconditionRequired",
    "Problem",
    "ProblemContentNegotiation",
    "ProblemDetailsMixin",
    "ProblemException",
    "ProblemType",
    "ReadYourWritesMiddleware",
    "RequestIDFilter",
    "RequestIDMiddleware",
    "RequiredHeadersProblem",
    "RetriesAfter",
    "Rule",
    "SearchFilter",
    "ServiceUnavailable",
    "UnsupportedContentEncoding",
    "VersionField",
    "Whom",
    "bump_version",
    "current_request_id",
    "drf_errors",
    "exception_handler",
    "get_settings",
    "hidden",
    "problem_details",
    "problem_response",
    "problem_types",
    "reads_from_primary",
    "request_with_httpx",
    "request_with_requests",
    "signed_in",
    "swap_version",
    "to_problem",
]


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (PEP 562)."""
    module = _HOMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's own names and every public one."""
    return sorted({*globals(), *__all__})
