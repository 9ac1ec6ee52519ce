"""Permission classes that keep their message and code through ``&``, ``|`` and ``~``.

They are drop-in replacements for DRF's, with three differences:

- a composed permission denies with the message and code of the operand that denied (DRF's
  composition drops them);
- an object the user may not know about can be hidden: it is answered exactly like a missing
  one (HTTP allows a 404 in place of a 403 to hide it), with the very ``Http404`` that DRF's
  ``get_object`` raises for a missing object;
- ownership classes (``IsOwner``, ``IsOwnerOrReadOnly``) with a configurable owner field.

Whether a denial is a 401 or a 403 stays DRF's decision, made on the request: not authenticated
(and the view has authentication classes) is ``NotAuthenticated``, which the exception handler
answers 401 with a challenge; authenticated is ``PermissionDenied``, a 403 with the message and
code of the permission that denied.

Each permission also says, without a request, how it can refuse one: ``refusals(permission,
method)`` asks ours (their ``refusals`` method), understands DRF's own classes and composes both
through ``&``, ``|`` and ``~``; the OpenAPI schema lists the statuses it answers.

A rule lives in ``allows`` (view level) and ``allows_object`` (object level); DRF's
``has_permission`` and ``has_object_permission`` apply the message, the code and hiding, so
subclasses override the former.

DRF asks object permissions only where it looks up one object, so a list would show what the
detail hides. A rule that judges objects says which it allows as a queryset filter
(``object_filter``); compositions combine those filters as they combine the rules, and
``HiddenFilter`` leaves out of the view's queryset what its permissions hide.
"""

from __future__ import annotations

import enum
import operator
from collections.abc import Callable, Iterable
from functools import reduce
from typing import Any, ClassVar, NamedTuple, cast

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions as drf_permissions
from rest_framework.filters import BaseFilterBackend
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.views import APIView

__all__ = [
    "SAFE_METHODS",
    "AllowAny",
    "And",
    "Denial",
    "DjangoModelPermissions",
    "DjangoObjectPermissions",
    "Hidden",
    "HiddenFilter",
    "IsAdminUser",
    "IsAuthenticated",
    "IsAuthenticatedOrReadOnly",
    "IsOwner",
    "IsOwnerOrReadOnly",
    "Not",
    "Or",
    "Permission",
    "Refusal",
    "RefusalLevel",
    "hidden",
    "missing_object",
    "refusals",
    "unfiltered_rules",
    "visible_objects",
]

DEFAULT_MESSAGE = _("You do not have permission to perform this action.")
DEFAULT_CODE = "permission_denied"
AUTHENTICATION_REQUIRED_MESSAGE = _("This request requires authentication.")
AUTHENTICATION_REQUIRED_CODE = "authentication_required"

#: The filter every object passes (Django drops an empty ``Q`` from a query) and the one none
#: does (Django answers an empty ``pk__in`` without asking the database).
EVERY_OBJECT = Q()
NO_OBJECT = Q(pk__in=[])


class Denial(NamedTuple):
    """Why a permission denied: the message and code for the 403, and whether to hide (404)."""

    message: Any
    code: str
    hide: bool = False


class RefusalLevel(enum.Enum):
    """Where DRF asks a permission: before the lookup, or about the object looked up."""

    #: ``has_permission``: every request to the view.
    VIEW = "view"
    #: ``has_object_permission``: only where the view looks up one object (``get_object``).
    OBJECT = "object"


class Refusal(NamedTuple):
    """One way a permission can refuse a request: its code, where, whom, and whether it hides.

    ``anonymous``: the refused request is not authenticated, and authenticating would help. DRF
    answers it ``NotAuthenticated`` (401 with a challenge) when the view has authentication
    classes; without any, nobody can authenticate, and it is a 403 with this code.
    ``hide``: the object is answered exactly like a missing one (404).
    """

    code: str
    level: RefusalLevel = RefusalLevel.VIEW
    anonymous: bool = False
    hide: bool = False

    def answer(self, *, authenticates: bool) -> tuple[int, str]:
        """The status and problem code this refusal is answered with."""
        if self.hide:
            return 404, "not_found"
        if self.anonymous and authenticates:
            return 401, "not_authenticated"
        return 403, self.code


VIEW = RefusalLevel.VIEW
OBJECT = RefusalLevel.OBJECT


