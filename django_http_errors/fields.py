"""Model fields for the models a project protects: importable without the app's own models."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.models import F

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

    # Set from an int or an expression, read as an int (django-stubs' generic fields).
    _PositiveBigIntegerField = models.PositiveBigIntegerField[int | Combinable, int]
else:
    _PositiveBigIntegerField = models.PositiveBigIntegerField

__all__ = ["VersionField"]

#: Where an object keeps the versions a compare-and-swap gave its row in the transaction that
#: still holds it (``_Claims``).
_CLAIMED = "_django_http_errors_claimed"


class _Claims(dict[str, tuple[int, str]]):
    """``{attname: (version, database alias)}``. Never copied: a pickled or deep-copied object
    is saved elsewhere, outside the transaction of its claim, and moves its version on."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, ())


def claimed_in_transaction(obj: models.Model, attname: str, version: int, using: str) -> None:
    """``obj``'s row holds ``version``, which a compare-and-swap wrote in the transaction open on
    ``using``: until that transaction commits, a ``save()`` of ``obj`` writes that version, not
    one more. The claim and the saves after it are one write, one change of the version.
    Outside a transaction the claim has committed, and a save after it is another change."""
    if not transaction.get_connection(using).in_atomic_block:
        return
    claims = obj.__dict__.setdefault(_CLAIMED, _Claims())
    claims[attname] = (version, using)
    transaction.on_commit(partial(claims.pop, attname, None), using=using)


def _claimed_version(obj: models.Model, attname: str) -> int | None:
    """The version a claim gave ``obj``'s row, while a transaction is open on its database.

    A save writes it only while the object still holds it: a write that rolls back takes back
    the version it gave the object (the view mixins' writes do), so its save moves on the
    version the row still has."""
    claim = obj.__dict__.get(_CLAIMED, {}).get(attname)
    if claim is None or not transaction.get_connection(claim[1]).in_atomic_block:
        return None
    version: int = claim[0]
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
            # A compare-and-swap of this transaction moved it on already, and holds the row.
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
