"""Compositions: ``&``, ``|``, ``~`` and ``hidden`` over permissions, keeping the words of the
operand that denied; each combines its operands' decisions, refusals and filters alike."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django.db.models import Q
from rest_framework import permissions as drf_permissions

from .base import COMPOSITIONS, Permission, compose
from .describe import refusals
from .filters import EVERY_OBJECT, NO_OBJECT, all_of, any_of, is_every_object
from .rules import DEFAULT_CODE, OBJECT, Denial, Refusal, anyone, either


class Composite(Permission):
    """A permission built from others; DRF instantiates it with no arguments."""

    operands: ClassVar[tuple[Any, ...]] = ()
    #: The operator that makes this kind, and how a composed class is named from its operands.
    operator: ClassVar[str] = ""
    spelling: ClassVar[str] = ""
    #: ``operands`` as the class was made, when each is a class of ours; else ``None``.
    _own_operands: ClassVar[tuple[type[Permission], ...] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "operator" in cls.__dict__:
            COMPOSITIONS[cls.operator] = cls
        operands = cls.operands
        ours = all(isinstance(op, type) and issubclass(op, Permission) for op in operands)
        cls._own_operands = operands if ours else None

    def __init__(self) -> None:
        # DRF makes a composition a few times a request (each get_permissions()), and it makes
        # its operands: an instance of a class of ours needs no wrapping, so none is asked
        # whether it does. Operands assigned after the class was made are asked.
        operands = self.operands
        if operands is self._own_operands:
            self.parts: list[Permission] = [operand() for operand in operands]
        else:
            self.parts = [as_permission(operand()) for operand in operands]

    def part_refusals(self, method: str) -> list[frozenset[Refusal]]:
        """How each operand can refuse a ``method`` request, in order."""
        return [part.refusals(method) for part in self.parts]

    def object_filter(self, request: Any, view: Any) -> Q:
        # A composition's filter is its operands', combined as it combines their rules.
        return self.allowed_objects(request, view)

    def unfiltered_rules(self) -> list[str]:
        # A composition is filtered through its operands' filters.
        return [name for part in self.parts for name in part.unfiltered_rules()]


class And(Composite):
    """Allowed when every operand allows; denied with the first denial's message and code.

    At object level every operand is asked, so that one asking to hide the object is obeyed
    whatever its place: hiding protects a secret, and order must not leak it.
    """

    operator = "&"
    spelling = "({} & {})"

    def denial(self, request: Any, view: Any) -> Denial | None:
        for part in self.parts:
            denial = part.denial(request, view)
            if denial is not None:
                return denial
        return None

    def object_denial(self, request: Any, view: Any, obj: Any) -> Denial | None:
        return first(part.object_denial(request, view, obj) for part in self.parts)

    def refusals(self, method: str) -> frozenset[Refusal]:
        # Whatever any operand refuses, this refuses.
        return frozenset().union(*self.part_refusals(method))

    # Every operand allowed the request at view level, or this is not asked.

    def allowed_objects(self, request: Any, view: Any) -> Q:
        return all_of(part.allowed_objects(request, view) for part in self.parts)

    def visible_filter(self, request: Any, view: Any) -> Q:
        # Hidden when any operand hides it, whatever its place.
        return all_of(part.visible_filter(request, view) for part in self.parts)


class Or(Composite):
    """Allowed when any operand allows; denied with the first operand's message and code.

    As in DRF, an operand counts at object level only when it also allows at view level. When
    every operand denies and any of them asks to hide the object, it is hidden.
    """

    operator = "|"
    spelling = "({} | {})"

    def denial(self, request: Any, view: Any) -> Denial | None:
        denials = []
        for part in self.parts:
            denial = part.denial(request, view)
            if denial is None:
                return None
            denials.append(denial)
        return first(denials)

    def object_denial(self, request: Any, view: Any, obj: Any) -> Denial | None:
        denials = []
        for part in self.parts:
            denial = part.denial(request, view) or part.object_denial(request, view, obj)
            if denial is None:
                return None
            denials.append(denial)
        return first(denials)

    def refusals(self, method: str) -> frozenset[Refusal]:
        return either(self.part_refusals(method))

    # Some operand allowed the request at view level; each is asked at both levels, as in
    # object_denial.

    def allowed_objects(self, request: Any, view: Any) -> Q:
        return any_of(allowed(part, request, view) for part in self.parts)

    def visible_filter(self, request: Any, view: Any) -> Q:
        # Hidden when every operand denies and one of them hides: visible when one allows, or
        # when none hides.
        unhidden = [not_hidden(part, request, view) for part in self.parts]
        if all(is_every_object(q) for q in unhidden):
            return EVERY_OBJECT
        return any_of([self.allowed_objects(request, view), all_of(unhidden)])


class Not(Composite):
    """Allowed when the operand denies; denied with this class's own message and code.

    ``~P`` denies an object only when ``P`` allows it at view and at object level: DRF negates
    the object-level rule alone, so its ``~IsAdminUser`` denies every object, even to non-staff.
    As in DRF, ``~P`` is checked at view level as ``not P.has_permission``, so negating a rule
    that only judges objects (``~IsOwner``) denies every request. Subclass the composed class to
    give the negation its own words: ``class StaffMayNot(~IsAdminUser): code = "staff_may_not"``.
    """

    operator = "~"
    spelling = "~{}"

    def denial(self, request: Any, view: Any) -> Denial | None:
        # Before the lookup: its denial hides nothing, whatever hide_denied_objects says.
        denied = Denial(self.message, self.code)
        return denied if self.parts[0].denial(request, view) is None else None

    def object_denial(self, request: Any, view: Any, obj: Any) -> Denial | None:
        part = self.parts[0]
        if part.denial(request, view) or part.object_denial(request, view, obj):
            return None
        return Denial(self.message, self.code, self.hide_denied_objects)

    def refusals(self, method: str) -> frozenset[Refusal]:
        # Whoever the operand may allow, authenticated or not, before the lookup: the object
        # level never refuses what the view level let through.
        return anyone(self.code)

    # Allowed at view level, the operand denied there: every object is allowed, and the
    # operand's filter is never needed.

    def allowed_objects(self, request: Any, view: Any) -> Q:
        return EVERY_OBJECT

    def visible_filter(self, request: Any, view: Any) -> Q:
        return EVERY_OBJECT

    def unfiltered_rules(self) -> list[str]:
        return []


class Hidden(Composite):
    """The operand's rule; an object it denies is answered as missing (404) rather than 403."""

    operator = "hidden"
    spelling = "hidden({})"

    def denial(self, request: Any, view: Any) -> Denial | None:
        return self.parts[0].denial(request, view)

    def object_denial(self, request: Any, view: Any, obj: Any) -> Denial | None:
        denial = self.parts[0].object_denial(request, view, obj)
        return None if denial is None else denial._replace(hide=True)

    def refusals(self, method: str) -> frozenset[Refusal]:
        found = self.parts[0].refusals(method)
        return frozenset(r._replace(hide=True) if r.level is OBJECT else r for r in found)

    def allowed_objects(self, request: Any, view: Any) -> Q:
        return self.parts[0].allowed_objects(request, view)

    def visible_filter(self, request: Any, view: Any) -> Q:
        # Every object the operand denies is hidden: the visible ones are those it allows.
        return self.parts[0].allowed_objects(request, view)


