"""Model fields for the models a project protects: importable without the app's own models."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import connections, models, transaction
from django.db.models import F

from .internals import on_commit_pending

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

    # Set from an int or an expression, read as an int (django-stubs' generic fields).
    _PositiveBigIntegerField = models.PositiveBigIntegerField[int | Combinable, int]
else:
    _PositiveBigIntegerField = models.PositiveBigIntegerField

__all__ = ["VersionField"]


class _Claim:
    """The version a compare-and-swap gave a row, on the connection of the write's thread.

    Registered with ``transaction.on_commit()`` as a function that does nothing: it holds while
    it is pending there (``internals.on_commit_pending``), for Django drops it when the
    transaction or a savepoint it was made in rolls back, and with it the claim's hold on the
    row."""

    __slots__ = ("connection", "using", "version")

    def __init__(self, version: int, using: str) -> None:
        self.version, self.using, self.connection = version, using, connections[using]
        transaction.on_commit(self, using=using)

    def __call__(self) -> None:
        """At the commit: nothing to do."""

    def holds(self) -> bool:
        """Whether the claim still holds the row: on this thread's connection, not rolled back."""
        connection = connections[self.using]
        return connection is self.connection and on_commit_pending(connection, self)


#: The claims of the write under way in this thread or task (``one_change()``), by the version
#: field and primary key of each row. ``None`` outside one.
_claims: ContextVar[dict[tuple[models.Field[Any, Any], Any], _Claim] | None] = ContextVar(
    "django_http_errors_claims", default=None
)


@contextmanager
def one_change() -> Iterator[None]:
    """A write whose compare-and-swap and the saves after it are one change of the version:
    within it, a ``VersionField``'s save of a row a swap claimed, by any instance that holds
    the swap's number, writes that number, not one more, while the claim holds the row
    (``_Claim.holds``). Entered inside the write's transaction by the library's writes (the view
    mixins' ``join_write()``, ``@conditional``); its claims end with it, however the transaction
    then ends, in every context copied from it too. Outside one, a save after a swap moves the
    version again."""
    claims: dict[tuple[models.Field[Any, Any], Any], _Claim] = {}
    token = _claims.set(claims)
    try:
        yield
    finally:
        claims.clear()
        _claims.reset(token)


def record_claim(field: models.Field[Any, Any], pk: Any, version: int, using: str) -> None:
    """The row ``pk`` of database ``using`` holds ``version`` in ``field``, which a
    compare-and-swap of the write under way (``one_change()``) wrote, in its transaction."""
    claims = _claims.get()
    if claims is not None and transaction.get_connection(using).in_atomic_block:
        claims[field, pk] = _Claim(version, using)


def _claim_of(field: models.Field[Any, Any], pk: Any) -> _Claim | None:
    claims = _claims.get()
    return claims.get((field, pk)) if claims else None


def claimed_version(field: models.Field[Any, Any], pk: Any) -> int | None:
    """The version a claim of the write under way gave the row, while the claim holds it."""
    claim = _claim_of(field, pk)
    return claim.version if claim is not None and claim.holds() else None


def undone_claim(field: models.Field[Any, Any], pk: Any) -> int | None:
    """The version a claim of the write under way gave the row, where the claim no longer
    holds it (a savepoint rolled it back, and the row with it)."""
    claim = _claim_of(field, pk)
    return claim.version if claim is not None and not claim.holds() else None


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
        if value == claimed_version(self, model_instance.pk):
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
