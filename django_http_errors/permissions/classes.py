"""Drop-in replacements for DRF's permission classes, and the ownership rules, each declaring
its rules, its code and the problem type of its code."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions as drf_permissions

from ..http_names import SAFE_METHODS
from .base import Permission, is_authenticated
from .filters import EVERY_OBJECT
from .rules import (
    AUTHENTICATION_REQUIRED_CODE,
    AUTHENTICATION_REQUIRED_MESSAGE,
    OBJECT,
    Rule,
    Whom,
    signed_in,
)


class AllowAny(Permission):
    """Every request is allowed."""

    rules = ()


class IsAuthenticated(Permission):
    """Only authenticated users are allowed (anonymous: 401 with a challenge)."""

    message = AUTHENTICATION_REQUIRED_MESSAGE
    code = AUTHENTICATION_REQUIRED_CODE
    title = _("Authentication required")
    meaning = _(
        "The resource requires an authenticated client, and this API offers no way to "
        "authenticate on it."
    )
    advice = _("Use an endpoint that accepts your credentials, or ask the API's operators.")
    rules = (signed_in(),)

    def allows(self, request: Any, view: Any) -> bool:
        return is_authenticated(request)


class IsAuthenticatedOrReadOnly(Permission):
    """Anyone may read (GET, HEAD, OPTIONS); only authenticated users may write."""

    message = AUTHENTICATION_REQUIRED_MESSAGE
    code = AUTHENTICATION_REQUIRED_CODE
    rules = (signed_in().for_writes(),)

    def allows(self, request: Any, view: Any) -> bool:
        return is_authenticated(request)


class IsOwner(Permission):
    """Only the object's owner (``owner_field``, dotted paths allowed) and, if allowed, staff.

    Anonymous users own nothing, so they are denied before the lookup: a 401, whether or not the
    object exists.
    """

    message = _("Only the owner may do this.")
    code = "not_owner"
    title = _("Not the owner")
    meaning = _("Only the owner of this resource may do this.")
    advice = _("Do not repeat the request with the same credentials; ask the owner.")
    rules: ClassVar[tuple[Rule, ...] | None] = (
        signed_in(
            code=AUTHENTICATION_REQUIRED_CODE, message=AUTHENTICATION_REQUIRED_MESSAGE, hide=False
        ),
        Rule("allows_object", OBJECT, Whom.AUTHENTICATED),
    )
    #: Attribute path from the object to its owner (a user, or a user's primary key).
    owner_field: str = "owner"
    #: Whether staff users may act on objects they do not own.
    allow_staff: bool = False

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


class IsOwnerOrReadOnly(IsOwner):
    """Anyone may read; only the owner (``owner_field``) and, if allowed, staff may write."""

    rules = tuple(rule.for_writes() for rule in IsOwner.rules or ())


class IsAdminUser(Permission):
    """Only staff users (``is_staff``) are allowed."""

    message = _("Only staff may do this.")
    code = "staff_only"
    title = _("Staff only")
    meaning = _("Only staff may do this.")
    advice = _("Do not repeat the request with the same credentials; ask a staff member.")
    rules = (Rule("allows"),)

    def allows(self, request: Any, view: Any) -> bool:
        user = getattr(request, "user", None)
        return bool(user and user.is_staff)


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


def model_permission_rules(permission: Any, method: str) -> tuple[Rule, ...]:
    """``DjangoModelPermissions`` (DRF's or ours): anonymous users (unless allowed), and users
    without the model permission the method needs (none, by default, for reads)."""
    needs = bool(permission.perms_map.get(method, ["unknown"]))
    if needs:
        whom = Whom.ANYONE
    elif permission.authenticated_users_only:
        whom = Whom.ANONYMOUS
    else:
        # Still asked: DRF's rule also says the view must have a queryset.
        whom = Whom.NOBODY
    return (Rule("allows", whom=whom),)


def object_permission_rules(permission: Any, method: str) -> tuple[Rule, ...]:
    """``DjangoObjectPermissions`` (DRF's or ours): the model's rule, then per object; who may
    not read the object gets 404, as if it did not exist."""
    per_object: tuple[Rule, ...]
    if method in SAFE_METHODS:
        per_object = (Rule("allows_object", OBJECT, Whom.AUTHENTICATED, hide=True),)
    else:
        per_object = (
            Rule("may_know_of", OBJECT, Whom.AUTHENTICATED, hide=True),
            Rule("allows_object", OBJECT, Whom.AUTHENTICATED),
        )
    return model_permission_rules(permission, method) + per_object


def view_queryset(view: Any) -> QuerySet[Any, Any]:
    """The view's queryset, where DRF's model permissions find the model: its
    ``get_queryset()``, or its ``queryset``."""
    get_queryset = getattr(view, "get_queryset", None)
    queryset: QuerySet[Any, Any] = get_queryset() if get_queryset else view.queryset
    return queryset


class DjangoModelPermissions(Permission, drf_permissions.DjangoModelPermissions):
    """Authenticated users with the model's ``add``/``change``/``delete`` permission per method."""

    message = _("You lack the permission on this kind of resource that this request needs.")
    code = "model_permission_required"
    title = _("Model permission required")
    meaning = _("The client lacks the permission on this kind of resource that the request needs.")
    advice = _("Ask the API's operators for the permission.")

    def rules_for(self, method: str) -> tuple[Rule, ...]:
        return model_permission_rules(self, method)

    def allows(self, request: Any, view: Any) -> bool:
        return bool(drf_permissions.DjangoModelPermissions.has_permission(self, request, view))


class DjangoObjectPermissions(DjangoModelPermissions, drf_permissions.DjangoObjectPermissions):
    """Per-object permissions (a backend such as django-guardian); who may not read it gets 404.

    DRF hides such objects with a bare ``Http404``, whose body differs from a missing object's;
    here the hiding is answered exactly like a missing object.
    """

    message = _("You lack the permission on this resource that this request needs.")
    code = "object_permission_required"
    title = _("Object permission required")
    meaning = _("The client lacks the permission on this resource that the request needs.")
    advice = _("Ask the resource's owner or the API's operators for the permission.")

    def rules_for(self, method: str) -> tuple[Rule, ...]:
        return object_permission_rules(self, method)

    def allows_object(self, request: Any, view: Any, obj: Any) -> bool:
        return self._has_perms(request.method, request, view, obj)

    def may_know_of(self, request: Any, view: Any, obj: Any) -> bool:
        """Whether the user may learn that the object exists: may do this request to it, or
        may read it."""
        return self.allows_object(request, view, obj) or self._has_perms("GET", request, view, obj)

    def _has_perms(self, method: str, request: Any, view: Any, obj: Any) -> bool:
        model = view_queryset(view).model
        required = self.get_required_object_permissions(method, model)
        return bool(request.user.has_perms(required, obj))
