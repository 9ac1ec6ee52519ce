"""The query string answered as carefully as the body: a parameter that is malformed, out of
range or unknown is 400, and each error names its ``parameter``.

Drop-in replacements for DRF's paginators and its ordering and search filters, and
``KnownQueryParametersMixin``; django-filter's backend is in ``django_http_errors.query.
django_filter`` (imported only by a project that uses django-filter).
"""

from __future__ import annotations

from .filters import OrderingFilter, SearchFilter
from .pagination import CursorPagination, LimitOffsetPagination, PageNumberPagination
from .parameters import KnownQueryParametersMixin

__all__ = [
    "CursorPagination",
    "KnownQueryParametersMixin",
    "LimitOffsetPagination",
    "OrderingFilter",
    "PageNumberPagination",
    "SearchFilter",
]
