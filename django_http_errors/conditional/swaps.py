"""A conditional write's claim of its row: compare-and-swap, or the 412 or 409 of a lost race.

No view needed: the object, its version field and how to name a state's ETag are given.
Called in the write's transaction, so what the write then saves commits with the claim.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, NoReturn

from django.utils.translation import gettext_lazy as _
from rest_framework.mixins import UpdateModelMixin
from rest_framework.serializers import BaseSerializer

from django_http_errors.exceptions import Conflict, PreconditionFailed
from django_http_errors.writes import (
    record_row_claim,
    saves_fields_only,
    stored,
    swap_fields,
    swap_version,
)

__all__ = [
    "CONCURRENT_CHANGE_DETAIL",
    "claim_row",
    "claim_row_saving",
    "refuse_stale_write",
    "saves_in_drfs_update",
]

CONCURRENT_CHANGE_DETAIL = _(
    "The resource was changed by another request while this one was processed. "
    "Fetch it again and resend with If-Match."
)


def claim_row(
    obj: Any,
    version_field: str | None,
    *,
    etag_of: Callable[[Any], str],
    guarded: bool,
    seen: str | None = None,
) -> None:
    """Claim ``obj``'s row if it is still the state the preconditions saw, else raise.

    With a version field: ``UPDATE ... SET version = version + 1 WHERE pk = %s AND version =
    %s``, one row or none. Without: the row is locked (``SELECT ... FOR UPDATE``) and its ETag
    compared with ``seen``, the one the preconditions saw, or else ``obj``'s.
    """
    if version_field is not None:
        if swap_version(obj, version_field):
            return
        current = stored(obj)
    else:
        seen = seen or etag_of(obj)
        current = stored(obj, lock=True)
        if current is not None and etag_of(current) == seen:
            # The lock is the claim: known to the write until a savepoint rolls it back.
            record_row_claim(obj, None, 0)
            return
    refuse_stale_write(current, etag_of=etag_of, guarded=guarded)


def claim_row_saving(
    serializer: BaseSerializer[Any],
    version_field: str | None,
    *,
    etag_of: Callable[[Any], str],
    guarded: bool,
) -> bool:
    """Claim the row of ``serializer.instance`` and save its changes in one ``UPDATE``, when
    saving would write its own columns only (``writes.saves_fields_only``); whether it did.

    Else the row is claimed alone (``claim_row``), and the caller saves.
    """
    instance: Any = serializer.instance
    if version_field is not None and saves_fields_only(serializer, instance):
        if not swap_fields(instance, serializer.validated_data, version_field):
            refuse_stale_write(stored(instance), etag_of=etag_of, guarded=guarded)
        return True
    claim_row(instance, version_field, etag_of=etag_of, guarded=guarded)
    return False


def refuse_stale_write(current: Any, *, etag_of: Callable[[Any], str], guarded: bool) -> NoReturn:
    """Another request changed the row first: 412 with its ETag (the write was conditional),
    or 409."""
    if guarded:
        raise PreconditionFailed(etag=None if current is None else etag_of(current))
    raise Conflict(CONCURRENT_CHANGE_DETAIL)


_drfs_update: dict[type, bool] = {}


def saves_in_drfs_update(view: type, own: type) -> bool:
    """Whether ``view``'s PUT and PATCH run DRF's own ``update()`` and ``perform_update()``
    (with ``own``'s, the mixin's), so that no class of the view's defines a step the one
    UPDATE of ``claim_row_saving`` would skip."""
    known = _drfs_update.get(view)
    if known is None:
        known = all(
            inspect.unwrap(getattr(view, name)) is getattr(UpdateModelMixin, name)
            for name in ("update", "partial_update")
        ) and all(
            klass in (UpdateModelMixin, own)
            for klass in view.__mro__
            if "perform_update" in vars(klass)
        )
        _drfs_update[view] = known
    return known