def _anyone(code: str, level: RefusalLevel = VIEW, *, hide: bool = False) -> frozenset[Refusal]:
    """Refused whether authenticated or not."""
    return frozenset({Refusal(code, level, True, hide), Refusal(code, level, False, hide)})


def _anonymous(code: str) -> frozenset[Refusal]:
    """Refused only when not authenticated, before the lookup."""
    return frozenset({Refusal(code, VIEW, anonymous=True)})


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
        return _anyone(DEFAULT_CODE) | _anyone(DEFAULT_CODE, OBJECT)
    return _drf_refusals(permission, method)


def either(operands: Iterable[frozenset[Refusal]]) -> frozenset[Refusal]:
    """The refusals of "any operand allows": a request is refused only when every operand is.

    As in DRF, an operand counts at object level only when it also allows at view level; the
    first operand's code speaks, and any operand that hides the object hides it.
    """
    operands = list(operands)
    found: set[Refusal] = set()
    for anonymous in (True, False):
        theirs = [{r for r in op if r.anonymous is anonymous} for op in operands]
        if not theirs or not all(theirs):
            continue
        if all(any(r.level is VIEW for r in refused) for refused in theirs):
            found |= {r for r in theirs[0] if r.level is VIEW}
        if any(r.level is OBJECT for refused in theirs for r in refused):
            hide = any(r.hide for refused in theirs for r in refused if r.level is OBJECT)
            found |= {Refusal(r.code, OBJECT, anonymous, hide) for r in theirs[0]}
    return frozenset(found)


def _recoded(found: frozenset[Refusal]) -> frozenset[Refusal]:
    return frozenset(r._replace(code=DEFAULT_CODE) for r in found)


def _drf_refusals(permission: Any, method: str) -> frozenset[Refusal]:
    """DRF's own classes, by their documented rules; any other class by what it overrides."""
    cls = type(permission)
    code = getattr(permission, "code", None) or DEFAULT_CODE
    for known, rule in _DRF_RULES.items():
        # A subclass that changes a rule is judged by what it overrides, not by its base.
        if (
            issubclass(cls, known)
            and cls.has_permission is known.has_permission
            and cls.has_object_permission is known.has_object_permission
        ):
            return rule(permission, method, code)
    base = drf_permissions.BasePermission
    found: frozenset[Refusal] = frozenset()
    if cls.has_permission is not base.has_permission:
        found |= _anyone(code)
    if cls.has_object_permission is not base.has_object_permission:
        found |= _anyone(code, OBJECT)
    return found


def model_permission_refusals(permission: Any, method: str, code: str) -> frozenset[Refusal]:
    """``DjangoModelPermissions``: anonymous users (unless allowed), and users without the
    model permission the method needs (none, by default, for reads)."""
    needs = bool(permission.perms_map.get(method, ["unknown"]))
    found: frozenset[Refusal] = frozenset()
    if needs or permission.authenticated_users_only:
        found |= _anonymous(code)
    if needs:
        found |= {Refusal(code)}
    return found


def object_permission_refusals(permission: Any, method: str, code: str) -> frozenset[Refusal]:
    """``DjangoObjectPermissions``: the model's rule, then per object; who may not read the
    object gets 404."""
    found = model_permission_refusals(permission, method, code) | {Refusal(code, OBJECT, hide=True)}
    if method not in SAFE_METHODS:
        found |= {Refusal(code, OBJECT)}
    return found


_DRF_RULES: dict[type[Any], Callable[[Any, str, str], frozenset[Refusal]]] = {
    drf_permissions.AllowAny: lambda permission, method, code: frozenset(),
    drf_permissions.IsAuthenticated: lambda permission, method, code: _anonymous(code),
    drf_permissions.IsAuthenticatedOrReadOnly: lambda permission, method, code: (
        frozenset() if method in SAFE_METHODS else _anonymous(code)
    ),
    drf_permissions.IsAdminUser: lambda permission, method, code: _anyone(code),
    # Before DjangoModelPermissions, of which it is a subclass.
    drf_permissions.DjangoObjectPermissions: object_permission_refusals,
    drf_permissions.DjangoModelPermissions: model_permission_refusals,
}


