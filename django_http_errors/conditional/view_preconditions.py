"""A conditional view's preconditions, decided at the three hooks where the representation is
known: ``initial()`` (a create's, a read's), the object's lookup and the list's page."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any

from django.db import router
from django.db.models import QuerySet
from rest_framework.mixins import CreateModelMixin, ListModelMixin, RetrieveModelMixin
from rest_framework.request import Request
from rest_framework.viewsets import ViewSetMixin

from django_http_errors.exceptions import PreconditionFailed
from django_http_errors.http_names import ETAG, READ_METHODS, SAFE_METHODS
from django_http_errors.internals import (
    answer_in_handlers_place,
    django_request,
    drfs_generic_get_calls,
    not_found,
)
from django_http_errors.negotiation import refuses_every_representation
from django_http_errors.query.parameters import component_parameters
from django_http_errors.wiring import ViewWiring

from . import decisions
from .blind_writes import REPORT, report_blind_write, requirement
from .preconditions import Outcome, Preconditions, revalidating_headers
from .view_validators import ViewValidators

__all__ = ["ViewPreconditions"]

#: If-None-Match and If-Modified-Since: a read carrying either is a revalidation.
_REVALIDATING = revalidating_headers()


@dataclass
class _Conditions:
    """What one request's preconditions decided, and the validators its answer carries:
    decided once, where the representation is known, applied once, as the answer is finalized
    (the shape of Django's ``condition()``)."""

    #: The answer's ETag and Last-Modified, when a read decided them.
    validators: dict[str, str] = field(default_factory=dict)
    #: The read's preconditions are false: the answer is a 304.
    not_modified: bool = False
    #: A false precondition of a read of the view's own, for a client that accepts only
    #: problems: 412 if its answer has no content, else ignored (``answer_before_finalizing``).
    failed: PreconditionFailed | None = None
    #: The write carried a precondition: losing a race is 412, else 409.
    guarded: bool = False
    #: The object looked up: a read's handler gets it without a second query, and a PATCH's
    #: answer describes its new state.
    looked_up: Any = None
    #: The view's ``kwargs`` the object was looked up by: a lookup by others is a new one.
    looked_up_by: Any = None
    #: ``get_object()`` was called: its lookup found the object or raised.
    sought: bool = False
    #: The lookup under way is a revalidation's (``get_revalidation_queryset()``).
    revalidating: bool = False
    #: The serializer of a create, whose instance a 201's validators describe.
    serializer: Any = None
    #: The object whose row the write claimed (compare-and-swap), ``None`` before.
    swapped: Any = None
    #: The version that claim gave the row, with a version field.
    claimed_version: Any = None
    #: The object whose claim DRF's own update makes as it saves (one UPDATE), ``None`` else.
    pending: Any = None
    #: Each object whose preconditions were decided, by ``id()``: the object (kept, so that the
    #: id names no other) and the ETag of the state they saw, or ``None`` once a write of the
    #: action's has changed it (its next claim compares the object as it is then). A claim of it
    #: compares the row with that state, whatever was changed in memory since, and a
    #: serializer's save of it is guarded.
    seen: dict[int, tuple[Any, str | None]] = field(default_factory=dict)
    #: The claims of the write under way, by ``id()``: each object, its version field and the
    #: version it had in memory before its first claim (taken back should the write roll back).
    claims: dict[int, tuple[Any, str | None, Any]] = field(default_factory=dict)
    #: The list's page, made before its preconditions were decided in ``initial()``: the
    #: handler's ``paginate_queryset()`` answers it rather than counting and fetching again.
    page: Any = None
    paged: bool = False

    def saw(self, obj: Any, etag: str | None) -> None:
        """``obj``'s state is the one ``etag`` names (``None``: the object as it is), for its
        next claim."""
        self.seen[id(obj)] = (obj, etag)

    def decided(self, obj: Any) -> bool:
        """Whether ``obj``'s preconditions were decided in this request."""
        return id(obj) in self.seen

    def seen_etag(self, obj: Any) -> str | None:
        """The ETag of the state ``obj``'s preconditions saw, if it is still the row's."""
        known = self.seen.get(id(obj))
        return None if known is None else known[1]


class ViewPreconditions(ViewValidators, ViewWiring):
    """The preconditions of ``ConditionalUpdateMixin``: what each request's decide
    (``decisions``), kept for its write and its answer."""

    @cached_property
    def _conditions(self) -> _Conditions:
        """This request's: DRF makes a new view instance for each request."""
        return _Conditions()

    def decide_preconditions(self, request: Request) -> None:
        """A create's preconditions, or a read's of the object or the list; a false read is
        answered 304 in the handler's place, so nothing is serialized for it."""
        if self._creates():
            self.check_collection_preconditions()
        elif request.method in READ_METHODS:
            self.check_read_preconditions()
            if self._conditions.not_modified:
                answer_in_handlers_place(self, request.method or "", decisions.not_modified)

    def _drfs_read(self) -> str | None:
        """``"retrieve"`` or ``"list"`` when DRF's own handler of that name answers this
        request (a viewset's action, or a generic view's ``get()``), else ``None``."""
        action = getattr(self, "action", None)
        if action is None:  # a generic view: is its get() DRF's, and which handler does it call?
            action = drfs_generic_get_calls(type(self))
        if action == "retrieve" and _drf_own(type(self), RetrieveModelMixin, action):
            return action
        if action == "list" and _drf_own(type(self), ListModelMixin, action):
            return action
        return None

    def check_read_preconditions(self) -> None:
        """Look up what DRF's own retrieve or list shows, and decide its preconditions; other
        GET handlers decide as they call ``get_object()`` or ``paginate_queryset()``."""
        action = self._drfs_read()
        if action == "retrieve":
            self.get_object()
        elif action == "list":
            queryset = self.filter_queryset(self.get_queryset())
            paginator = self.paginator
            if (
                paginator is not None
                and Preconditions.of(self.request.headers).values
                and not pages_without_parameters(paginator, self, self.request)
            ):
                # The paginator's 400 and 404 come before the preconditions, as the object's
                # lookup does (``get_object()``).
                if type(self).paginate_queryset is not ViewPreconditions.paginate_queryset:
                    return  # the view's own paginates: decided as the handler calls it
                self._conditions.page = super().paginate_queryset(queryset)
                self._conditions.paged = True
            self.check_list_preconditions(queryset)

    def get_object(self) -> Any:
        """DRF's lookup and object permission check, then the preconditions (RFC 9110 §13.2.1).
        The lookup is done once a request: a read's handler gets the object ``initial()``
        looked up, and a write that looks its object up again gets the one whose row it
        claimed (looked up anew, it would fail the claim's precondition). A lookup by other
        ``kwargs`` (an action that changes them to find a second object) is made anew."""
        conditions = self._conditions
        if conditions.looked_up is not None and conditions.looked_up_by == self.kwargs:
            return conditions.looked_up
        if self.request.method not in SAFE_METHODS and self.claims_key_early(self.request):
            # Looked up before DRF's checks ended (by a permission of the view's): the key is
            # claimed first, so a retry gets its first answer, not a 412 from the precondition
            # that answer's write made stale.
            self._claim_key(self.request)
        conditions.sought = True
        conditions.revalidating = self._revalidates()
        try:
            obj = super().get_object()
        except OverflowError as exc:
            # An id beyond the database's integers names nothing: DRF maps ValueError so, but
            # Django 4.2's SQLite backend raises this instead (fixed in Django 5.0).
            model = self.get_queryset().model
            raise not_found(model._meta.object_name) from exc
        finally:
            conditions.revalidating = False
        self.check_preconditions(obj)
        conditions.looked_up, conditions.looked_up_by = obj, dict(self.kwargs)
        return obj

    def filter_queryset(self, queryset: Any) -> Any:
        """DRF's filters; an unsafe request reads its lookup, which decides its preconditions,
        from the database it writes to, not from a replica's stale row; a revalidation looks
        its object up in ``get_revalidation_queryset()``."""
        queryset = super().filter_queryset(queryset)
        if not isinstance(queryset, QuerySet):
            return queryset
        if self.request.method not in SAFE_METHODS:
            return queryset.using(router.db_for_write(queryset.model))
        if self._conditions.revalidating:
            return self.get_revalidation_queryset(queryset)
        return queryset

    def get_revalidation_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """The object's lookup, filtered, for a GET or HEAD of it that carries
        ``If-None-Match`` or ``If-Modified-Since``: a cache's revalidation, mostly answered
        304, which needs only what the ETag, ``Last-Modified`` and the object permissions
        read. ``queryset`` itself by default; return ``queryset.select_related(None)`` (or
        ``.prefetch_related(None)``) to leave the related rows out of it. Should the answer be
        200 after all, the serializer loads each relation it reads, one query each.
        """
        return queryset

    def _revalidates(self) -> bool:
        """Whether this request is a revalidation of the object (a read with validators)."""
        if self.request.method not in READ_METHODS:
            return False
        if getattr(self, "action", None) not in (None, "retrieve"):
            return False
        headers = self.request.headers
        return any(name in headers for name in _REVALIDATING)

    def check_preconditions(self, obj: Any) -> None:
        """Decide 304, or raise 412 or 428, for ``obj``; a read's validators are kept."""
        method = self.request.method or ""
        # DRF's metadata looks the object up as if for a PUT (OPTIONS guards nothing); a
        # custom GET action shows something other than the object; DRF's read for a client that
        # accepts only problems is 406 whatever its preconditions say.
        if django_request(self.request).method == "OPTIONS" or (
            method in READ_METHODS
            and (
                getattr(self, "action", None) not in (None, "retrieve") or self._refuses_drfs_read()
            )
        ):
            return
        preconditions = Preconditions.of(self.request.headers)
        etag, last_modified = self.get_etag(obj), self.get_last_modified(obj)
        self._conditions.saw(obj, etag)
        try:
            outcome = decisions.decide_object(
                method,
                preconditions,
                etag=etag,
                last_modified=last_modified,
                etags_of_state=lambda: self.get_etags_of_state(obj),
            )
        except PreconditionFailed as failed:
            if method not in READ_METHODS or not refuses_every_representation(self.request):
                raise
            # A read of the view's own, whose content is not known yet: decided on its answer,
            # as a 304 is.
            self._conditions.failed, outcome = failed, Outcome.PROCEED
        conditions = self._conditions
        conditions.guarded = preconditions.guards_write(last_modified=last_modified)
        reports = requirement(self.precondition_required) == REPORT
        decisions.require_guard(
            method,
            guarded=conditions.guarded,
            required=self.is_precondition_required(),
            report=partial(report_blind_write, self.request, self, self.headers)
            if reports
            else None,
        )
        if method in READ_METHODS:
            # The validators just compared: the hooks are not asked twice.
            conditions.validators = self._validator_headers(etag, last_modified)
            conditions.not_modified = outcome is Outcome.NOT_MODIFIED

    def paginate_queryset(self, queryset: Any) -> Any:
        """A page (the one ``initial()`` made, if it did), then the list's preconditions if
        ``initial()`` has not decided them: the paginator's 400 and 404 come first."""
        conditions = self._conditions
        if conditions.paged:
            return conditions.page
        page = super().paginate_queryset(queryset)
        if not conditions.validators and self.request.method in READ_METHODS:
            self.check_list_preconditions(queryset)
        return page

    def check_list_preconditions(self, queryset: Any) -> None:
        """Decide 304, or raise 412, from a list's weak ETag; keep it for the answer."""
        if self._refuses_drfs_read():
            return
        etag = self.get_collection_etag(queryset) if isinstance(queryset, QuerySet) else None
        if etag is not None:
            preconditions = Preconditions.of(self.request.headers)
            try:
                outcome = decisions.decide_collection(
                    self.request.method or "", preconditions, etag
                )
            except PreconditionFailed as failed:
                if not refuses_every_representation(self.request):
                    raise
                # A list of the view's own: decided on its answer (``check_preconditions()``).
                self._conditions.failed, outcome = failed, Outcome.PROCEED
            self._conditions.validators = {ETAG: etag}
            self._conditions.not_modified = outcome is Outcome.NOT_MODIFIED

    def _refuses_drfs_read(self) -> bool:
        """Whether this read is DRF's own retrieve or list, whose success has content, for a
        client that accepts only problems: 406, so its preconditions are ignored. A read of the
        view's own may answer without content (204): decided on its answer."""
        return refuses_every_representation(self.request) and self._drfs_read() is not None

    def check_collection_preconditions(self) -> None:
        """Raise 412 when a POST's If-Match or If-None-Match is false (before the body)."""
        decisions.decide_create(
            Preconditions.of(self.request.headers),
            lambda: self.get_collection_etag(self.filter_queryset(self.get_queryset())),
        )

    def _creates(self) -> bool:
        # The POST DRF's CreateModelMixin answers: a viewset's "create", or a generic view's
        # POST (a create() override would give a router's read-only viewsets a POST route).
        if self.request.method != "POST" or not isinstance(self, CreateModelMixin):
            return False
        return not isinstance(self, ViewSetMixin) or getattr(self, "action", None) == "create"


#: The parts of a paginator that read the query string, or may refuse a page.
PAGINATOR_PARTS = frozenset(
    {
        "paginate_queryset",
        "get_page_number",
        "get_page_size",
        "get_limit",
        "get_offset",
        "decode_cursor",
        "django_paginator_class",
    }
)


def pages_without_parameters(paginator: Any, view: Any, request: Request) -> bool:
    """Whether the paginator provably accepts this request: it sends none of the paginator's
    parameters (``page``, ``page_size``...: what its ``get_schema_operation_parameters()``
    documents), and no class but DRF's and the library's defines one of ``PAGINATOR_PARTS``.
    DRF's paginators then give the first page, which exists even for an empty list (Django's
    ``allow_empty_first_page``), of their default size."""
    if not all(
        base.__module__.startswith(("rest_framework.", "django_http_errors."))
        for base in type(paginator).__mro__[:-1]
        if not PAGINATOR_PARTS.isdisjoint(vars(base))
    ):
        return False
    sent = request.query_params
    return not sent or not any(name in sent for name in component_parameters(paginator, view, None))


def _drf_own(view: type, mixin: type, name: str) -> bool:
    """Whether the view's ``name`` handler is DRF's ``mixin``'s, not overridden."""
    return issubclass(view, mixin) and getattr(view, name) is getattr(mixin, name)
