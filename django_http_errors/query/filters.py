"""DRF's ordering and search filters, but a value they cannot use is 400 naming the parameter."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import filters, serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.request import Request
from rest_framework.views import APIView

from ..exceptions import InvalidQueryParameters

__all__ = ["OrderingFilter", "SearchFilter"]

UNKNOWN_ORDERING = _(
    "Cannot order by %(unknown)s. Order by any of %(allowed)s, each optionally prefixed with "
    "'-' for descending order, separated by commas."
)

TOO_MANY_TERMS = _("Search for at most %(limit)d words; this search has %(given)d.")


class OrderingFilter(filters.OrderingFilter):
    """``?ordering=`` naming a field the view does not allow: 400, whose detail lists the
    allowed ones (DRF drops it and answers in the default order)."""

    query_error_statuses: ClassVar[frozenset[int]] = frozenset({400})

    def remove_invalid_fields(
        self, queryset: QuerySet[Any], fields: Iterable[str], view: APIView, request: Request
    ) -> list[str]:
        """Every term, when each names an allowed field; empty terms are left out, as DRF does."""
        allowed = [
            name for name, _label in self.get_valid_fields(queryset, view, {"request": request})
        ]
        terms = [term for term in fields if term]
        unknown = [term for term in terms if term.removeprefix("-") not in allowed]
        if unknown:
            message = UNKNOWN_ORDERING % {
                "unknown": ", ".join(unknown),
                "allowed": ", ".join(allowed),
            }
            raise InvalidQueryParameters(
                {self.ordering_param: [ErrorDetail(message, code="invalid_choice")]}
            )
        return terms

    def get_schema_operation_parameters(self, view: APIView) -> list[Any]:
        """DRF's; with ``ordering_fields`` listed, an array of their names (comma-separated)."""
        parameters: list[Any] = super().get_schema_operation_parameters(view)
        listed = getattr(view, "ordering_fields", self.ordering_fields)
        if not isinstance(listed, (list, tuple)):
            return parameters  # the serializer's or the model's fields: known per request
        names = [item if isinstance(item, str) else item[0] for item in listed]
        for parameter in parameters:
            parameter["schema"] = {
                "type": "array",
                "items": {"type": "string", "enum": [t for n in names for t in (n, f"-{n}")]},
            }
            parameter["style"] = "form"
            parameter["explode"] = False
        return parameters


class SearchFilter(filters.SearchFilter):
    """``?search=`` that DRF's own check refuses (a NUL character): 400 naming the parameter,
    where DRF's error would point into a body that was never sent. So is one of more than
    ``max_search_terms`` words: DRF makes a condition of each word on each field, and a
    thousand of them were more than SQLite takes ("Expression tree is too large"), which is
    answered as a database that cannot be reached (503, retry later), and a query every
    database works long at."""

    query_error_statuses: ClassVar[frozenset[int]] = frozenset({400})
    #: The most words a search may have; ``None``: no limit (DRF's).
    max_search_terms: ClassVar[int | None] = 32

    def get_search_terms(self, request: Request) -> list[str]:
        """DRF's terms; none for an empty or absent ``?search=`` (every detail request, a
        304), as DRF's, without the serializer field DRF builds to validate it."""
        if not request.query_params.get(self.search_param):
            return []
        try:
            terms: list[str] = super().get_search_terms(request)
        except serializers.ValidationError as exc:
            raise InvalidQueryParameters({self.search_param: exc.detail}) from exc
        limit = self.max_search_terms
        if limit is not None and len(terms) > limit:
            message = TOO_MANY_TERMS % {"limit": limit, "given": len(terms)}
            raise InvalidQueryParameters(
                {self.search_param: [ErrorDetail(message, code="max_length")]}
            )
        return terms
