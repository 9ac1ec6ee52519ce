"""The compare-and-swap that conditional writes rest on, on Django's public ``QuerySet`` API:
one ``UPDATE`` whose ``WHERE`` names the version the request read, and its row count; and the
version bump of an ``update()``, which no field's ``pre_save()`` sees."""

from __future__ import annotations

from typing import Any

from django.db import models, router, transaction
from django.db.models import F
from django.db.models.signals import post_save, pre_save
from rest_framework.serializers import BaseSerializer, ModelSerializer

from .fields import VersionField, record_claim

__all__ = [
    "bump_version",
    "keep_claimed_version",
    "saves_fields_only",
    "stored",
    "swap_fields",
    "swap_version",
]


def swap_version(obj: Any, version_field: str) -> bool:
    """Bump ``obj``'s version where the row still has the one ``obj`` holds; whether it did.

    ``UPDATE ... SET version = version + 1 WHERE pk = %s AND version = %s``: of any number of
    requests that read one version, on any number of processes, one finds the row. In a write
    of the library's (``fields.one_change()``), a ``VersionField``'s save of ``obj`` after it
    writes the same version. Should the transaction roll back, ``obj`` still holds the new
    version: read it again (``refresh_from_db()``) before saving it.
    """
    seen = getattr(obj, version_field)
    if (
        _rows(obj)
        .filter(pk=obj.pk, **{version_field: seen})
        .update(**{version_field: F(version_field) + 1})
    ):
        # A save() that follows, in the same write, writes the same value; the object shows
        # the new version.
        setattr(obj, version_field, seen + 1)
        record_row_claim(obj, version_field, seen + 1)
        return True
    return False


def claim_field(model: type[models.Model], version_field: str | None) -> models.Field[Any, Any]:
    """The field a write's claim of a row of ``model`` is kept by: its version field, or
    without one its primary key (the claim is then the row's lock, ``version`` 0)."""
    meta = model._meta
    return meta.pk if version_field is None else meta.get_field(version_field)  # type: ignore[return-value]


def record_row_claim(obj: Any, version_field: str | None, version: int) -> None:
    """The write under way claimed ``obj``'s row: a ``VersionField``'s save after the swap, in
    the same write, writes the swap's version, and the write knows whether the claim still
    holds (``fields.claimed_version``, ``fields.undone_claim``)."""
    model = type(obj)
    field = claim_field(model, version_field)
    record_claim(field, obj.pk, version, router.db_for_write(model, instance=obj))


def keep_claimed_version(obj: Any, version_field: str, claimed: int) -> None:
    """Put back the version ``swap_version()`` claimed, where a write after it stored a lower
    one (a plain integer field given the version a client read, by a save or an ``update()``):
    the row keeps the claim's, so the next writer's stale ``If-Match`` does not match. In the
    claim's transaction, its row locked; one ``UPDATE``. A ``VersionField`` needs none: a save
    in the claim's write writes the claim's version, or moves past it."""
    if isinstance(type(obj)._meta.get_field(version_field), VersionField):
        return
    rows = _rows(obj)
    if transaction.get_connection(rows.db).in_atomic_block and transaction.get_rollback(rows.db):
        return  # the write is undone (a dry run, an error caught): the row keeps what it had
    lower = {f"{version_field}__lt": claimed}
    rows.filter(pk=obj.pk, **lower).update(**{version_field: claimed})
    seen = getattr(obj, version_field, None)
    if isinstance(seen, int) and seen < claimed:
        setattr(obj, version_field, claimed)


def swap_fields(obj: Any, changes: dict[str, Any], version_field: str) -> bool:
    """``ModelSerializer.update()`` and ``Model.save()`` as one conditional UPDATE; whether the
    row still had ``obj``'s version (if not, ``obj`` keeps it)."""
    seen = getattr(obj, version_field)
    for name, value in changes.items():
        setattr(obj, name, value)
    setattr(obj, version_field, seen + 1)
    values = {
        # The version is the one this swap names; a VersionField's pre_save() would add one more.
        field.attname: seen + 1 if field.name == version_field else field.pre_save(obj, False)
        for field in _concrete_fields(type(obj))
        # Django's save() writes neither the key nor a column the database computes.
        if not field.primary_key and not getattr(field, "generated", False)
    }
    if _rows(obj).filter(pk=obj.pk, **{version_field: seen}).update(**values):
        record_row_claim(obj, version_field, seen + 1)
        return True
    setattr(obj, version_field, seen)
    return False


def bump_version(rows: models.QuerySet[Any], **changes: Any) -> int:
    """``rows.update(**changes)`` as ``save()`` would write it: each ``VersionField`` one more
    and each ``auto_now`` field now, in the same statement; the number of rows matched.

    ``update()`` calls no field's ``pre_save()``: without this, an ``update()`` changes rows
    whose ETag and Last-Modified stay as clients hold them.
    """
    model = rows.model
    fields = _concrete_fields(model)
    versions = [field for field in fields if isinstance(field, VersionField)]
    if not versions:
        raise TypeError(f"{model._meta.label} has no VersionField to bump.")
    if any(field.name in changes or field.attname in changes for field in versions):
        raise TypeError("bump_version() sets the version itself; leave it out of the changes.")
    # auto_now fields compute their value on an instance, as save() has one; a new blank one
    # serves, since the value is the time alone.
    blank = model()
    values = {
        field.attname: field.pre_save(blank, False)
        for field in fields
        if getattr(field, "auto_now", False)
    }
    values.update(changes)
    values.update({field.attname: F(field.attname) + 1 for field in versions})
    return rows.update(**values)


def stored(obj: Any, *, lock: bool = False) -> Any:
    """``obj``'s row as stored now, ``None`` if it is gone; with ``lock``, locked until the
    transaction ends (``SELECT ... FOR UPDATE``)."""
    rows = _rows(obj)
    return (rows.select_for_update() if lock else rows).filter(pk=obj.pk).first()


def saves_fields_only(serializer: BaseSerializer[Any], instance: Any) -> bool:
    """Whether saving ``serializer`` would only write ``instance``'s own columns, so that one
    UPDATE can do it: DRF's and Django's own methods, nothing listening, no relation set."""
    model = type(instance)
    if not (
        isinstance(serializer, ModelSerializer)
        and type(serializer).save is BaseSerializer.save
        and type(serializer).update is ModelSerializer.update
        and model.save is models.Model.save
        and not pre_save.has_listeners(model)
        and not post_save.has_listeners(model)
    ):
        return False
    fields = {f.name: f for f in _concrete_fields(model)}
    if any(getattr(f.remote_field, "parent_link", False) for f in fields.values()):
        return False  # multi-table inheritance: the version may live in another table
    return all(name in fields for name in serializer.validated_data)


def _rows(obj: Any) -> models.QuerySet[Any]:
    """The rows of ``obj``'s model on the database ``obj`` is written to."""
    model: type[models.Model] = type(obj)
    rows: models.QuerySet[Any] = model._default_manager.db_manager(
        router.db_for_write(model, instance=obj)
    ).all()
    return rows


def _concrete_fields(model: type[models.Model]) -> list[Any]:
    """The fields that are columns of the model's tables (``Options.get_fields()``): not a
    many-to-many field, which Django calls concrete but keeps in a table of its own."""
    return [
        f for f in model._meta.get_fields() if getattr(f, "concrete", False) and not f.many_to_many
    ]