def hidden(permission: Any) -> type[Permission]:
    """``permission``, with objects it denies answered exactly like missing ones (404).

    Its list shows them too unless the view's ``filter_backends`` include ``HiddenFilter``
    (which needs the rule's ``object_filter``) or its queryset leaves them out.
    """
    return compose("hidden", permission)


class Foreign(Permission):
    """Any DRF permission inside a composition, its ``message`` and ``code`` read after a denial."""

    def __init__(self, permission: Any) -> None:
        self.permission = permission

    def _denied(self) -> Denial:
        message = getattr(self.permission, "message", None)
        return Denial(message, getattr(self.permission, "code", None) or DEFAULT_CODE)

    def denial(self, request: Any, view: Any) -> Denial | None:
        return None if self.permission.has_permission(request, view) else self._denied()

    def object_denial(self, request: Any, view: Any, obj: Any) -> Denial | None:
        allowed = self.permission.has_object_permission(request, view, obj)
        return None if allowed else self._denied()

    def refusals(self, method: str) -> frozenset[Refusal]:
        return refusals(self.permission, method)

    def judges_objects(self) -> bool:
        # Its object-level rule is known only as a method, never as a filter.
        base = drf_permissions.BasePermission.has_object_permission
        return getattr(type(self.permission), "has_object_permission", base) is not base

    def rule_name(self) -> str:
        return type(self.permission).__name__


def as_permission(instance: Any) -> Permission:
    """``instance`` as one of ours: DRF's and others' are wrapped, keeping their words."""
    return instance if isinstance(instance, Permission) else Foreign(instance)


def allowed(part: Permission, request: Any, view: Any) -> Q:
    """The objects ``part`` allows, its view-level rule included (as ``Or`` asks it)."""
    if part.denial(request, view) is not None:
        return NO_OBJECT
    return part.allowed_objects(request, view)


def not_hidden(part: Permission, request: Any, view: Any) -> Q:
    """The objects ``part`` does not hide, its view-level rule included (as ``Or`` asks it)."""
    denial = part.denial(request, view)
    if denial is None:
        return part.visible_filter(request, view)
    return NO_OBJECT if denial.hide else EVERY_OBJECT


def first(denials: Iterable[Denial | None]) -> Denial | None:
    """The first denial, hiding when any of them hides."""
    found = [denial for denial in denials if denial is not None]
    if not found:
        return None
    return found[0]._replace(hide=any(denial.hide for denial in found))
