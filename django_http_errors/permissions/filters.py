"""What a permission allows as a queryset filter, so that a list leaves out what the detail
hides: the part of ``Permission`` that speaks to the database."""

from __future__ import annotations

import operator
from collections.abc import Iterable
from functools import reduce
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from ..http_names import SAFE_METHODS, UNSAFE_METHODS
from .rules import OBJECT, Refusal, Rule

#: The filter every object passes (Django drops an empty ``Q`` from a query) and the one none
#: does (Django answers an empty ``pk__in`` without asking the database).
EVERY_OBJECT = Q()
NO_OBJECT = Q(pk__in=[])


class ObjectFilters:
    """The objects a permission allows and hides, as queryset filters (``HiddenFilter``).

    A rule that judges objects says which it allows in ``object_filter``: the same rule as its
    object-level test, written as a ``Q``. The rest is derived from the rules.
    """

    # What the filters read of the permission (``Permission`` defines each).

    def rules_for(self, method: str) -> tuple[Rule, ...]:
        """The rules that judge a ``method`` request."""
        raise NotImplementedError

    def refusals(self, method: str) -> frozenset[Refusal]:
        """How the permission can refuse a ``method`` request."""
        raise NotImplementedError

    def judges_objects(self) -> bool:
        """Whether the permission has an object-level rule."""
        raise NotImplementedError

    def rule_name(self) -> str:
        """The permission's name in messages."""
        raise NotImplementedError

    def object_filter(self, request: Any, view: Any) -> Q:
        """The objects the object-level rule allows ``request``, as a queryset filter.

        Asked only where a rule judges the objects of the request's method and the view-level
        rules allow it, so that ``HiddenFilter`` can leave out of a list what the detail hides.
        A permission with an object-level rule says which objects it allows, or nothing it
        hides can be filtered.
        """
        if not self.judges_objects():
            return EVERY_OBJECT
        raise ImproperlyConfigured(
            f"{self.rule_name()} judges objects but declares no object_filter(request, view): "
            "the objects it hides cannot be left out of a queryset."
        )

    def allowed_objects(self, request: Any, view: Any) -> Q:
        """The objects this permission allows ``request``: every one where no object-level rule
        judges its method, else ``object_filter``."""
        if not any(rule.level is OBJECT for rule in self.rules_for(request.method)):
            return EVERY_OBJECT
        return self.object_filter(request, view)

    def visible_filter(self, request: Any, view: Any) -> Q:
        """The objects this permission does not hide from ``request``, as a queryset filter.

        Asked only where the view-level rule allows the request. Which denials hide is read
        from ``refusals``: none, and every object is visible; all, and the visible ones are
        those it allows. A rule that hides some of the objects it denies and not others cannot
        be filtered: a 403 would become a 404.
        """
        hides = {r.hide for r in self.refusals(request.method) if r.level is OBJECT}
        if True not in hides:
            return EVERY_OBJECT
        if False in hides:
            raise ImproperlyConfigured(
                f"{self.rule_name()} hides some of the objects it denies and refuses others "
                "with a 403: no queryset filter can tell them apart."
            )
        return self.allowed_objects(request, view)

    def unfiltered_rules(self) -> list[str]:
        """The rules in this permission that judge objects but declare no ``object_filter``.

        A subclass that changes an object-level test and inherits the filter declares none:
        the inherited filter is another rule's. ``HiddenFilter`` can leave out what a
        permission hides only when this is empty.
        """
        if not self.judges_objects():
            return []
        cls = type(self)
        tests = {r.test for m in ROUTED_METHODS for r in self.rules_for(m) if r.level is OBJECT}
        declared_in = defined_in(cls, "object_filter")
        rules_in = [defined_in(cls, name) for name in sorted(tests | {"object_denial"})]
        if declared_in is not ObjectFilters and all(issubclass(declared_in, r) for r in rules_in):
            return []
        return [self.rule_name()]


#: The methods a view answers: together, every test a permission's rules name.
ROUTED_METHODS = sorted(SAFE_METHODS | UNSAFE_METHODS)


def defined_in(cls: type, name: str) -> type:
    """The class of ``cls``'s MRO that defines the attribute ``name``."""
    return next(base for base in cls.__mro__ if name in vars(base))


def is_every_object(q: Q) -> bool:
    """Whether ``q`` filters nothing: an empty ``Q``, negated or not."""
    return not q.children


def is_no_object(q: Q) -> bool:
    """Whether ``q`` is the filter ``NO_OBJECT`` is: its class, connector, negation and
    children, as ``Q.__eq__`` compares them, without building each side's hashable identity
    (a PATCH compared two this way)."""
    return q is NO_OBJECT or (
        type(q) is Q
        and q.negated == NO_OBJECT.negated
        and q.connector == NO_OBJECT.connector
        and q.children == NO_OBJECT.children
    )


def all_of(filters: Iterable[Q]) -> Q:
    """The objects every filter allows."""
    return reduce(operator.and_, filters, EVERY_OBJECT)


def any_of(filters: Iterable[Q]) -> Q:
    """The objects any filter allows."""
    # Django's Q() | q is q, as if the empty Q meant "no condition" rather than "every object".
    filters = list(filters)
    if any(is_every_object(q) for q in filters):
        return EVERY_OBJECT
    # An object no filter allows adds nothing to the others: left out, the query Django builds
    # is shorter (each ``pk__in=[]`` was compiled, then dropped from the SQL).
    some = [q for q in filters if not is_no_object(q)]
    return reduce(operator.or_, some) if some else NO_OBJECT