class PermissionMetaclass(drf_permissions.BasePermissionMetaclass):
    """Makes ``A & B``, ``A | B`` and ``~A`` permission classes that keep messages and codes.

    Python tries the reflected operator of the right operand first when its type is a subclass of
    the left one's, so ``drf.IsAuthenticated & IsOwner`` composes here too.
    """

    def __and__(cls, other: Any) -> Any:
        return compose(And, cls, other)

    def __rand__(cls, other: Any) -> Any:
        return compose(And, other, cls)

    def __or__(cls, other: Any) -> Any:
        return compose(Or, cls, other)

    def __ror__(cls, other: Any) -> Any:
        return compose(Or, other, cls)

    def __invert__(cls) -> Any:
        return compose(Not, cls)


class Permission(drf_permissions.BasePermission, metaclass=PermissionMetaclass):
    """Base class: a rule with a lazily translated ``message``, a stable ``code``, optional hiding.

    Set ``hide_denied_objects = True`` (here or on the view) to answer an object-level denial
    as if the object did not exist.
    """

    message: Any = DEFAULT_MESSAGE
    code: str = DEFAULT_CODE
    hide_denied_objects: bool = False

    def allows(self, request: Any, view: Any) -> bool:
        """The view-level rule; everything is allowed unless a subclass says otherwise."""
        return True

    def allows_object(self, request: Any, view: Any, obj: Any) -> bool:
        """The object-level rule; everything is allowed unless a subclass says otherwise."""
        return True

    def refusals(self, method: str) -> frozenset[Refusal]:
        """How this permission can refuse a ``method`` request, without seeing one.

        By default: anyone, with ``code``, at each level whose rule a subclass overrides.
        A class whose rule depends on who asks says so more precisely.
        """
        cls = type(self)
        found: frozenset[Refusal] = frozenset()
        if cls.allows is not Permission.allows or cls.denial is not Permission.denial:
            found |= _anyone(self.code)
        if self.judges_objects():
            found |= _anyone(self.code, OBJECT, hide=self.hide_denied_objects)
        return found

    def judges_objects(self) -> bool:
        """Whether this permission has an object-level rule: a subclass overrides one."""
        cls = type(self)
        return (
            cls.allows_object is not Permission.allows_object
            or cls.object_denial is not Permission.object_denial
        )

    def object_filter(self, request: Any, view: Any) -> Q:
        """The objects the object-level rule allows ``request``, as a queryset filter.

        Asked only where the view-level rule allows the request, so that ``HiddenFilter`` can
        leave out of a list what the detail hides. Without an object-level rule every object is
        allowed (``Q()``); a subclass with one says which it allows, the same rule as
        ``allows_object`` written as a ``Q``, or nothing it hides can be filtered.
        """
        if not self.judges_objects():
            return EVERY_OBJECT
        raise ImproperlyConfigured(
            f"{self.rule_name()} judges objects but declares no object_filter(request, view): "
            "the objects it hides cannot be left out of a queryset."
        )

    def visible_filter(self, request: Any, view: Any) -> Q:
        """The objects this permission does not hide from ``request``, as a queryset filter.

        Asked only where the view-level rule allows the request. Which denials hide is read
        from ``refusals``: none, and every object is visible; all, and the visible ones are
        those ``object_filter`` allows. A rule that hides some of the objects it denies and not
        others cannot be filtered: a 403 would become a 404.
        """
        hides = {r.hide for r in self.refusals(request.method) if r.level is OBJECT}
        if True not in hides:
            return EVERY_OBJECT
        if False in hides:
            raise ImproperlyConfigured(
                f"{self.rule_name()} hides some of the objects it denies and refuses others "
                "with a 403: no queryset filter can tell them apart."
            )
        return self.object_filter(request, view)

    def unfiltered_rules(self) -> list[str]:
        """The rules in this permission that judge objects but declare no ``object_filter``.

        A subclass that changes the object-level rule and inherits the filter declares none:
        the inherited filter is another rule's. ``HiddenFilter`` can leave out what a
        permission hides only when this is empty.
        """
        if not self.judges_objects():
            return []
        cls = type(self)
        declared_in = _defined_in(cls, "object_filter")
        rules_in = [_defined_in(cls, name) for name in ("allows_object", "object_denial")]
        if declared_in is not Permission and all(issubclass(declared_in, r) for r in rules_in):
            return []
        return [self.rule_name()]

    def rule_name(self) -> str:
        """The name of this rule in messages: its class's."""
        return type(self).__name__

    def denied(self) -> Denial:
        """This permission's own denial."""
        return Denial(self.message, self.code, self.hide_denied_objects)

    def denial(self, request: Any, view: Any) -> Denial | None:
        """``None`` when the view-level rule allows the request, else why not."""
        return None if self.allows(request, view) else self.denied()

    def object_denial(self, request: Any, view: Any, obj: Any) -> Denial | None:
        """``None`` when the object-level rule allows the request, else why not."""
        return None if self.allows_object(request, view, obj) else self.denied()

    def has_permission(self, request: Any, view: Any) -> bool:
        """DRF's entry point: applies ``denial`` and exposes its message and code to DRF."""
        return self._answer(self.denial(request, view))

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        """DRF's entry point: applies ``object_denial``, hiding the object when asked to."""
        denial = self.object_denial(request, view, obj)
        if denial is not None and (denial.hide or getattr(view, "hide_denied_objects", False)):
            raise missing_object(obj)
        return self._answer(denial)

    def _answer(self, denial: Denial | None) -> bool:
        if denial is None:
            return True
        # DRF reads message and code off the instance right after a denial (check_permissions);
        # a fresh instance serves each request, so this state does not leak between requests.
        self.message, self.code = denial.message, denial.code
        return False


