"""Conditional requests on any DRF view: a decorator in the shape of Django's ``condition()``.

For an ``APIView`` method or a function view under ``@api_view``, where
``ConditionalUpdateMixin`` (a ``GenericAPIView``'s) does not fit. The validators come from
callables; the decisions, 412 and 428 are the mixin's (``conditional.decisions``, read from the
one declaration of the precondition kinds, RFC 9110 §13.2.2), and a write to a model instance is
guarded by the same compare-and-swap as the mixin's (``writes.swap_version``).
"""

from __future__ import annotations

import functools
import time
import typing
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from django.db import models, router, transaction
from django.http import HttpResponseBase
from rest_framework.request import Request

from .blind_writes import REPORT, Requirement, report_blind_write, requirement
from .conditional import Outcome, Preconditions, decisions, last_modified_to_send
from .conditional.answers import is_described, set_absent
from .conditional.swaps import CONCURRENT_CHANGE_DETAIL
from .conditional.validators import changed_second, field_or_none, last_modified_of, state_tag
from .conf import get_settings
from .etags import parse_etag, quote_etag
from .exceptions import Conflict, PreconditionFailed
from .fields import one_change
from .http_names import CACHE_CONTROL, ETAG, LAST_MODIFIED, READ_METHODS
from .internals import django_request
from .middleware import read_whole_content
from .negotiation import refuses_every_representation
from .writes import keep_claimed_version, stored, swap_version

__all__ = ["conditional"]

Handler = TypeVar("Handler", bound=Callable[..., Any])


