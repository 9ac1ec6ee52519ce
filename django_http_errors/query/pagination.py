"""DRF's paginators, but a malformed or out-of-range parameter is 400 naming it.

Drop-in subclasses rather than a hook that changes DRF's own classes: a project already names
its paginator in ``DEFAULT_PAGINATION_CLASS`` or ``pagination_class`` (and often subclasses it
for its sizes), and only DRF's public methods are overridden. DRF answers ``?page=abc`` like a
page past the last (404), ignores a malformed ``page_size`` or ``limit``, caps one above the
maximum, and answers a cursor it cannot read with 404: each is the client's syntax error, so
400. A well-formed page past the last is still 404: that page does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.exceptions import ErrorDetail, NotFound
from rest_framework.request import Request
from rest_framework.views import APIView

from ..exceptions import InvalidQueryParameters
from .values import given, read_integer

__all__ = ["CursorPagination", "LimitOffsetPagination", "PageNumberPagination"]


def _size(
    request: Request, name: str | None, maximum: int | None, default: int | None
) -> int | None:
    """A page's size: the parameter ``name`` (if the paginator has one) from 1 to ``maximum``,
    else ``default``."""
    if name:
        size = read_integer(request, name, minimum=1, maximum=maximum)
        if size is not None:
            return size
    return default


def _bounded(parameters: list[dict[str, Any]], bounds: dict[str, dict[str, int]]) -> list[Any]:
    """DRF's schema of the parameters, with the bounds each is checked against."""
    for parameter in parameters:
        parameter["schema"].update(bounds.get(parameter["name"], {}))
    return parameters


def _page_size_bounds(name: str | None, maximum: int | None) -> dict[str, dict[str, int]]:
    if name is None:
        return {}
    return {name: {"minimum": 1} if maximum is None else {"minimum": 1, "maximum": maximum}}


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=`` and ``?page_size=`` outside 1 to the last page or ``max_page_size``: 400;
    a well-formed page past the last: 404."""

    query_error_statuses: ClassVar[frozenset[int]] = frozenset({400, 404})

    def get_page_size(self, request: Request) -> int | None:
        """``page_size_query_param`` from 1 to ``max_page_size``; else ``page_size``."""
        return _size(request, self.page_size_query_param, self.max_page_size, self.page_size)

    def get_page_number(self, request: Request, paginator: Any) -> int:
        """A whole number from 1, or one of ``last_page_strings``; 1 when absent."""
        if given(request, self.page_query_param) in self.last_page_strings:
            last: int = paginator.num_pages
            return last
        number = read_integer(request, self.page_query_param, minimum=1)
        return 1 if number is None else number

    def get_schema_operation_parameters(self, view: APIView) -> list[Any]:
        """DRF's, with the bounds of the page and the page size."""
        bounds = _page_size_bounds(self.page_size_query_param, self.max_page_size)
        bounds[self.page_query_param] = {"minimum": 1}
        return _bounded(super().get_schema_operation_parameters(view), bounds)


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """``?limit=`` outside 1 to ``max_limit`` and ``?offset=`` below 0 or malformed: 400; an
    offset past the last item is an empty page, as in DRF."""

    query_error_statuses: ClassVar[frozenset[int]] = frozenset({400})

    def get_limit(self, request: Request) -> int | None:
        """``limit_query_param`` from 1 to ``max_limit``; else ``default_limit``."""
        return _size(request, self.limit_query_param, self.max_limit, self.default_limit)

    def get_offset(self, request: Request) -> int:
        """``offset_query_param`` from 0; 0 when absent."""
        return read_integer(request, self.offset_query_param, minimum=0) or 0

    def get_schema_operation_parameters(self, view: APIView) -> list[Any]:
        """DRF's, with the bounds of the limit and the offset."""
        bounds = {self.offset_query_param: {"minimum": 0}}
        if self.limit_query_param:
            bounds |= _page_size_bounds(self.limit_query_param, self.max_limit)
        return _bounded(super().get_schema_operation_parameters(view), bounds)


class CursorPagination(pagination.CursorPagination):
    """A cursor this paginator did not make, or ``?page_size=`` outside 1 to
    ``max_page_size``: 400."""

    query_error_statuses: ClassVar[frozenset[int]] = frozenset({400})

    def get_page_size(self, request: Request) -> int | None:
        """``page_size_query_param`` from 1 to ``max_page_size``; else ``page_size``."""
        return _size(request, self.page_size_query_param, self.max_page_size, self.page_size)

    def decode_cursor(self, request: Request) -> pagination.Cursor | None:
        """DRF's cursor; ``None`` when absent or empty, 400 when it does not decode."""
        if given(request, self.cursor_query_param) is None:
            return None
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            raise self.invalid_cursor() from exc

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        """DRF's page, after checking that the cursor's position is a value of the ordering
        field: a forged one would fail the query (500), not name the cursor."""
        cursor = self.decode_cursor(request)
        position = None if cursor is None else cursor.position
        if position is not None and view is not None and isinstance(queryset, QuerySet):
            ordering = self.get_ordering(request, queryset, view)
            field = ordering[0].removeprefix("-")
            try:
                # Django prepares the value as the filter is built, without a query.
                queryset.filter(**{f"{field}__gt": position})
            except (DjangoValidationError, TypeError, ValueError) as exc:
                raise self.invalid_cursor() from exc
        return super().paginate_queryset(queryset, request, view)

    def invalid_cursor(self) -> InvalidQueryParameters:
        """The 400 for a cursor that does not decode, with DRF's (translated) message."""
        message = ErrorDetail(str(self.invalid_cursor_message), code="invalid")
        return InvalidQueryParameters({self.cursor_query_param: [message]})

    def get_schema_operation_parameters(self, view: APIView) -> list[Any]:
        """DRF's, with the bounds of the page size."""
        bounds = _page_size_bounds(self.page_size_query_param, self.max_page_size)
        return _bounded(super().get_schema_operation_parameters(view), bounds)
