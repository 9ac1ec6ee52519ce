"""The DRF hook wiring the library's view mixins share, said once.

``ConditionalUpdateMixin`` and ``IdempotencyMixin`` hook the same DRF methods (``initial()``,
``check_throttles()``, ``handle_exception()``, ``finalize_response()``) and share one write.
Each hook is overridden here only, and calls the mixins' named steps in one fixed order, so the
mixins behave the same in either order. The write is a small protocol any class can join
(``join_write()``), not an ``isinstance`` test between the mixins.

At class creation, a view that puts DRF's classes before the mixins is refused (DRF's hooks do not
call ``super()``, so the mixins would never run), and the view's write handlers (``create``,
``update``, ``partial_update``, ``destroy``; the view's own ``put()``, ``patch()`` and
``delete()``) and ``perform_*()`` hooks, DRF's, the view's own or another mixin's, are wrapped so
that all they save is inside the write's one transaction, whatever the view overrides. The
transaction begins at the first step that writes: the claim of the row ``get_object()`` looked up,
a ``perform_*()``, or a ``create()`` of the view's own as it begins.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from django.core.exceptions import ImproperlyConfigured
from django.db import models, router, transaction
from django.http import HttpResponseBase
from rest_framework.mixins import CreateModelMixin, DestroyModelMixin, UpdateModelMixin
from rest_framework.request import Request
from rest_framework.viewsets import ViewSetMixin

from .internals import defined_by_drf
from .middleware import read_whole_content

if TYPE_CHECKING:
    from rest_framework.generics import GenericAPIView

    class _View(CreateModelMixin, UpdateModelMixin, DestroyModelMixin, GenericAPIView[Any]):
        """What the mixins are mixed into, for the type checker only."""

else:
    _View = object

__all__ = ["AnsweredEarly", "ViewWiring"]

#: The handlers DRF's generic views and viewsets write in, and DRF's own of each.
WRITE_HANDLERS: Final = {
    "create": CreateModelMixin.create,
    "update": UpdateModelMixin.update,
    "partial_update": UpdateModelMixin.partial_update,
    "destroy": DestroyModelMixin.destroy,
}
#: A view's own verbs, which may save without DRF's handlers: each runs as a write
#: too, named so (DRF's own call its handlers, and are left as they are; a viewset has none).
WRITE_VERBS: Final = ("put", "patch", "delete")
#: Where DRF's own handlers save: each runs inside the write, whoever defines it.
SAVE_HOOKS: Final = ("perform_create", "perform_update", "perform_destroy")
#: DRF's hooks the wiring overrides; DRF's own versions call no ``super()``.
_HOOKS: Final = (
    "initial",
    "check_throttles",
    "handle_exception",
    "finalize_response",
    "get_object",
    "filter_queryset",
    "paginate_queryset",
    "get_serializer",
)
_WRAPPED: Final = "__django_http_errors_write__"


class AnsweredEarly(Exception):
    """Raised by a step that already has the answer (a replay): it is sent as it is."""

    def __init__(self, response: HttpResponseBase) -> None:
        super().__init__("answered early")
        self.response = response


@dataclass
class _Write:
    """This request's write: open or not, and what it is for."""

    #: The transaction is open: a nested ``write_transaction()`` joins it.
    open: bool = False
    #: The write handler running (``update``, ...), or ``None`` outside one.
    handler: str | None = None
    #: Where a write handler's transaction is opened, when it begins, and closed as it ends.
    stack: ExitStack | None = None
    #: The request's idempotency key was claimed or answered (``claim_idempotency_key``).
    keyed: bool = False
    #: What answered the key instead (a replay, 409, 422), raised again wherever it is asked
    #: for: code that caught it (a permission's ``except``) must not run the write unkeyed.
    key_answer: Exception | None = None
    #: The database the open transaction is on.
    using: str | None = None


