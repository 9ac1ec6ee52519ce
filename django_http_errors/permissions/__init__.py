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
code of the rule that denied.

Each rule is stated once (``Rule``: its test, level, methods, whom it refuses, its code), and
both DRF's decision (``has_permission``, ``has_object_permission``) and the description of how
it can refuse without a request (``refusals(permission, method)``, which the OpenAPI schema
asks) are read from it; compositions combine both alike. A permission that sets ``title``,
``meaning`` and ``advice`` declares its code's problem type, which the catalog reads.

DRF asks object permissions only where it looks up one object, so a list would show what the
detail hides. A rule that judges objects says which it allows as a queryset filter
(``object_filter``); compositions combine those filters as they combine the rules, and
``HiddenFilter`` leaves out of the view's queryset what its permissions hide.

The modules: ``rules`` (plain values), ``filters`` (the queryset side), ``base``
(``Permission``), ``classes`` (the drop-in classes), ``describe`` (any permission's refusals),
``compose`` (``&``, ``|``, ``~``, ``hidden``), ``lists`` (``HiddenFilter``).
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS

from .base import (
    Permission,
    declared_problem_types,
    missing_object,
)
from .classes import (
    AllowAny,
    DjangoModelPermissions,
    DjangoObjectPermissions,
    IsAdminUser,
    IsAuthenticated,
    IsAuthenticatedOrReadOnly,
    IsOwner,
    IsOwnerOrReadOnly,
    owner_pk,
)
from .compose import And, Hidden, Not, Or, hidden
from .describe import refusals
from .lists import HiddenFilter, unfiltered_rules, visible_objects
from .rules import (
    OBJECT,
    VIEW,
    Denial,
    Refusal,
    RefusalLevel,
    Rule,
    Whom,
    signed_in,
)

__all__ = [
    "OBJECT",
    "SAFE_METHODS",
    "VIEW",
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
    "Rule",
    "Whom",
    "declared_problem_types",
    "hidden",
    "missing_object",
    "owner_pk",
    "refusals",
    "signed_in",
    "unfiltered_rules",
    "visible_objects",
]