def conditional(
    etag_func: Callable[..., str | None] | None = None,
    last_modified_func: Callable[..., datetime | None] | None = None,
    *,
    object_func: Callable[..., Any] | None = None,
    precondition_required: Requirement | None = None,
    cache_control: str | None = None,
) -> Callable[[Handler], Handler]:
    """304, 412 and 428 for a DRF view's method or function (RFC 9110 §13.2.2, RFC 6585 §3).

    Each callable is called with the arguments the view gets (a method's: the view first):

    - ``object_func``: the object the view shows or changes, ``None`` where there is none (a
      PUT that creates). Raise ``Http404`` for a missing one, and check object permissions in
      it: they come before the preconditions (§13.2.1). A model instance gives the defaults of
      the validators (its ``VERSION_FIELD`` and ``LAST_MODIFIED_FIELD``, as the mixin's) and
      guards the write: claimed by a compare-and-swap of its version, or, without a version
      field, locked and its ETag computed again, in one transaction with all the view writes.
    - ``etag_func``: the representation's entity-tag, quoted or not (a bare value is quoted
      as a strong one); ``None``: none.
    - ``last_modified_func``: when the resource last changed; sent and compared as the
      mixin's, the second after it by every clock (``CLOCK_SKEW``).

    A read whose preconditions are false is a 304 with the validators; a false precondition is
    412 (its ``etag`` the current one); a PUT, PATCH or DELETE without ``If-Match`` or
    ``If-Unmodified-Since`` is 428 where ``precondition_required`` (default: the setting) is
    ``True``, and reported where it is ``"report"``. The answers of reads carry the validators
    and ``Cache-Control``, a PATCH's the new validators.
    """

    def decorator(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def conditional_handler(*args: Any, **kwargs: Any) -> Any:
            view, request = _view_and_request(args)

            def validators() -> _Validators:
                obj = object_func(*args, **kwargs) if object_func is not None else None
                etag = etag_func(*args, **kwargs) if etag_func is not None else None
                changed = last_modified_func(*args, **kwargs) if last_modified_func else None
                return _Validators.of(obj, etag, changed, known=object_func is not None)

            # The lookup's 404 and 403 come first (object_func), whoever the client is.
            seen = validators()
            unconditional = None
            if request.method in READ_METHODS and refuses_every_representation(request):
                # Its content would be 406 whatever the preconditions, which are then ignored
                # (refuses_every_representation), as they are for an answer that is no 2xx (a
                # redirect); a 2xx without content is decided.
                unconditional = handler(*args, **kwargs)
                status = getattr(unconditional, "status_code", 200)
                if getattr(unconditional, "data", None) is not None or not 200 <= status < 300:
                    return unconditional
            method = request.method or ""
            preconditions = Preconditions.of(request.headers)
            # The mixin's decisions, read from the same declaration of the precondition kinds.
            outcome = decisions.decide_object(
                method,
                preconditions,
                etag=seen.etag,
                last_modified=seen.last_modified,
                exists=seen.exists,
            )
            if method in READ_METHODS:
                read = {**seen.headers(), CACHE_CONTROL: _cache_control(cache_control)}
                if outcome is Outcome.NOT_MODIFIED:
                    return _with_headers(decisions.not_modified(request), read)
                answer = unconditional if unconditional is not None else handler(*args, **kwargs)
                return _with_headers(answer, read)
            guarded = preconditions.guards_write(last_modified=seen.last_modified)
            # An APIView's own headers go on every answer it gives, errors too.
            marks: dict[str, str] = view.headers if view is not None else {}
            required = requirement(precondition_required)
            decisions.require_guard(
                method,
                guarded=guarded,
                required=required is True,
                report=partial(report_blind_write, request, view or handler, marks)
                if required == REPORT
                else None,
            )
            response = _write(handler, args, kwargs, seen, validators, guarded=guarded)
            if method == "PATCH" and 200 <= response.status_code < 300:
                # After a change the validators describe the new state (RFC 9110 §8.8); a PUT
                # gets none, as what is stored is not exactly what was sent (§9.3.4).
                _with_headers(response, validators().headers())
            return _with_headers(response, marks if view is None else {})

        return typing.cast(Handler, conditional_handler)

    return decorator


class _Validators:
    """A resource's validators as one request's preconditions compare them."""

    def __init__(
        self, obj: Any, etag: str | None, last_modified: float | None, *, exists: bool
    ) -> None:
        self.obj = obj
        self.etag = etag
        self.last_modified = last_modified
        self.exists = exists

    @classmethod
    def of(
        cls, obj: Any, etag: str | None, changed: datetime | None, *, known: bool
    ) -> _Validators:
        """From what the callables gave; a model instance gives what they left out.

        ``known``: an ``object_func`` said whether the resource exists; without one it exists
        when it has a validator, as in Django's ``condition()``.
        """
        settings = get_settings()
        last_modified = None
        if changed is not None:
            last_modified = changed_second(changed, clock_skew=settings.CLOCK_SKEW)
        if isinstance(obj, models.Model):
            version_field = field_or_none(type(obj), settings.VERSION_FIELD)
            if etag is None and version_field is not None:
                # The mixin's ETag of the same state: "<pk>.<version>".
                etag = state_tag(obj, version_field, dict)
            if changed is None:
                last_modified = last_modified_of(
                    obj, settings.LAST_MODIFIED_FIELD, clock_skew=settings.CLOCK_SKEW
                )
        if etag is not None and parse_etag(etag) is None:
            etag = quote_etag(etag)
        exists = obj is not None if known else etag is not None or last_modified is not None
        return cls(obj, etag, last_modified, exists=exists)

    def headers(self) -> dict[str, str]:
        """``ETag`` and ``Last-Modified`` (once its second has come) of the resource."""
        found: dict[str, str] = {}
        if self.exists and self.etag is not None:
            found[ETAG] = self.etag
        sent = last_modified_to_send(self.last_modified if self.exists else None, now=time.time())
        if sent is not None:
            found[LAST_MODIFIED] = sent
        return found


def _cache_control(given: str | None) -> str:
    """``Cache-Control`` of reads: revalidate, never guess a freshness (RFC 9111 §4.2.2)."""
    return given if given is not None else get_settings().CACHE_CONTROL


def _write(
    handler: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    seen: _Validators,
    validators: Callable[[], _Validators],
    *,
    guarded: bool,
) -> Any:
    """The handler's write; where a model instance backs it, claimed first, in one
    transaction with all the handler writes, and refused if another request changed it."""
    obj = seen.obj
    if not isinstance(obj, models.Model):
        return handler(*args, **kwargs)
    _, request = _view_and_request(args)
    # The whole body before the transaction: a slow client holds no lock.
    read_whole_content(django_request(request))
    model = type(obj)
    version_field = field_or_none(model, get_settings().VERSION_FIELD)
    with transaction.atomic(using=router.db_for_write(model)), one_change():
        if version_field is not None:
            claimed = swap_version(obj, version_field)
            claimed_number = getattr(obj, version_field)
        else:
            # No version to swap: the row locked until the write ends, and its ETag again.
            claimed = stored(obj, lock=True) is not None and validators().etag == seen.etag
        if not claimed:
            if guarded:
                current = validators()
                raise PreconditionFailed(etag=current.etag if current.exists else None)
            raise Conflict(CONCURRENT_CHANGE_DETAIL)
        response = handler(*args, **kwargs)
        if response.status_code >= 400:
            # An answer that is an error, not raised: nothing of the write stays.
            transaction.set_rollback(True)
        elif version_field is not None:
            # A plain integer version the handler's save set back (the client's echo) is the
            # claim's again, as the mixin keeps it: the next stale If-Match does not match.
            keep_claimed_version(obj, version_field, claimed_number)
    return response


def _view_and_request(args: tuple[Any, ...]) -> tuple[Any, Request]:
    """The view (``None`` for a function view) and DRF's request, from a handler's arguments."""
    if args and isinstance(args[0], Request):
        return None, args[0]
    if len(args) > 1 and isinstance(args[1], Request):
        return args[0], args[1]
    raise TypeError(
        "@conditional decorates a DRF view: a method of an APIView, or a function under "
        "@api_view (its 412 and 428 are answered by DRF's exception handling)."
    )


def _with_headers(response: HttpResponseBase, headers: dict[str, str]) -> HttpResponseBase:
    """``response`` with ``headers`` it does not set itself, if it is a success or a 304: an
    error describes no representation."""
    if is_described(response):
        set_absent(response, headers)
    return response
