"""The query parameters a list takes, computed from its view; any other is refused (400).

django-filter answered (its issue 763) that a FilterSet cannot tell a mistyped filter from a
pagination or ordering parameter. A DRF view can: its filter backends, its paginator and the
format parameter each say which parameters they read, and the view adds its own.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from rest_framework import filters, pagination
from rest_framework.exceptions import ErrorDetail
from rest_framework.mixins import ListModelMixin
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from ..conf import get_settings
from ..exceptions import InvalidQueryParameters
from ..http_names import READ_METHODS

if TYPE_CHECKING:
    from rest_framework.generics import GenericAPIView

    _View = GenericAPIView[Any]
else:
    _View = object

__all__ = [
    "KnownQueryParametersMixin",
    "component_parameters",
    "query_error_statuses",
    "refuse_unknown",
    "shows_list",
]

UNKNOWN_PARAMETER = _("Unknown parameter: this list takes only %(accepted)s.")
REPEATED_PARAMETER = _("Sent %(count)s times: this list reads it once.")
#: The methods that show a list; a write's query string is not checked.


def component_parameters(
    component: Any, view: Any, request: Request | None, *, repeatable: bool = False
) -> list[str]:
    """The query parameters a filter backend or paginator reads; with ``repeatable``, those it
    reads every value of.

    What its ``get_schema_operation_parameters()`` documents (DRF's API for describing them):
    an array there is read in full, unless written as one comma-separated value
    (``explode: false``). django-filter's backend no longer has it, so its filterset's form
    says (a field whose widget reads a list is read in full).
    """
    if hasattr(component, "get_filterset") and request is not None:
        # Only a view that uses django-filter gets here: it is installed.
        django_filter = importlib.import_module(f"{__package__}.django_filter")
        filterset = _filterset(component, view, request)
        if filterset is None:
            return []
        if repeatable:
            return list(django_filter.repeatable_parameters(filterset))
        return list(django_filter.filterset_parameters(filterset))
    describe = getattr(component, "get_schema_operation_parameters", None)
    if describe is None:
        return []
    return [
        p["name"]
        for p in describe(view)
        if p.get("in") == "query" and (not repeatable or _read_in_full(p))
    ]


def _filterset(component: Any, view: Any, request: Request) -> Any:
    """The filterset ``component`` makes of ``request``, made once a request for both checks
    (the parameters the list takes, and those it reads every value of): each is a form built
    of every filter. Kept on the view, for the request it was made of."""
    made: dict[type, tuple[Request, Any]] = vars(view).setdefault(_FILTERSETS, {})
    kind = type(component)
    known = made.get(kind)
    if known is None or known[0] is not request:
        known = made[kind] = (request, component.get_filterset(request, view.get_queryset(), view))
    return known[1]


#: Where ``_filterset`` keeps the filtersets it made, on the view.
_FILTERSETS = "_django_http_errors_filtersets"


def _read_in_full(parameter: dict[str, Any]) -> bool:
    return (
        parameter.get("schema", {}).get("type") == "array"
        and parameter.get("explode", True) is not False
    )


def query_error_statuses(component: Any) -> frozenset[int]:
    """The statuses a filter backend or paginator answers a query it cannot use with.

    Ours declare them; DRF's and django-filter's answer as follows.
    """
    declared: frozenset[int] | None = getattr(component, "query_error_statuses", None)
    if declared is not None:
        return declared
    if isinstance(component, (pagination.PageNumberPagination, pagination.CursorPagination)):
        return frozenset({404})  # a malformed page or cursor is "not found"
    if isinstance(component, filters.SearchFilter):
        return frozenset({400})  # a NUL character in the search
    if hasattr(component, "get_filterset") and getattr(component, "raise_exception", False):
        return frozenset({400})  # django-filter's invalid values
    return frozenset()


def shows_list(view: Any, request: Request) -> bool:
    """Whether the request reads a list: GET or HEAD of a viewset's ``list`` (or an extra
    action on the list), or of a generic list view."""
    if request.method not in READ_METHODS:
        return False
    detail = getattr(view, "detail", None)
    if detail is not None:  # routed by a DRF router
        return not detail
    action = getattr(view, "action", None)
    if action is not None:
        return bool(action == "list")
    lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
    return isinstance(view, ListModelMixin) and lookup not in getattr(view, "kwargs", {})


def refuse_unknown(given: Iterable[str], accepted: Iterable[str]) -> None:
    """400 naming each ``given`` parameter that is not ``accepted``, with those that are."""
    known = sorted(set(accepted))
    unknown = [name for name in dict.fromkeys(given) if name not in known]
    if unknown:
        message = UNKNOWN_PARAMETER % {"accepted": ", ".join(known) or "none"}
        raise InvalidQueryParameters(
            {name: [ErrorDetail(message, code="unknown")] for name in unknown}
        )


def refuse_repeated(query: Any, repeatable: Iterable[str]) -> None:
    """400 naming each parameter sent more than once that is read once: DRF and django-filter
    read its last value, so ``?page=abc&page=1`` hid the malformed one, and
    ``?owner=bob&owner=alice`` listed alice's alone."""
    allowed = set(repeatable)
    repeated = {
        name: len(values)
        for name, values in query.lists()
        if len(values) > 1 and name not in allowed
    }
    if repeated:
        raise InvalidQueryParameters(
            {
                name: [ErrorDetail(REPEATED_PARAMETER % {"count": count}, code="repeated")]
                for name, count in repeated.items()
            }
        )