def missing_object(obj: Any) -> Http404:
    """The ``Http404`` that DRF's ``get_object`` raises when no object matches the lookup.

    Django's ``get_object_or_404`` words it from the queryset's model; a hidden object must be
    answered with the same words, or its status, body and headers would tell it apart.
    """
    meta = getattr(type(obj), "_meta", None)
    if meta is None:
        return Http404()
    return Http404(f"No {meta.object_name} matches the given query.")


def is_authenticated(request: Any) -> bool:
    """Whether the request's user is authenticated."""
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)


# ---------------------------------------------------------------------------------------------
# Composition


def compose(kind: type[Composite], *operands: Any) -> type[Permission]:
    """A new permission class of ``kind`` over ``operands`` (classes or DRF operand holders)."""
    names = [getattr(op, "__name__", type(op).__name__) for op in operands]
    name = kind.spelling.format(*names)
    attributes = {"operands": tuple(operands), "__module__": kind.__module__, "__qualname__": name}
    return cast("type[Permission]", PermissionMetaclass(name, (kind,), attributes))


class Composite(Permission):
    """A permission built from others; DRF instantiates it with no arguments."""

    operands: ClassVar[tuple[Any, ...]] = ()
    #: How a composed class is named, from its operands' names.
    spelling: ClassVar[str] = ""

    def __init__(self) -> None:
        self.parts = [_as_permission(operand()) for operand in self.operands]

    def part_refusals(self, method: str) -> list[frozenset[Refusal]]:
        """How each operand can refuse a ``method`` request, in order."""
        return [part.refusals(method) for part in self.parts]

    def unfiltered_rules(self) -> list[str]:
        # A composition is filtered through its operands' filters.
        return [name for part in self.parts for name in part.unfiltered_rules()]


class And(Composite):
    """Allowed when every operand allows; denied with the first denial's message and code.

    At object level every operand is asked, so that one asking to hide the object is obeyed
    whatever its place: hiding protects a secret, and order must not leak it.
    """

    spelling = "({} & {})"

    def denial(self, request: Any, view: Any) -> Denial | None:
        for part in self.parts:
            denial = part.denial(request, view)
            if denial is not None:
                return denial
        return None

    def object_denial(self, request: Any, view: Any, obj: Any) -> Denial | None:
        return _first(part.object_denial(request, view, obj) for part in self.parts)

    def refusals(self, method: str) -> frozenset[Refusal]:
        # Whatever any operand refuses, this refuses.
        return frozenset().union(*self.part_refusals(method))

    # Every operand allowed the request at view level, or this is not asked.

    def object_filter(self, request: Any, view: Any) -> Q:
        return _all_of(part.object_filter(request, view) for part in self.parts)

    def visible_filter(self, request: Any, view: Any) -> Q:
        # Hidden when any operand hides it, whatever its place.
        return _all_of(part.visible_filter(request, view) for part in self.parts)


