"""A conditional view's writes: the row claimed (``swaps``) in the write's transaction, once,
whichever handler writes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Final

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from rest_framework.serializers import BaseSerializer

from django_http_errors.fields import one_change, undone_claim
from django_http_errors.http_names import SAFE_METHODS
from django_http_errors.wiring import WRITE_VERBS
from django_http_errors.writes import claim_field, keep_claimed_version

from . import swaps
from .preconditions import Preconditions
from .view_preconditions import ViewPreconditions

__all__ = ["ViewWrites"]

#: DRF's handlers that change an object, and a generic view's own verbs that may.
_GUARDED_HANDLERS: Final = frozenset({"update", "partial_update", "destroy", *WRITE_VERBS})
#: What such a handler answers when it changed or deleted its object.
_OVERWRITTEN: Final = frozenset({200, 204})


class ViewWrites(ViewPreconditions):
    """The writes of ``ConditionalUpdateMixin``: compare-and-swap, 412 or 409, never lost."""

    def get_object(self) -> Any:
        """The object, its preconditions decided; in a write handler, its row claimed right
        away, in the write's transaction, so that all the handler then writes is guarded."""
        obj = super().get_object()
        conditions, write = self._conditions, self._write
        if conditions.swapped is None and (write.open or write.handler in _GUARDED_HANDLERS):
            if write.handler in ("update", "partial_update") and swaps.saves_in_drfs_update(
                type(self), ViewWrites
            ):
                conditions.pending = obj  # DRF's update claims it as it saves: one UPDATE
            else:
                self.open_write(type(obj))
                self._claim(obj)
        return obj

    @contextmanager
    def conditional_write(self, obj: Any) -> Iterator[Any]:
        """Write ``obj`` only if it is still the version the preconditions saw: for a custom
        action that writes, entered before changing ``obj`` (``swaps.claim_row``); what the
        block writes commits with the claim, or nothing does (412 or 409)."""
        with self._claimed_write(obj, self._claim_written(obj)):
            yield obj

    def _claim_written(self, obj: Any) -> Callable[[], None]:
        """How ``conditional_write(obj)`` claims ``obj``'s row: as looked up, or refused."""
        if self._looked_up(obj) or not self._about_one_object():
            return lambda: self._claim(obj)
        return lambda: self._claim_late(obj)  # refused: no precondition was evaluated for it

    def _looked_up(self, obj: Any) -> bool:
        """Whether ``obj``'s preconditions were decided: ``get_object()`` looked it up, for
        this request's ``kwargs`` or for others since (an action that looks up two)."""
        return self._conditions.looked_up is obj or self._conditions.decided(obj)

    @contextmanager
    def _claimed_write(self, obj: Any, claim: Callable[[], None]) -> Iterator[None]:
        """``obj``'s row claimed (``claim``) unless it is already, in the write's transaction:
        the open one, or one of its own."""
        with self.write_transaction(type(obj)):
            if not self._claimed(obj):
                claim()
            yield
            self._keep_claimed_version()

    def _claimed(self, obj: Any) -> bool:
        """Whether the write under way claimed ``obj``'s row already (or DRF's update will, as
        it saves): a second claim in one transaction would find the row it changed itself."""
        conditions = self._conditions
        if obj is conditions.pending:
            return True
        if obj is not conditions.swapped and id(obj) not in conditions.claims:
            return False
        return not self._claim_undone(obj)

    def _claim_undone(self, obj: Any) -> bool:
        """Whether a savepoint rolled back ``obj``'s claim, caught by the action: the row is the
        version it was (or, without a version field, no longer locked), and another request may
        have changed it since. The claim is taken back, its version in memory too, so that the
        next write of ``obj`` claims it again, against the version the claim was made against
        (the state the preconditions saw)."""
        version_field = self.get_version_field(type(obj))
        undone = undone_claim(claim_field(type(obj), version_field), obj.pk)
        if undone is None:
            return False
        conditions = self._conditions
        _, _, before = conditions.claims.pop(id(obj), (obj, version_field, undone - 1))
        if version_field is not None:
            setattr(obj, version_field, before)
        if obj is conditions.swapped:
            conditions.swapped = conditions.claimed_version = None
        return True

    @contextmanager
    def join_write(self, model: type[models.Model]) -> Iterator[None]:
        """The write's claims end with it, outside a write handler (a custom action's write):
        a later write of the object in the same request (a second save, a
        ``conditional_write()`` after a save) claims the row again, so a change committed
        between the two is 412 or 409, compared with the state the first one left. A write
        that rolls back takes back the versions its claims and saves gave the objects in
        memory, so that a second attempt claims the version the row still has."""
        conditions = self._conditions
        conditions.claims = {}
        with super().join_write(model), one_change():
            try:
                yield
            except BaseException:
                for obj, version_field, version in conditions.claims.values():
                    if version_field is not None:
                        setattr(obj, version_field, version)
                raise
            else:
                if self._write.handler is None:
                    # Compared next as they are now: no representation is made here, after
                    # the write (a deleted object, an F() expression have none).
                    for key, (obj, _, _) in conditions.claims.items():
                        if key in conditions.seen:
                            conditions.saw(obj, None)
            finally:
                if self._write.handler is None:
                    conditions.swapped = conditions.claimed_version = None
                    conditions.claims = {}

    def _about_one_object(self) -> bool:
        """Whether the request's preconditions are about one object, which ``get_object()``
        evaluates them for: it sends some, or its action is a detail route's. A collection
        action sent none (an archive of every row it reads) compare-and-swaps each row it
        writes against the version it read: a row changed meanwhile is 409."""
        if Preconditions.of(self.request.headers).values:
            return True
        return bool(getattr(self, "detail", True))

    def _claim(self, obj: Any) -> None:
        conditions = self._conditions
        version_field = self.get_version_field(type(obj))
        before = getattr(obj, version_field) if version_field is not None else None
        # Without a version field, the row's hash is compared with the state the preconditions
        # saw, not with the object as changed in memory since the lookup.
        swaps.claim_row(
            obj,
            version_field,
            etag_of=self.get_etag,
            guarded=conditions.guarded,
            seen=conditions.seen_etag(obj),
        )
        conditions.claims.setdefault(id(obj), (obj, version_field, before))
        conditions.swapped = obj
        if version_field is not None:
            conditions.claimed_version = getattr(obj, version_field)

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        """DRF's serializer; for an unsafe request's write of the object looked up, one whose
        ``save()`` is guarded as ``perform_update()``'s is (``_save_looked_up``), though the
        view's own ``update()`` or a custom action saves it without that hook."""
        serializer = super().get_serializer(*args, **kwargs)
        instance = getattr(serializer, "instance", None)
        if (
            instance is not None
            and self.request.method not in SAFE_METHODS
            and self._looked_up(instance)
        ):
            save = serializer.save

            def save_looked_up(**kwargs: Any) -> Any:
                return self._save_looked_up(serializer, save, kwargs)

            # This one serializer's save(), not its class's: the object is the write's own.
            serializer.save = save_looked_up  # type: ignore[method-assign]
        return serializer

    def _save_looked_up(
        self, serializer: Any, save: Callable[..., Any], kwargs: dict[str, Any]
    ) -> Any:
        """The save of the object ``get_object()`` looked up, by a serializer of
        ``get_serializer()``: without the version its content gave (``_leave_version_out``),
        and a compare-and-swap. A write handler claimed the row as it looked it up; a custom
        action's lookup claims nothing (it may only read), so its save claims it first, in a
        write of its own, as ``conditional_write()`` would: a change that overtook it since
        the lookup is 412 or 409, not overwritten."""
        self._leave_version_out(serializer)
        instance = serializer.instance
        if self._claimed(instance):
            return save(**kwargs)  # claimed, or DRF's update() claims it as it saves
        if self._write.stack is not None:  # in a write handler: its write, to its end
            self.open_write(type(instance))
            self._claim(instance)
            return save(**kwargs)
        with self._claimed_write(instance, lambda: self._claim(instance)):
            return save(**kwargs)

    def before_saving(self, target: Any) -> None:
        """A serializer given to ``perform_update()`` that ``get_serializer()`` did not make:
        the version left out of its save too."""
        super().before_saving(target)
        self._leave_version_out(target)

    def _leave_version_out(self, target: Any) -> None:
        """Leave out of an unsafe request's save the version its content gave (a version field
        the serializer makes writable, ``fields = "__all__"``): saved, the version the client
        read would undo the one the write's claim set, and the next writer's stale
        ``If-Match`` would match. Validation saw it (a ``validate_version()`` still runs)."""
        instance = getattr(target, "instance", None)
        data = getattr(target, "validated_data", None)
        if (
            self.request.method not in SAFE_METHODS
            and isinstance(data, dict)
            and instance is not None
            and self._looked_up(instance)
        ):
            data.pop(self.get_version_field(type(instance)) or "", None)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        """DRF's save; under DRF's own update, the row's claim and the save as one UPDATE
        (``swaps.claim_row_saving``)."""
        conditions, instance = self._conditions, serializer.instance
        if instance is not None and conditions.pending is instance:
            conditions.pending = None
            saved = swaps.claim_row_saving(
                serializer,
                self.get_version_field(type(instance)),
                etag_of=self.get_etag,
                guarded=conditions.guarded,
            )
            conditions.swapped = instance
            if saved:
                return
        elif instance is not None and conditions.swapped is not instance:
            self._claim_late(instance)
        super().perform_update(serializer)

    def perform_destroy(self, instance: Any) -> None:
        """DRF's delete, of the row the write claimed (by a custom action: claimed here)."""
        if self._conditions.swapped is not instance:
            self._claim_late(instance)
        super().perform_destroy(instance)

    def _claim_late(self, instance: Any) -> None:
        """Claim the row of an object a custom action looked up before its write began; an
        object looked up otherwise had no precondition evaluated: refused."""
        if not self._looked_up(instance):
            raise ImproperlyConfigured(
                f"{type(self).__qualname__} saves a {type(instance).__name__} it did not look "
                "up through get_object(), so its preconditions were never evaluated. Call "
                "get_object() (and super() in an overridden get_object())."
            )
        self._claim(instance)

    def wrote(self, response: Any) -> None:
        """What a write handler's answer says its write did, checked:

        - an error answered after the claim (not raised: DRF's tutorial's ``put()`` returns its
          400) is undone, as a raised one is; the claim's new version would stay, and the
          client's corrected retry with the ETag it read would be 412;
        - a success keeps the claimed version (``_keep_claimed_version``);
        - DRF's ``update()`` or ``destroy()`` (or the view's own) that answered 200 or 204
          without claiming its row wrote unguarded: refused, rather than lose an update (not
          one whose lookup found nothing);
        - a ``put()``, ``patch()`` or ``delete()`` of the view's own may write other rows than
          its object (a like's, a list's, none), but a success that left the request's
          preconditions unevaluated is refused: a 2xx is answered only once they are.
        """
        super().wrote(response)
        handler, status = self._write.handler, getattr(response, "status_code", 0)
        conditions = self._conditions
        if conditions.swapped is not None:
            if status >= 400 and self._write.open:
                transaction.set_rollback(True, using=self._write.using)
            elif 200 <= status < 300:
                self._keep_claimed_version()
            return
        if handler not in _GUARDED_HANDLERS or not 200 <= status < 300:
            return
        if handler in WRITE_VERBS:
            if not conditions.sought and Preconditions.of(self.request.headers).values:
                raise ImproperlyConfigured(
                    f"{type(self).__qualname__}.{handler}() answered {status} without looking "
                    "its object up through get_object(), so the request's preconditions were "
                    "never evaluated. Call get_object() (and super() in an overridden "
                    "get_object())."
                )
        elif status in _OVERWRITTEN and (conditions.looked_up is not None or not conditions.sought):
            raise ImproperlyConfigured(
                f"{type(self).__qualname__}.{handler}() wrote without looking the object up "
                "through get_object(), so no precondition or compare-and-swap guarded it. Call "
                "get_object() (and super() in an overridden get_object())."
            )

    def _keep_claimed_version(self) -> None:
        """The row keeps the version its claim gave it, though a save after the claim wrote the
        one the client echoed (a serializer the view built itself, a custom action's)."""
        swapped, claimed = self._conditions.swapped, self._conditions.claimed_version
        version_field = self.get_version_field(type(swapped))
        if claimed is not None and version_field is not None:
            keep_claimed_version(swapped, version_field, claimed)