class KnownQueryParametersMixin(_View):
    """A list refuses a query parameter that neither its filter backends, its paginator, the
    format parameter nor its ``allowed_query_parameters`` know: a typo is 400, never a list of
    everything.

    Checked after DRF's permissions, as a body is validated after them, and before the
    handler or the preconditions look at the list.
    """

    #: Refuse unknown parameters; ``None``: the ``REFUSE_UNKNOWN_QUERY_PARAMETERS`` setting.
    refuse_unknown_query_parameters: bool | None = None
    #: Parameters the view reads itself (``?since=``), accepted besides the computed ones.
    allowed_query_parameters: Sequence[str] = ()

    def is_refusing_unknown_query_parameters(self) -> bool:
        """The view's ``refuse_unknown_query_parameters``, or the setting."""
        if self.refuse_unknown_query_parameters is not None:
            return self.refuse_unknown_query_parameters
        return get_settings().REFUSE_UNKNOWN_QUERY_PARAMETERS

    def get_query_parameters(self, request: Request) -> set[str]:
        """Every parameter the list takes: ``format``, the filter backends', the paginator's
        and the view's own."""
        names = set(self.allowed_query_parameters)
        if api_settings.URL_FORMAT_OVERRIDE:
            names.add(api_settings.URL_FORMAT_OVERRIDE)
        for backend in self.filter_backends:
            names.update(component_parameters(backend(), self, request))
        if self.paginator is not None:
            names.update(component_parameters(self.paginator, self, request))
        return names

    def get_repeatable_query_parameters(self, request: Request) -> set[str]:
        """The parameters the list reads every value of: the filter backends' and the
        paginator's that say so, and the view's own (``allowed_query_parameters``), which it
        reads as it likes."""
        names = set(self.allowed_query_parameters)
        for backend in self.filter_backends:
            names.update(component_parameters(backend(), self, request, repeatable=True))
        if self.paginator is not None:
            names.update(component_parameters(self.paginator, self, request, repeatable=True))
        return names

    def check_permissions(self, request: Request) -> None:
        """DRF's permissions; then a list's query parameters are checked (none sent, none is
        unknown: the parameters the list takes are not worked out; none is sent twice that
        the list reads once)."""
        super().check_permissions(request)
        if not request.query_params:
            return
        if self.is_refusing_unknown_query_parameters() and shows_list(self, request):
            query = request.query_params
            refuse_unknown(query.keys(), self.get_query_parameters(request))
            if len(query) < sum(len(values) for _name, values in query.lists()):
                refuse_repeated(query, self.get_repeatable_query_parameters(request))

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # DRF's check_permissions() calls no super(): after it, the check would never run.
        mro = cls.__mro__
        if APIView in mro and mro.index(APIView) < mro.index(KnownQueryParametersMixin):
            raise ImproperlyConfigured(
                f"{cls.__qualname__} puts DRF's APIView before KnownQueryParametersMixin, "
                "so the query parameters would never be checked. Put the mixin first: "
                f"class {cls.__qualname__}(KnownQueryParametersMixin, ...)."
            )
