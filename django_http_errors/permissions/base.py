"""``Permission``: rules stated once, from which DRF's decision and the description of every
refusal are both read; the operators ``&``, ``|`` and ``~``; the problem types permissions
declare."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.http import Http404
from rest_framework import permissions as drf_permissions

from ..internals import not_found
from ..problems import Declarations, ProblemType
from .filters import ROUTED_METHODS, ObjectFilters
from .rules import (
    DEFAULT_CODE,
    DEFAULT_MESSAGE,
    OBJECT,
    VIEW,
    Denial,
    Refusal,
    RefusalLevel,
    Rule,
)

if TYPE_CHECKING:
    from ..problems import Text

#: The composition each operator makes (``&``, ``|``, ``~``, ``hidden``), registered by the
#: composition classes themselves (``compose.py``), which are permissions too; each names
#: the classes it makes with its ``spelling``.
COMPOSITIONS: dict[str, Any] = {}
#: Every problem type a permission class declares, by code (``Permission.__init_subclass__``).
_DECLARED: Declarations[type[Permission]] = Declarations()
#: What ``unfiltered_rules()`` reads that a subclass may override to read off its instance.
_RULE_READERS = ("rules_for", "judges_objects", "rule_name")
#: The name under which a permission class keeps what is worked out once for it (``_Known``),
#: in its own namespace: a subclass keeps its own, never reads its base's.
_KNOWN = "_django_http_errors_known"


class _Known:
    """What a permission class answers, worked out once from its ``rules`` and its methods.

    Kept in the class itself, which is read as every denial reads it (``_judge`` asks
    ``rules_for()`` several times a request for each permission, and ``HiddenFilter`` asks
    ``unfiltered_rules()`` of every permission on every lookup); a lookup there costs less than
    one in a map keyed weakly by class, and it goes with the class. Worked out again once the
    ``rules`` read are another object (a subclass's, an assignment to the class, an instance's
    own).
    """

    __slots__ = ("by_method", "reads_own", "rules", "unfiltered")

    def __init__(self, cls: type, rules: object) -> None:
        #: The ``rules`` it was worked out from.
        self.rules = rules
        #: ``rules_for(method)`` by method: it reads nothing else but which tests the class
        #: overrides.
        self.by_method: dict[str, tuple[Rule, ...]] = {}
        #: Whether the class overrides one of ``_RULE_READERS`` (which may read the instance).
        self.reads_own = any(getattr(cls, n) is not getattr(Permission, n) for n in _RULE_READERS)
        #: ``unfiltered_rules()``, for a class that reads no rules off its instance.
        self.unfiltered: list[str] | None = None

    @classmethod
    def of(cls, permission_class: type, rules: object) -> _Known:
        """Worked out afresh for ``permission_class`` and ``rules``, and kept in the class in
        place of what it kept for other rules, if anything."""
        known = cls(permission_class, rules)
        setattr(permission_class, _KNOWN, known)
        return known


def compose(operator: str, *operands: Any) -> type[Permission]:
    """A new permission class composing ``operands`` (classes or DRF operand holders)."""
    kind = COMPOSITIONS[operator]
    names = [getattr(op, "__name__", type(op).__name__) for op in operands]
    name = str(kind.spelling).format(*names)
    attributes = {"operands": tuple(operands), "__module__": kind.__module__, "__qualname__": name}
    return cast("type[Permission]", PermissionMetaclass(name, (kind,), attributes))


class PermissionMetaclass(drf_permissions.BasePermissionMetaclass):
    """Makes ``A & B``, ``A | B`` and ``~A`` permission classes that keep messages and codes.

    Python tries the reflected operator of the right operand first when its type is a subclass of
    the left one's, so ``drf.IsAuthenticated & IsOwner`` composes here too.
    """

    def __and__(cls, other: Any) -> Any:
        return compose("&", cls, other)

    def __rand__(cls, other: Any) -> Any:
        return compose("&", other, cls)

    def __or__(cls, other: Any) -> Any:
        return compose("|", cls, other)

    def __ror__(cls, other: Any) -> Any:
        return compose("|", other, cls)

    def __invert__(cls) -> Any:
        return compose("~", cls)


class Permission(ObjectFilters, drf_permissions.BasePermission, metaclass=PermissionMetaclass):
    """Base class: rules with a lazily translated ``message``, a stable ``code``, optional hiding.

    A subclass overrides the tests ``allows(request, view)`` and ``allows_object(request, view,
    obj)``, and ``object_filter(request, view)`` where it judges objects. It declares ``rules``
    where a test refuses only some users or methods, or with another code (``rules_for(method)``
    where they depend on the instance). A subclass that sets ``title``, ``meaning`` and
    ``advice`` declares its code's problem type: its page, and its ``type`` URI in responses.
    Set ``hide_denied_objects = True`` (here or on the view) to answer an object-level denial
    as if the object did not exist.
    """

    message: Any = DEFAULT_MESSAGE
    code: str = DEFAULT_CODE
    hide_denied_objects: bool = False
    #: The rules, in order, each stated once; ``None``: one per test a subclass overrides.
    rules: ClassVar[tuple[Rule, ...] | None] = None
    #: The problem type of ``code`` (RFC 9457 §3.1): title, what it means, what to do.
    title: ClassVar[Text]
    meaning: ClassVar[Text]
    advice: ClassVar[Text]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "title" in cls.__dict__:
            _DECLARED[cls.code] = cls

    @classmethod
    def problem_type(cls) -> ProblemType:
        """The problem type this class declares: a 403 with its ``code``."""
        return ProblemType(cls.code, 403, cls.title, cls.meaning, cls.advice)

    def allows(self, request: Any, view: Any) -> bool:
        """The view-level test; everything is allowed unless a subclass says otherwise."""
        return True

    def allows_object(self, request: Any, view: Any, obj: Any) -> bool:
        """The object-level test; everything is allowed unless a subclass says otherwise."""
        return True

    def rules_for(self, method: str) -> tuple[Rule, ...]:
        """The rules that judge a ``method`` request, in order: those of ``rules`` that apply.

        Without ``rules``, one for each test a subclass overrides, refusing anyone.
        """
        rules, cls = self.rules, type(self)
        known = cls.__dict__.get(_KNOWN)
        if known is None or known.rules is not rules:
            known = _Known.of(cls, rules)
        by_method = known.by_method
        found = by_method.get(method)
        if found is None:
            stated = rules
            if stated is None:
                stated = ()
                if cls.allows is not Permission.allows or cls.denial is not Permission.denial:
                    stated += (Rule("allows"),)
                if cls.allows_object is not Permission.allows_object or (
                    cls.object_denial is not Permission.object_denial
                ):
                    stated += (Rule("allows_object", OBJECT),)
            found = tuple(rule for rule in stated if rule.applies_to(method))
            # DRF checks permissions before it refuses an unknown method: a client's own
            # method names must not grow the cache.
            if method in ROUTED_METHODS:
                by_method[method] = found
        return found

    def refusals(self, method: str) -> frozenset[Refusal]:
        """How this permission can refuse a ``method`` request, without seeing one."""
        return frozenset().union(
            *(r.refusals(self.code, self.hide_denied_objects) for r in self.rules_for(method))
        )

    def judges_objects(self) -> bool:
        """Whether this permission has an object-level rule, for some method."""
        return any(
            rule.level is OBJECT for method in ROUTED_METHODS for rule in self.rules_for(method)
        )

    def rule_name(self) -> str:
        """The name of this rule in messages: its class's."""
        return type(self).__name__

    def unfiltered_rules(self) -> list[str]:
        # Worked out once per class and rules where only they decide it: the class overrides
        # none of _RULE_READERS (rules_for() may depend on the instance), nor does the instance.
        cls, rules = type(self), self.rules
        known = cls.__dict__.get(_KNOWN)
        if known is None or known.rules is not rules:
            known = _Known.of(cls, rules)
        own = self.__dict__
        if known.reads_own or (own and any(n in own for n in _RULE_READERS)):
            return super().unfiltered_rules()
        if known.unfiltered is None:
            known.unfiltered = super().unfiltered_rules()
        return list(known.unfiltered)

    def denial(self, request: Any, view: Any) -> Denial | None:
        """``None`` when the view-level rules allow the request, else the first one's denial."""
        return self._judge(VIEW, request, view)

    def object_denial(self, request: Any, view: Any, obj: Any) -> Denial | None:
        """``None`` when the object-level rules allow the request, else the first one's denial."""
        return self._judge(OBJECT, request, view, obj)

    def _judge(self, level: RefusalLevel, request: Any, *arguments: Any) -> Denial | None:
        for rule in self.rules_for(request.method):
            if rule.level is level and not getattr(self, rule.test)(request, *arguments):
                return rule.denial(self.message, self.code, self.hide_denied_objects)
        return None

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


def declared_problem_types() -> Declarations[type[Permission]]:
    """The permission classes that declare a problem type, by code."""
    return _DECLARED


def missing_object(obj: Any) -> Http404:
    """The ``Http404`` that DRF's ``get_object`` raises when no object matches the lookup.

    Django's ``get_object_or_404`` words it from the queryset's model; a hidden object must be
    answered with the same words, or its status, body and headers would tell it apart.
    """
    meta = getattr(type(obj), "_meta", None)
    if meta is None:
        return Http404()
    return not_found(meta.object_name)


def is_authenticated(request: Any) -> bool:
    """Whether the request's user is authenticated."""
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)