class ViewWiring(_View):
    """The DRF hooks of the library's view mixins, in one order; the write they all join.

    Not used on its own: ``ConditionalUpdateMixin`` and ``IdempotencyMixin`` build on it. Mix
    them in before DRF's classes; any order between them, and any mixin of yours around them,
    works.
    """

    # Named steps, in the order ``initial()`` and ``finalize_response()`` call them; a mixin
    # defines the steps it needs.

    def read_keyed_content(self, request: Request) -> None:
        """Before DRF's checks: keep the content a key's fingerprint needs."""

    def claim_idempotency_key(self, request: Request) -> None:
        """After DRF's checks: claim the request's key, or answer from it."""

    def claims_key_early(self, request: Request) -> bool:
        """Whether the request's key may be claimed before DRF's checks end (its object looked
        up by a permission): it has one, and its owner is known, so no refusal of the key's
        own comes before DRF's 401."""
        return False

    def decide_preconditions(self, request: Request) -> None:
        """After DRF's checks and the key: the preconditions decided before the handler."""

    def answer_before_finalizing(self, response: HttpResponseBase) -> HttpResponseBase:
        """The handler's answer, before DRF finalizes it (a 304 in a 2xx's place)."""
        return response

    def answer_after_finalizing(
        self, request: Request, response: HttpResponseBase
    ) -> HttpResponseBase:
        """DRF's finalized answer, with what the preconditions decided (validators)."""
        return response

    def keep_answer(self, response: HttpResponseBase) -> None:
        """The final answer, stored for the key's retries."""

    def wrote(self, response: Any) -> None:
        """A wrapped write handler returned ``response``: what the write must have done, checked."""

    def before_saving(self, target: Any) -> None:
        """A ``perform_*()`` hook's serializer or object, about to be saved."""

    # The write: one transaction per request, joined by every class that needs it.

    @contextmanager
    def join_write(self, model: type[models.Model]) -> Iterator[None]:
        """Work that commits with the write, or not at all: override it, call ``super()``.

        Runs once, as the write's transaction begins (``IdempotencyMixin`` marks its key
        written here). Inside a wrapped handler, every statement the handler runs is then in
        this transaction.
        """
        yield

    @contextmanager
    def write_transaction(self, model: type[models.Model]) -> Iterator[None]:
        """The one transaction of an unsafe request's write, on ``model``'s database.

        The view's write handlers already run in it: call it only in a custom action that
        writes (or use ``conditional_write()``). Nested, it joins the open one. An error raised
        inside rolls back all that the write did; inside ``ATOMIC_REQUESTS`` it is a savepoint
        of the request's transaction. Do not override it: override ``join_write()``.
        """
        state = self._write
        if state.open:
            yield
            return
        state.open, state.using = True, router.db_for_write(model)
        try:
            with transaction.atomic(using=state.using), self.join_write(model):
                yield
        finally:
            state.open = False

    def open_write(self, model: type[models.Model]) -> None:
        """Begin the running write handler's transaction now, if it has not begun.

        The handlers begin it at the first step that writes (the row's claim, the save; a
        view's own ``create()`` as it begins), so a request refused before (401, 403, 404, 412,
        428, a create's 400) begins none and takes no lock. It ends with the handler.
        """
        state = self._write
        if not state.open and state.stack is not None:
            state.stack.enter_context(self.write_transaction(model))

    @functools.cached_property
    def _write(self) -> _Write:
        """This request's: DRF makes a new view instance for each request."""
        return _Write()

    # DRF's hooks.

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Keep a keyed request's content; DRF's checks (which claim the key); preconditions."""
        self.read_keyed_content(request)
        super().initial(request, *args, **kwargs)
        # A check_throttles() of the view's own skipped DRF's, and so this one: the key is
        # claimed all the same, after the checks that did run; claimed already, what answered
        # it (and a permission may have caught) is raised again.
        self._claim_key(request)
        self.decide_preconditions(request)

    def check_throttles(self, request: Request) -> None:
        """DRF's throttles, the last of its checks; then the key is claimed or answered."""
        super().check_throttles(request)
        self._claim_key(request)

    def _claim_key(self, request: Request) -> None:
        """Claim the key once, though a check_throttles() of the view's own calls super() twice
        (two throttle scopes): a second claim would find the first, in flight, and refuse it.
        What answered it instead is raised again each time it is asked for."""
        state = self._write
        if state.keyed:
            if state.key_answer is not None:
                raise state.key_answer
            return
        state.keyed = True
        try:
            self.claim_idempotency_key(request)
        except Exception as answer:
            state.key_answer = answer
            raise

    # DRF accepts any HttpResponseBase here (its stubs say Response): a replay is not rendered.
    def handle_exception(self, exc: Exception) -> HttpResponseBase:  # type: ignore[override]
        """An answer given early is sent as it is; anything else as DRF does."""
        if isinstance(exc, AnsweredEarly):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(  # type: ignore[override]
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        """The steps' answer: 304 or not, DRF's headers, the validators, then stored."""
        response = self.answer_before_finalizing(response)
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[arg-type]
        response = self.answer_after_finalizing(request, response)
        self.keep_answer(response)
        return response

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _refuse_wrong_order(cls)
        if "write_transaction" in vars(cls):
            raise ImproperlyConfigured(
                f"{cls.__qualname__} overrides write_transaction(): the write's transaction "
                "is opened once, by the library. Override join_write() (and call super()) to "
                "add work that commits with the write."
            )
        for name, drfs in WRITE_HANDLERS.items():
            handler = getattr(cls, name, None)
            if handler is not None and not getattr(handler, _WRAPPED, False):
                # A create of the view's own may write anywhere: its write begins with it. An
                # update or destroy writes after its lookup, whose claim of the row begins it: a
                # write begun before the lookup would read, then write, and concurrent SQLite
                # writers without IMMEDIATE transactions deadlock on that lock upgrade.
                at_once = name == "create" and handler is not drfs
                setattr(cls, name, _write_handler(name, handler, at_once=at_once))
        for name in () if issubclass(cls, ViewSetMixin) else WRITE_VERBS:
            # A viewset's verbs are its actions: a method of its own so named is no handler.
            verb = getattr(cls, name, None)
            if (
                verb is not None
                and not getattr(verb, _WRAPPED, False)
                and not defined_by_drf(verb, or_djangos_views=True)
            ):
                setattr(cls, name, _write_handler(name, verb, at_once=False))
        for name in SAVE_HOOKS:
            hook = getattr(cls, name, None)
            if hook is not None and not getattr(hook, _WRAPPED, False):
                setattr(cls, name, _saving(hook))


def _write_handler(name: str, handler: Callable[..., Any], *, at_once: bool) -> Callable[..., Any]:
    """``handler`` run as a write: the complete body read first, then one transaction that
    every step which writes joins (begun at once, or by the first of them), ended with it.

    The body is read before the transaction begins, so a slow client holds no lock; one shorter
    than its ``Content-Length`` is refused, so nothing of it is saved (``RequestIDMiddleware``
    refuses it before any view; this is for a project without it).
    """

    @functools.wraps(handler)
    def write(self: ViewWiring, request: Request, *args: Any, **kwargs: Any) -> Any:
        state = self._write
        if state.handler is not None:  # one handler calls another (PATCH: update()): one write
            if at_once:
                self.open_write(self.get_queryset().model)
            return handler(self, request, *args, **kwargs)
        read_whole_content(request)
        state.handler = name
        try:
            with ExitStack() as stack:
                state.stack = stack
                if at_once:
                    self.open_write(self.get_queryset().model)
                response = handler(self, request, *args, **kwargs)
                self.wrote(response)
        finally:
            state.handler = state.stack = None
        return response

    setattr(write, _WRAPPED, True)
    return write


def _saving(hook: Callable[..., Any]) -> Callable[..., Any]:
    """``perform_create()``, ``perform_update()`` or ``perform_destroy()``, whoever defines it
    (the view, a mixin, DRF), run inside the write."""

    @functools.wraps(hook)
    def save(self: ViewWiring, target: Any) -> Any:
        self.before_saving(target)
        instance = getattr(target, "instance", target)
        model = type(instance) if isinstance(instance, models.Model) else None
        model = model or self.get_queryset().model
        if self._write.stack is None:  # called from a custom action: a write of its own
            with self.write_transaction(model):
                return hook(self, target)
        self.open_write(model)
        return hook(self, target)

    setattr(save, _WRAPPED, True)
    return save


def _refuse_wrong_order(cls: type) -> None:
    """Refuse a view whose DRF classes come before the library's mixins in the MRO.

    DRF's ``initial()``, ``get_object()``, ``finalize_response()`` and the rest call no
    ``super()``: after them, the mixins' hooks would never run and nothing would be protected.
    """
    mro = cls.__mro__
    for hook in _HOOKS:
        owners = [klass for klass in mro if hook in vars(klass)]
        ours = [i for i, klass in enumerate(owners) if _is_ours(klass)]
        drf = [i for i, klass in enumerate(owners) if defined_by_drf(klass, or_djangos_views=True)]
        if ours and drf and max(ours) > min(drf):
            first = owners[min(drf)]
            raise ImproperlyConfigured(
                f"{cls.__qualname__} puts {first.__module__}.{first.__qualname__} before the "
                f"django-http-errors mixins, so their {hook}() never runs and the view would "
                "not be protected. Put the mixins first: "
                f"class {cls.__qualname__}(IdempotencyMixin, ConditionalUpdateMixin, "
                f"{first.__qualname__}, ...)."
            )


def _is_ours(klass: type) -> bool:
    return klass.__module__.startswith("django_http_errors.")
