"""How any permission can refuse a request, asked without one: ours read their rules; DRF's own
classes are read through the rules of ours that match them; DRF's ``&``, ``|``, ``~`` through
their public operands. The OpenAPI schema asks ``refusals``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework import permissions as drf_permissions

from .base import Permission
from .classes import (
    IsAdminUser,
    IsAuthenticated,
    IsAuthenticatedOrReadOnly,
    model_permission_rules,
    object_permission_rules,
)
from .rules import DEFAULT_CODE, OBJECT, Refusal, Rule, anyone, either


def refusals(permission: Any, method: str, view: Any = None) -> frozenset[Refusal]:
    """How ``permission`` (an instance) can refuse a ``method`` request to ``view``.

    Ours answer through their ``refusals`` method; DRF's ``&``, ``|`` and ``~`` are asked through
    their public operands (``op1``, ``op2``); DRF's own classes are known; any other class is
    taken to refuse anyone, with its ``code``, at each level whose method it overrides.
    """
    if isinstance(permission, Permission):
        found = permission.refusals(method)
        if getattr(view, "hide_denied_objects", False):
            # Permission.has_object_permission hides every object-level denial for such a view.
            found = frozenset(r._replace(hide=True) if r.level is OBJECT else r for r in found)
        return found
    # DRF's compositions keep their operands in public attributes its stubs do not declare.
    composed: Any = permission
    if isinstance(permission, drf_permissions.AND):
        # DRF's composition drops the operands' codes: a denial is its generic 403.
        both = refusals(composed.op1, method, view) | refusals(composed.op2, method, view)
        return _recoded(both)
    if isinstance(permission, drf_permissions.OR):
        operands = [refusals(op, method, view) for op in (composed.op1, composed.op2)]
        return _recoded(either(operands))
    if isinstance(permission, drf_permissions.NOT):
        # DRF negates each level alone: ~P refuses every object P has no rule for.
        return anyone(DEFAULT_CODE) | anyone(DEFAULT_CODE, OBJECT)
    return _drf_refusals(permission, method)


def _recoded(found: frozenset[Refusal]) -> frozenset[Refusal]:
    return frozenset(r._replace(code=DEFAULT_CODE) for r in found)


def _declared(rules: tuple[Rule, ...] | None) -> Callable[[Any, str], tuple[Rule, ...]]:
    def rules_for(permission: Any, method: str) -> tuple[Rule, ...]:
        return tuple(rule for rule in rules or () if rule.applies_to(method))

    return rules_for


#: DRF's own classes, each by the rules of the class of ours that does what it does.
_DRF_RULES: dict[type[Any], Callable[[Any, str], tuple[Rule, ...]]] = {
    drf_permissions.AllowAny: _declared(()),
    drf_permissions.IsAuthenticated: _declared(IsAuthenticated.rules),
    drf_permissions.IsAuthenticatedOrReadOnly: _declared(IsAuthenticatedOrReadOnly.rules),
    drf_permissions.IsAdminUser: _declared(IsAdminUser.rules),
    # Before DjangoModelPermissions, of which it is a subclass.
    drf_permissions.DjangoObjectPermissions: object_permission_rules,
    drf_permissions.DjangoModelPermissions: model_permission_rules,
}


def _drf_refusals(permission: Any, method: str) -> frozenset[Refusal]:
    """DRF's own classes, by their documented rules; any other class by what it overrides."""
    cls = type(permission)
    code = getattr(permission, "code", None) or DEFAULT_CODE
    for known, rules_for in _DRF_RULES.items():
        # A subclass that changes a rule is judged by what it overrides, not by its base.
        if (
            issubclass(cls, known)
            and cls.has_permission is known.has_permission
            and cls.has_object_permission is known.has_object_permission
        ):
            # DRF's own words are its generic ones, and it hides nothing of its own accord.
            return frozenset().union(
                *(rule.refusals(code, False) for rule in rules_for(permission, method))
            )
    base = drf_permissions.BasePermission
    found: frozenset[Refusal] = frozenset()
    if cls.has_permission is not base.has_permission:
        found |= anyone(code)
    if cls.has_object_permission is not base.has_object_permission:
        found |= anyone(code, OBJECT)
    return found
