"""A permission's rules as plain values: each says where, for which methods and whom it refuses,
and with which code; the decision and the description (``Refusal``) are both read from them."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.utils.translation import gettext_lazy as _

from ..http_names import SAFE_METHODS

DEFAULT_MESSAGE = _("You do not have permission to perform this action.")
DEFAULT_CODE = "permission_denied"
AUTHENTICATION_REQUIRED_MESSAGE = _("This request requires authentication.")
AUTHENTICATION_REQUIRED_CODE = "authentication_required"

#: The methods that change nothing, and those that may.
READS = frozenset(SAFE_METHODS)


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


VIEW = RefusalLevel.VIEW
OBJECT = RefusalLevel.OBJECT


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


class Whom(enum.Enum):
    """Whom a rule's test can fail: which requests the rule may refuse."""

    #: Authenticated or not: authenticating may help, or may not.
    ANYONE = (True, False)
    #: Only requests that are not authenticated (the test asks for a user).
    ANONYMOUS = (True,)
    #: Only authenticated users (anonymous ones were refused before this rule).
    AUTHENTICATED = (False,)
    #: Nobody, for this method: the test still runs, and is declared never to fail.
    NOBODY = ()


class Rule(NamedTuple):
    """One rule of a permission, stated once: the decision and ``refusals`` both read it.

    ``test`` names the permission's method that allows a request: ``(request, view)`` at view
    level, ``(request, view, obj)`` at object level. A rule applies to ``methods`` (every method
    when ``None``) but those in ``except_methods``, can refuse ``whom``, and denies with
    ``code`` and ``message`` (the permission's own when ``None``). ``hide`` answers a denial
    as a missing object (404); when ``None``, the permission's ``hide_denied_objects`` says.
    """

    test: str
    level: RefusalLevel = RefusalLevel.VIEW
    whom: Whom = Whom.ANYONE
    methods: frozenset[str] | None = None
    except_methods: frozenset[str] = frozenset()
    code: str | None = None
    message: Any = None
    hide: bool | None = None

    def applies_to(self, method: str) -> bool:
        """Whether a ``method`` request is judged by this rule."""
        in_methods = self.methods is None or method in self.methods
        return in_methods and method not in self.except_methods

    def for_writes(self) -> Rule:
        """This rule for the methods that may change something; reads are always allowed."""
        return self._replace(except_methods=self.except_methods | READS)

    def hides(self, hide: bool) -> bool:
        """Whether its denial is answered as a missing object, given the permission's hiding.

        Only an object can be hidden: before the lookup DRF answers a denial 401 or 403, and
        inside ``|`` a denial before the lookup hides nothing either.
        """
        return self.level is OBJECT and (hide if self.hide is None else self.hide)

    def denial(self, message: Any, code: str, hide: bool) -> Denial:
        """Its denial, given the permission's own message, code and hiding."""
        message = message if self.message is None else self.message
        return Denial(message, self.code or code, self.hides(hide))

    def refusals(self, code: str, hide: bool) -> frozenset[Refusal]:
        """How it can refuse, given the permission's own code and hiding."""
        code, hides = self.code or code, self.hides(hide)
        whom = self.whom.value
        return frozenset(Refusal(code, self.level, anonymous, hides) for anonymous in whom)


def signed_in(**overrides: Any) -> Rule:
    """The rule "only authenticated users", tested by the permission's ``allows``."""
    return Rule("allows", VIEW, Whom.ANONYMOUS, **overrides)


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


def anyone(code: str, level: RefusalLevel = VIEW, *, hide: bool = False) -> frozenset[Refusal]:
    """Refused whether authenticated or not."""
    return frozenset({Refusal(code, level, True, hide), Refusal(code, level, False, hide)})