class Or(Composite):
    """Allowed when any operand allows; denied with the first operand's message and code.

    As in DRF, an operand counts at object level only when it also allows at view level. When
    every operand denies and any of them asks to hide the object, it is hidden.
    """

    spelling = "({} | {})"

    def denial(self, request: Any, view: Any) -> Denial | None:
        denials = []
        for part in self.parts:
            denial = part.denial(request, view)
            if denial is None:
                return None
            denials.append(denial)
        return _first(denials)

    def object_denial(self, request: Any, view: Any, obj: Any) -> Denial | None:
        denials = []
        for part in self.parts:
            denial = part.denial(request, view) or part.object_denial(request, view, obj)
            if denial is None:
                return None
            denials.append(denial)
        return _first(denials)

    def refusals(self, method: str) -> frozenset[Refusal]:
        return either(self.part_refusals(method))

    # Some operand allowed the request at view level; each is asked at both levels, as in
    # object_denial.

    def object_filter(self, request: Any, view: Any) -> Q:
        return _any_of(_allowed(part, request, view) for part in self.parts)

    def visible_filter(self, request: Any, view: Any) -> Q:
        # Hidden when every operand denies and one of them hides: visible when one allows, or
        # when none hides.
        unhidden = [_unhidden(part, request, view) for part in self.parts]
        if all(_is_every_object(q) for q in unhidden):
            return EVERY_OBJECT
        return _any_of([self.object_filter(request, view), _all_of(unhidden)])


class Not(Composite):
    """Allowed when the operand denies; denied with this class's own message and code.

    ``~P`` denies an object only when ``P`` allows it at view and at object level: DRF negates
    the object-level rule alone, so its ``~IsAdminUser`` denies every object, even to non-staff.
    As in DRF, ``~P`` is checked at view level as ``not P.has_permission``, so negating a rule
    that only judges objects (``~IsOwner``) denies every request. Subclass the composed class to
    give the negation its own words: ``class StaffMayNot(~IsAdminUser): code = "staff_may_not"``.
    """

    spelling = "~{}"

    def denial(self, request: Any, view: Any) -> Denial | None:
        return self.denied() if self.parts[0].denial(request, view) is None else None

    def object_denial(self, request: Any, view: Any, obj: Any) -> Denial | None:
        part = self.parts[0]
        if part.denial(request, view) or part.object_denial(request, view, obj):
            return None
        return self.denied()

    def refusals(self, method: str) -> frozenset[Refusal]:
        # Whoever the operand may allow, authenticated or not, before the lookup: the object
        # level never refuses what the view level let through.
        return _anyone(self.code)

    # Allowed at view level, the operand denied there: every object is allowed, and the
    # operand's filter is never needed.

    def object_filter(self, request: Any, view: Any) -> Q:
        return EVERY_OBJECT

    def visible_filter(self, request: Any, view: Any) -> Q:
        return EVERY_OBJECT

    def unfiltered_rules(self) -> list[str]:
        return []


class Hidden(Composite):
    """The operand's rule; an object it denies is answered as missing (404) rather than 403."""

    spelling = "hidden({})"

    def denial(self, request: Any, view: Any) -> Denial | None:
        return self.parts[0].denial(request, view)

    def object_denial(self, request: Any, view: Any, obj: Any) -> Denial | None:
        denial = self.parts[0].object_denial(request, view, obj)
        return None if denial is None else denial._replace(hide=True)

    def refusals(self, method: str) -> frozenset[Refusal]:
        found = self.parts[0].refusals(method)
        return frozenset(r._replace(hide=True) if r.level is OBJECT else r for r in found)

    def object_filter(self, request: Any, view: Any) -> Q:
        return self.parts[0].object_filter(request, view)

    def visible_filter(self, request: Any, view: Any) -> Q:
        # Every object the operand denies is hidden: the visible ones are those it allows.
        return self.parts[0].object_filter(request, view)


def hidden(permission: Any) -> type[Permission]:
    """``permission``, with objects it denies answered exactly like missing ones (404).

    Its list shows them too unless the view's ``filter_backends`` include ``HiddenFilter``
    (which needs the rule's ``object_filter``) or its queryset leaves them out.
    """
    return compose(Hidden, permission)


class _Foreign(Permission):
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


def _as_permission(instance: Any) -> Permission:
    return instance if isinstance(instance, Permission) else _Foreign(instance)


