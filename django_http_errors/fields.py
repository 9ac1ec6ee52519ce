"""Model fields for the models a project protects: importable without the app's own models."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import F

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

    # Set from an int or an expression, read as an int (django-stubs' generic fields).
    _PositiveBigIntegerField = models.PositiveBigIntegerField[int | Combinable, int]
else:
    _PositiveBigIntegerField = models.PositiveBigIntegerField

__all__ = ["VersionField"]


#: The claims of the write under way in this thread or task (``one_change()``): the version
#: each compare-and-swap gave a row, by its version field and primary key. ``None`` outside
#: such a write.
_claims: ContextVar[dict[tuple[models.Field[Any, Any], Any], int] | None] = ContextVar(
    "django_http_errors_claims", default=None
)


@contextmanager
def one_change() -> Iterator[None]:
    """A write whose compare-and-swap and the saves after it are one change of the version:
    within it, a ``VersionField``'s save of a row a swap claimed, by any instance that holds
    the swap's number, writes that number, not one more (the write's transaction holds the
    row). Entered inside the write's transaction by the library's writes (the view mixins'
    ``join_write()``, ``@conditional``); it ends with them, however the transaction then ends.
    Outside one, a save after a swap moves the version again."""
    token = _claims.set({})
    try:
        yield
    finally:
        _claims.reset(token)


def record_claim(field: models.Field[Any, Any], pk: Any, version: int) -> None:
    """The row ``pk`` holds ``version`` in ``field``, which a compare-and-swap of the write under
    way (``one_change()``) wrote."""
    claims = _claims.get()
    if claims is not None:
        claims[field, pk] = version


def forget_claims(obj: models.Model) -> None:
    """The claims of ``obj``'s row end before their write does (a block of it rolled back): a
    later save moves its version on."""
    claims = _claims.get()
    if claims:
        for key in [key for key in claims if key[1] == obj.pk and isinstance(obj, key[0].model)]:
            del claims[key]


class VersionField(_PositiveBigIntegerField):
    """A version that every ``save()`` of a stored row bumps, so the ETag changes with the row.

    Inserted rows keep the default, 1. Saving a stored row writes ``version = version + 1``,
    computed by the database, so writers that read one version never write the same next one
    (a form and an API request, two scripts); the object then holds the number it had plus one.
    A save in a write whose compare-and-swap moved the version on already (``one_change()``)
    writes that number: the claim and the save are one change.
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
        claims = _claims.get()
        if claims and claims.get((self, model_instance.pk)) == value:
            # The write's compare-and-swap moved it on already, and its transaction holds the row.
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
