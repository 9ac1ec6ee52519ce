"""Model fields for the models a project protects: importable without the app's own models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connections, models, transaction
from django.db.models import F

from .internals import pending_on_commit

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

    # Set from an int or an expression, read as an int (django-stubs' generic fields).
    _PositiveBigIntegerField = models.PositiveBigIntegerField[int | Combinable, int]
else:
    _PositiveBigIntegerField = models.PositiveBigIntegerField

__all__ = ["VersionField"]


class _Claim:
    """The version a compare-and-swap gave ``obj``'s row, registered with
    ``transaction.on_commit()`` as a function that does nothing: Django drops it when the
    transaction or savepoint it was registered in rolls back and runs it at the commit, so
    while it is pending, the transaction that wrote the version holds the row. Nothing of it
    is kept on the object: a copy, a pickle, another thread's connection see no claim."""

    __slots__ = ("attname", "obj", "version")

    def __init__(self, obj: models.Model, attname: str, version: int) -> None:
        self.obj, self.attname, self.version = obj, attname, version

    def __call__(self) -> None:
        """At the commit: the claim ends with its transaction."""


def claimed_in_transaction(obj: models.Model, attname: str, version: int, using: str) -> None:
    """``obj``'s row holds ``version``, which a compare-and-swap wrote in the transaction open on
    ``using``: until that transaction (or the savepoint it is in) ends, a ``save()`` of ``obj``
    writes that version, not one more. The claim and the saves after it are one write, one
    change of the version. Outside a transaction the claim has committed, and a save after it
    is another change."""
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(_Claim(obj, attname, version), using=using)


def _claimed_version(obj: models.Model, attname: str) -> int | None:
    """The version a claim pending on this thread's connections gave ``obj``'s row, if any."""
    version = None
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            for pending in pending_on_commit(connection):
                if (
                    isinstance(pending, _Claim)
                    and pending.obj is obj
                    and pending.attname == attname
                ):
                    version = pending.version  # the last claim's
    return version


class VersionField(_PositiveBigIntegerField):
    """A version that every ``save()`` of a stored row bumps, so the ETag changes with the row.

    Inserted rows keep the default, 1. Saving a stored row writes ``version = version + 1``,
    computed by the database, so writers that read one version never write the same next one
    (a form and an API request, two scripts); the object then holds the number it had plus one.
    A save in the transaction of a compare-and-swap that moved the version on already
    (``writes.swap_version``) writes that number: the claim and the save are one change.
    ``ConditionalUpdateMixin`` alone checks the version before it writes; this field makes the
    admin, forms and scripts that save through the ORM change it too. Not editable: forms and
    the admin leave it out. ``QuerySet.update()`` calls no field's ``pre_save()``: use
    ``writes.bump_version()``.
    """

    description = "Version that every save bumps"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", 1)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        """The value ``save()`` writes: the version it has on an insert, one more on an update."""
        value = getattr(model_instance, self.attname)
        if add or not isinstance(value, int):
            # An insert keeps its version; an expression the caller assigned is theirs to write.
            return value
        if value == _claimed_version(model_instance, self.attname):
            # A compare-and-swap moved it on already, in a transaction that still holds the row.
            return value
        setattr(model_instance, self.attname, value + 1)
        # The database adds the one: a writer that read an older version still moves it on.
        # Django 6.0+ reads the result back into the object (RETURNING).
        return F(self.attname) + 1

    def deconstruct(self) -> tuple[str, str, Any, dict[str, Any]]:
        """What a migration writes: only what differs from this field's own defaults."""
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("default") == 1:
            del kwargs["default"]
        if kwargs.pop("editable", True):
            kwargs["editable"] = True
        return name, path, args, kwargs
