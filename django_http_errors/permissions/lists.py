"""Lists: what the detail hides (404), the list leaves out, through each permission's filters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet
from rest_framework.filters import BaseFilterBackend

from .base import Permission
from .compose import allowed, as_permission, not_hidden
from .describe import refusals
from .filters import all_of, is_every_object

if TYPE_CHECKING:
    # Only for types: DRF's views module reads the API settings as it loads, and the catalog
    # (which the exception handler imports) imports this package.
    from rest_framework.request import Request
    from rest_framework.views import APIView


def visible_objects(request: Any, view: Any) -> Q:
    """The objects none of ``view``'s permissions hide from ``request``, as a queryset filter.

    Asked once the permissions allowed the request. On a view with ``hide_denied_objects``
    every object-level denial of ours hides, so only the objects they allow are visible. A
    permission that hides objects from this request is refused unless every rule in it that
    judges objects declares its filter, as check ``W017`` reports without a request.
    """
    hides_every_denial = getattr(view, "hide_denied_objects", False)
    filters = []
    for permission in view.get_permissions():
        part = as_permission(permission)
        # Whether it hides is asked only of a permission with a rule that lacks its filter:
        # every rule of a well-made one has its filter (check W017 asks the same at startup).
        missing = part.unfiltered_rules()
        if missing and any(r.hide for r in refusals(permission, request.method, view)):
            raise ImproperlyConfigured(
                f"{type(view).__name__}: {part.rule_name()} hides objects, but these rules in "
                f"it declare no object_filter(request, view): {', '.join(missing)}. What it "
                "hides cannot be left out of the queryset."
            )
        if hides_every_denial and isinstance(permission, Permission):
            filters.append(allowed(part, request, view))
        else:
            filters.append(not_hidden(part, request, view))
    return all_of(filters)


def unfiltered_rules(permission: Any) -> list[str]:
    """The rules in ``permission`` (an instance) that judge objects but declare no filter.

    Empty when ``HiddenFilter`` can leave out whatever ``permission`` hides; DRF's own classes
    and compositions that judge objects never declare one.
    """
    return as_permission(permission).unfiltered_rules()


class HiddenFilter(BaseFilterBackend):
    """Leaves out of a view's queryset the objects its permissions hide (404 on the detail).

    A list shows only what the detail would show, and looking up a hidden object finds nothing:
    the same ``Http404`` the permission would raise. Each rule that judges objects in a hiding
    permission must declare its ``object_filter``; one that does not is refused with
    ``ImproperlyConfigured`` (and reported by check ``W017``), never silently shown.
    """

    def filter_queryset(
        self, request: Request, queryset: QuerySet[Any, Any], view: APIView
    ) -> QuerySet[Any, Any]:
        visible = visible_objects(request, view)
        if is_every_object(visible):
            # Nothing hidden from this request (staff, a view whose permissions hide nothing):
            # the queryset as it came, as DRF's own backends return what they do not filter.
            return queryset
        filtered: QuerySet[Any, Any] = queryset.filter(visible)
        return filtered
