"""The query string answered as carefully as the body: a parameter that is malformed, out of
range or unknown is 400, and each error names its ``parameter``."""

from __future__ import annotations

from .filters import OrderingFilter, SearchFilter
from .pagination import CursorPagination, LimitOffsetPagination, PageNumberPagination

__all__ = [
    "CursorPagination",
    "LimitOffsetPagination",
    "OrderingFilter",
    "PageNumberPagination",
    "SearchFilter",
]