def _defined_in(cls: type, name: str) -> type:
    """The class of ``cls``'s MRO that defines the attribute ``name``."""
    return next(base for base in cls.__mro__ if name in vars(base))


def _allowed(part: Permission, request: Any, view: Any) -> Q:
    """The objects ``part`` allows, its view-level rule included (as ``Or`` asks it)."""
    if part.denial(request, view) is not None:
        return NO_OBJECT
    return part.object_filter(request, view)


def _unhidden(part: Permission, request: Any, view: Any) -> Q:
    """The objects ``part`` does not hide, its view-level rule included (as ``Or`` asks it)."""
    denial = part.denial(request, view)
    if denial is None:
        return part.visible_filter(request, view)
    return NO_OBJECT if denial.hide else EVERY_OBJECT


def _is_every_object(q: Q) -> bool:
    # An empty Q filters nothing, negated or not.
    return not q.children


def _all_of(filters: Iterable[Q]) -> Q:
    return reduce(operator.and_, filters, EVERY_OBJECT)


def _any_of(filters: Iterable[Q]) -> Q:
    # Django's Q() | q is q, as if the empty Q meant "no condition" rather than "every object".
    filters = list(filters)
    if any(_is_every_object(q) for q in filters):
        return EVERY_OBJECT
    return reduce(operator.or_, filters, NO_OBJECT)


def _first(denials: Iterable[Denial | None]) -> Denial | None:
    found = [denial for denial in denials if denial is not None]
    if not found:
        return None
    return found[0]._replace(hide=any(denial.hide for denial in found))


# ---------------------------------------------------------------------------------------------
# Lists: what the detail hides, the list leaves out


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
        part = _as_permission(permission)
        hides = any(r.hide for r in refusals(permission, request.method, view))
        missing = part.unfiltered_rules()
        if hides and missing:
            raise ImproperlyConfigured(
                f"{type(view).__name__}: {part.rule_name()} hides objects, but these rules in "
                f"it declare no object_filter(request, view): {', '.join(missing)}. What it "
                "hides cannot be left out of the queryset."
            )
        if hides_every_denial and isinstance(permission, Permission):
            filters.append(_allowed(part, request, view))
        else:
            filters.append(_unhidden(part, request, view))
    return _all_of(filters)


def unfiltered_rules(permission: Any) -> list[str]:
    """The rules in ``permission`` (an instance) that judge objects but declare no filter.

    Empty when ``HiddenFilter`` can leave out whatever ``permission`` hides; DRF's own classes
    and compositions that judge objects never declare one.
    """
    return _as_permission(permission).unfiltered_rules()


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
        visible: QuerySet[Any, Any] = queryset.filter(visible_objects(request, view))
        return visible


# ---------------------------------------------------------------------------------------------
# Drop-in classes


class AllowAny(Permission):
    """Every request is allowed."""


class IsAuthenticated(Permission):
    """Only authenticated users are allowed (anonymous: 401 with a challenge)."""

    message = AUTHENTICATION_REQUIRED_MESSAGE
    code = AUTHENTICATION_REQUIRED_CODE

    def allows(self, request: Any, view: Any) -> bool:
        return is_authenticated(request)

    def refusals(self, method: str) -> frozenset[Refusal]:
        return _anonymous(self.code)


class IsAuthenticatedOrReadOnly(Permission):
    """Anyone may read (GET, HEAD, OPTIONS); only authenticated users may write."""

    message = AUTHENTICATION_REQUIRED_MESSAGE
    code = AUTHENTICATION_REQUIRED_CODE

    def allows(self, request: Any, view: Any) -> bool:
        return request.method in SAFE_METHODS or is_authenticated(request)

    def refusals(self, method: str) -> frozenset[Refusal]:
        return frozenset() if method in SAFE_METHODS else _anonymous(self.code)


class IsAdminUser(Permission):
    """Only staff users (``is_staff``) are allowed."""

    message = _("Only staff may do this.")
    code = "staff_only"

    def allows(self, request: Any, view: Any) -> bool:
        user = getattr(request, "user", None)
        return bool(user and user.is_staff)


