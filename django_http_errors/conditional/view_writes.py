"""A conditional view's writes: the row claimed (``swaps``) in the write's transaction, once,
whichever handler writes."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Final

from django.core.exceptions import ImproperlyConfigured
from rest_framework.request import Request
from rest_framework.serializers import BaseSerializer

from django_http_errors.http_names import UNSAFE_METHODS
from django_http_errors.internals import defined_by_drf
from django_http_errors.wiring import WRAPPED, write_handler

from . import swaps
from .view_preconditions import ViewPreconditions

__all__ = ["ViewWrites"]

#: A view's own method handlers that write one object, where DRF's generic views call
#: update(), partial_update() and destroy(). Run as those are, but without the one UPDATE of
#: DRF's own update (``swaps.saves_in_drfs_update``): they may save some other way.
_METHOD_HANDLERS: Final = ("put", "patch", "delete")
#: The write handlers whose lookup claims the row, and that must have claimed it to answer 2xx.
_GUARDED_HANDLERS: Final = frozenset({"update", "partial_update", "destroy", *_METHOD_HANDLERS})
#: The write handler of an unsafe action on one object (``_guarding_actions``).
_ACTION: Final = "action"
#: What an action may call on its object to write it, claimed first (``_guard_own_writes``).
_OWN_WRITES: Final = ("save", "delete")


def _guarding_actions(handler: Callable[..., Any]) -> Callable[..., Any]:
    """An action's ``handler``, run for an unsafe method as a write of its object: should the
    action save or delete that object itself, it is claimed first (``get_object``)."""
    write = write_handler(_ACTION, handler, at_once=False)

    @functools.wraps(handler)
    def action(self: Any, request: Request, *args: Any, **kwargs: Any) -> Any:
        if request.method not in UNSAFE_METHODS:
            return handler(self, request, *args, **kwargs)
        return write(self, request, *args, **kwargs)

    setattr(action, WRAPPED, True)
    return action


class ViewWrites(ViewPreconditions):
    """The writes of ``ConditionalUpdateMixin``: compare-and-swap, 412 or 409, never lost."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A view's own ``put()``, ``patch()`` and ``delete()`` write as DRF's handlers do:
        what they look up through ``get_object()`` is claimed in their write's transaction.
        An unsafe action on one object that saves or deletes that object itself, without
        ``conditional_write()``, has it claimed just before. Unwrapped, either would answer
        412 and 428 as the preconditions say, then save over a change made in between."""
        super().__init_subclass__(**kwargs)
        for method in _METHOD_HANDLERS:
            owner = next((k for k in cls.__mro__ if method in vars(k)), None)
            if owner is None or defined_by_drf(owner):
                continue  # DRF's own runs the wrapped update(), partial_update(), destroy()
            handler = getattr(cls, method)
            if not getattr(handler, WRAPPED, False):
                setattr(cls, method, write_handler(method, handler, at_once=False))
        for extra in getattr(cls, "get_extra_actions", list)():
            if not getattr(extra, "detail", False):
                continue
            for method, name in extra.mapping.items():
                handler = getattr(cls, name, None)
                if (
                    handler is not None
                    and method.upper() in UNSAFE_METHODS
                    and not getattr(handler, WRAPPED, False)
                ):
                    setattr(cls, name, _guarding_actions(handler))

    def get_object(self) -> Any:
        """The object, its preconditions decided; in a write handler, its row claimed right
        away, in the write's transaction, so that all the handler then writes is guarded."""
        obj = super().get_object()
        conditions, write = self._conditions, self._write
        if conditions.swapped is None and write.handler == _ACTION and not write.open:
            self._guard_own_writes(obj)
        elif conditions.swapped is None and (write.open or write.handler in _GUARDED_HANDLERS):
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
        with self.write_transaction(type(obj)):
            if self._conditions.swapped is not obj:
                self._claim(obj)
            yield obj

    def _guard_own_writes(self, obj: Any) -> None:
        """An unsafe action's object: its own ``save()`` and ``delete()``, should the action
        call them before ``conditional_write()`` or ``perform_update()`` has claimed it, claim
        it first, in the write's transaction, which the save or delete then joins. On this
        object alone: a receiver of every model's ``pre_save`` would stop DRF's updates of
        every model folding into one UPDATE, and one of ``pre_delete`` Django's fast deletes."""
        for name in _OWN_WRITES:
            own = getattr(obj, name)

            @functools.wraps(own)
            def claimed_first(*args: Any, _own: Any = own, **kwargs: Any) -> Any:
                if self._conditions.swapped is None and self._write.handler == _ACTION:
                    self.open_write(type(obj))
                    self._claim(obj)
                return _own(*args, **kwargs)

            setattr(obj, name, claimed_first)
        stack = self._write.stack
        if stack is not None:  # gone with the action: the object pickles and copies as before
            stack.callback(lambda: [vars(obj).pop(name, None) for name in _OWN_WRITES])

    def _claim(self, obj: Any) -> None:
        conditions = self._conditions
        swaps.claim_row(
            obj,
            self.get_version_field(type(obj)),
            etag_of=self.get_etag,
            guarded=conditions.guarded,
        )
        conditions.swapped = obj

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
        """Claim the row of an object a custom action looked up before its write began."""
        if self._conditions.looked_up is not instance:
            raise ImproperlyConfigured(
                f"{type(self).__qualname__} saves a {type(instance).__name__} it did not look "
                "up through get_object(), so its preconditions were never evaluated. Call "
                "get_object() (and super() in an overridden get_object())."
            )
        self._claim(instance)

    def wrote(self, response: Any) -> None:
        """A write handler that answered 2xx without claiming its row wrote unguarded: refused,
        and rolled back, rather than lose an update."""
        super().wrote(response)
        handler, status = self._write.handler, getattr(response, "status_code", 0)
        if (
            handler in _GUARDED_HANDLERS
            and 200 <= status < 300
            and self._conditions.swapped is None
        ):
            raise ImproperlyConfigured(
                f"{type(self).__qualname__}.{handler}() wrote without looking the object up "
                "through get_object(), so no precondition or compare-and-swap guarded it. Call "
                "get_object() (and super() in an overridden get_object())."
            )