class IsOwner(Permission):
    """Only the object's owner (``owner_field``, dotted paths allowed) and, if allowed, staff.

    Anonymous users own nothing, so they are denied before the lookup: a 401, whether or not the
    object exists.
    """

    message = _("Only the owner may do this.")
    code = "not_owner"
    #: Attribute path from the object to its owner (a user, or a user's primary key).
    owner_field: str = "owner"
    #: Whether staff users may act on objects they do not own.
    allow_staff: bool = False

    def denial(self, request: Any, view: Any) -> Denial | None:
        if self.allows(request, view):
            return None
        return Denial(AUTHENTICATION_REQUIRED_MESSAGE, AUTHENTICATION_REQUIRED_CODE)

    def allows(self, request: Any, view: Any) -> bool:
        return is_authenticated(request)

    def allows_object(self, request: Any, view: Any, obj: Any) -> bool:
        user = request.user
        if self.allow_staff and user.is_staff:
            return True
        return bool(owner_pk(obj, self.owner_field) == user.pk)

    def object_filter(self, request: Any, view: Any) -> Q:
        """The objects whose owner (``owner_field``, its dots read as ``__``) is the user; every
        object for staff where ``allow_staff``."""
        user = request.user
        if self.allow_staff and user.is_staff:
            return EVERY_OBJECT
        return Q(**{self.owner_field.replace(".", "__"): user.pk})

    def refusals(self, method: str) -> frozenset[Refusal]:
        # Anonymous users are refused before the lookup; others by the object-level rule.
        return _anonymous(AUTHENTICATION_REQUIRED_CODE) | {
            Refusal(self.code, OBJECT, hide=self.hide_denied_objects)
        }


class IsOwnerOrReadOnly(IsOwner):
    """Anyone may read; only the owner (``owner_field``) and, if allowed, staff may write."""

    def allows(self, request: Any, view: Any) -> bool:
        return request.method in SAFE_METHODS or is_authenticated(request)

    def allows_object(self, request: Any, view: Any, obj: Any) -> bool:
        return request.method in SAFE_METHODS or super().allows_object(request, view, obj)

    def object_filter(self, request: Any, view: Any) -> Q:
        if request.method in SAFE_METHODS:
            return EVERY_OBJECT
        return super().object_filter(request, view)

    def refusals(self, method: str) -> frozenset[Refusal]:
        return frozenset() if method in SAFE_METHODS else super().refusals(method)


def owner_pk(obj: Any, owner_field: str) -> Any:
    """The primary key of the owner at ``owner_field`` (``"owner"``, ``"blog.owner"``).

    The last step reads a foreign key's column (``owner_id``) when it can, which costs no query.
    """
    *path, last = owner_field.split(".")
    for name in path:
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    meta = getattr(type(obj), "_meta", None)
    if meta is not None:
        try:
            field = meta.get_field(last)
        except FieldDoesNotExist:  # a property or a plain attribute
            field = None
        if field is not None and getattr(field, "many_to_one", False):
            return getattr(obj, field.attname)
    owner = getattr(obj, last, None)
    return getattr(owner, "pk", owner)


class DjangoModelPermissions(Permission, drf_permissions.DjangoModelPermissions):
    """Authenticated users with the model's ``add``/``change``/``delete`` permission per method."""

    message = _("You lack the permission on this kind of resource that this request needs.")
    code = "model_permission_required"

    def allows(self, request: Any, view: Any) -> bool:
        return bool(drf_permissions.DjangoModelPermissions.has_permission(self, request, view))

    def refusals(self, method: str) -> frozenset[Refusal]:
        return model_permission_refusals(self, method, self.code)


class DjangoObjectPermissions(DjangoModelPermissions, drf_permissions.DjangoObjectPermissions):
    """Per-object permissions (a backend such as django-guardian); who may not read it gets 404.

    DRF hides such objects with a bare ``Http404``, whose body differs from a missing object's;
    here the hiding is answered exactly like a missing object.
    """

    message = _("You lack the permission on this resource that this request needs.")
    code = "object_permission_required"

    def object_denial(self, request: Any, view: Any, obj: Any) -> Denial | None:
        model = self._queryset(view).model
        user = request.user
        if user.has_perms(self.get_required_object_permissions(request.method, model), obj):
            return None
        if request.method in SAFE_METHODS or not user.has_perms(
            self.get_required_object_permissions("GET", model), obj
        ):
            # Who may not read the object must not learn that it exists.
            return self.denied()._replace(hide=True)
        return self.denied()

    def refusals(self, method: str) -> frozenset[Refusal]:
        return object_permission_refusals(self, method, self.code)
