"""Conditional requests for DRF views (RFC 9110 §13): validators, 304, 412, 428, and writes that
never lose an update because the check and the write are one step in the database."""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Final
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router
from django.db.models import Count, Max, QuerySet, Sum
from django.http import Http404, HttpResponseBase, StreamingHttpResponse
from django.http.response import ResponseHeaders
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from rest_framework.mixins import (
    CreateModelMixin,
    ListModelMixin,
    RetrieveModelMixin,
    UpdateModelMixin,
)
from rest_framework.request import Request
from rest_framework.serializers import BaseSerializer
from rest_framework.viewsets import ViewSetMixin

from .blind_writes import REPORT, Requirement, report_blind_write, requirement
from .challenges import credential_headers
from .conditional import (
    ETAG,
    GUARDED_METHODS,
    LAST_MODIFIED,
    PRECONDITION_HEADERS,
    READ_METHODS,
    Outcome,
    Preconditions,
    Target,
    evaluate,
    last_modified_to_send,
    target_of,
    validator_second,
)
from .conf import get_settings
from .descriptions import (
    HeaderParameter,
    Operation,
    OperationDescription,
    ResponseHeader,
    inherited,
)
from .etags import quote_etag
from .exceptions import Conflict, PreconditionFailed, PreconditionRequired
from .serializers import ETagField
from .wiring import ViewWiring
from .writes import saves_fields_only, stored, swap_fields, swap_version

__all__ = ["ConditionalUpdateMixin", "NotModifiedResponse"]

logger = logging.getLogger(__name__)

CACHE_CONTROL: Final = "Cache-Control"


CONCURRENT_CHANGE_DETAIL = _(
    "The resource was changed by another request while this one was processed. "
    "Fetch it again and resend with If-Match."
)


#: Representation metadata that a 304 does not carry: it describes a
#: representation the 304 does not send. ``LocaleMiddleware`` would add Content-Language.
_NOT_ON_304: Final = frozenset({"content-type", "content-length", "content-language"})


class _NotModifiedHeaders(ResponseHeaders):
    """Headers that refuse what a 304 must not carry, whoever sets them later."""

    def __setitem__(self, key: str, value: str | bytes | int) -> None:
        if key.lower() not in _NOT_ON_304:
            super().__setitem__(key, value)


class NotModifiedResponse(StreamingHttpResponse):
    """A 304: no content, and only the header fields RFC 9110 §15.4.5 lists.

    No Content-Type, Content-Language or Content-Length, also when a middleware adds them
    later: Django's CommonMiddleware gives every non-streaming response a Content-Length (``0``
    here), so this one streams its empty content, and ``LocaleMiddleware`` a Content-Language.
    """

    status_code = 304

    def __init__(self) -> None:
        super().__init__(streaming_content=())
        self.headers = _NotModifiedHeaders(
            {name: value for name, value in self.headers.items() if name.lower() not in _NOT_ON_304}
        )


@dataclass
class _Conditions:
    """What one request's preconditions decided, and the validators its answer carries.

    Decided once, where the representation is known (the object's lookup, the list's query),
    and applied once, as the answer is finalized: the shape of Django's ``condition()``.
    """

    #: The answer's ETag and Last-Modified: the selected representation's (a read), or the
    #: new state's (a PATCH, a 201).
    validators: dict[str, str] = field(default_factory=dict)
    #: The read's preconditions are false: the answer is a 304.
    not_modified: bool = False
    #: The write carried a precondition: losing a race is 412, else 409.
    guarded: bool = False
    #: The object looked up: a read's handler gets it without a second query, and a PATCH's
    #: answer describes its new state.
    looked_up: Any = None
    #: The serializer of a create, whose instance a 201's validators describe.
    serializer: Any = None
    #: The object whose row the write claimed (compare-and-swap), ``None`` before.
    swapped: Any = None
    #: The object whose claim DRF's own update makes as it saves (one UPDATE), ``None`` else.
    pending: Any = None


class ConditionalUpdateMixin(ViewWiring):
    """ETag, Last-Modified, 304/412/428 (RFC 9110 §13.2) and compare-and-swap writes for DRF views.

    Mix it in before DRF's classes (another order is refused as the class is created):
    ``class V(ConditionalUpdateMixin, ModelViewSet)``. Preconditions are evaluated in
    ``get_object()``, after the lookup and the object permission check and before the request
    body is parsed. In a write handler (``update``, ``partial_update``, ``destroy``: DRF's or
    the view's own) the row is claimed right after the lookup, in the write's transaction, so
    whatever the view, its mixins, serializer, model or signals then write is guarded. Custom
    actions that write use ``conditional_write()``.
    """

    #: Model field that grows by one on every write and feeds the ETag; ``None``: the
    #: ``VERSION_FIELD`` setting. A model without it gets a (slower) hash of its representation.
    version_field: str | None = None
    #: Model field (a ``DateTimeField``) sent as ``Last-Modified``; ``None``: the
    #: ``LAST_MODIFIED_FIELD`` setting; ``""``: send none.
    last_modified_field: str | None = None
    #: Answer 428 to PUT, PATCH and DELETE without ``If-Match`` or ``If-Unmodified-Since``;
    #: ``"report"``: let them through, each reported (``blind_writes``); ``None``: the
    #: ``PRECONDITION_REQUIRED`` setting.
    precondition_required: Requirement | None = None
    #: ``Cache-Control`` of GET and HEAD answers; ``None``: the ``CACHE_CONTROL`` setting.
    cache_control: str | None = None
    #: The serializer fields a hash ETag covers (a model without a version field); ``None``:
    #: all but the ETag. Leave out what changes by itself (a duration computed from the clock).
    etag_fields: Sequence[str] | None = None

    @cached_property
    def _conditions(self) -> _Conditions:
        """This request's: DRF makes a new view instance for each request."""
        return _Conditions()

    # Configuration

    def get_version_field(self, model: type[models.Model]) -> str | None:
        """The model's version field, or ``None`` when it has none."""
        name = self.version_field or get_settings().VERSION_FIELD
        return name if name and has_field(model, name) else None

    def get_last_modified_field(self, model: type[models.Model]) -> str | None:
        """The model's Last-Modified field, or ``None`` when it sends none."""
        if self.last_modified_field is not None:
            name: str | None = self.last_modified_field
        else:
            name = get_settings().LAST_MODIFIED_FIELD
        return name if name and has_field(model, name) else None

    def is_precondition_required(self) -> bool:
        """Whether PUT, PATCH and DELETE must be conditional, else 428 Precondition Required."""
        return requirement(self.precondition_required) is True

    def get_cache_control(self) -> str:
        """``Cache-Control`` for reads: revalidate, never guess a freshness (RFC 9111 §4.2.2)."""
        return (
            self.cache_control if self.cache_control is not None else get_settings().CACHE_CONTROL
        )

    # Validators

    def get_etag(self, obj: Any) -> str:
        """A strong ETag of ``obj``'s representation, without serializing it.

        From the primary key and the version field; a model without a version field gets a
        hash of its serialized representation, which costs a serialization per call.
        Representations in another format get another ETag, and so do HTML pages in another
        language; the JSON of a state is the same in every language, and so is its ETag.
        """
        return quote_etag(self._state_tag(obj) + self._variant)

    def get_etags_of_state(self, obj: Any) -> list[str]:
        """The ETags of every representation of ``obj``'s current state, in every format.

        A client may send back the ETag of another representation of the same state (copied
        from the browsable API, or read in another language): as ``If-Match`` of a write it
        shows the client has seen this state, so it lets the write through.
        """
        state = self._state_tag(obj)
        return [quote_etag(state + suffix) for suffix in self._variants()]

    def _state_tag(self, obj: Any) -> str:
        """The opaque part of the ETag that names the state, without the variant."""
        version_field = self.get_version_field(type(obj))
        if version_field is None:
            return self._representation_hash(obj)
        # Percent-encoding keeps any primary key inside etagc.
        return f"{quote(str(obj.pk), safe='')}.{getattr(obj, version_field)}"

    def get_last_modified(self, obj: Any) -> float | None:
        """``obj``'s Last-Modified as POSIX seconds, ``None`` when it has none (RFC 9110 §8.8.2).

        The stored change date is stamped by one app server's clock, and a client may hold
        dates from others (``Date``, the body's dates): the date the preconditions stand behind
        is the first whole second after the change by every server's clock, ``CLOCK_SKEW``
        included (see ``validator_second``).
        """
        name = self.get_last_modified_field(type(obj))
        value = getattr(obj, name, None) if name else None
        if not isinstance(value, datetime):
            return None
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return validator_second(value.timestamp(), clock_skew=get_settings().CLOCK_SKEW)

    def get_collection_etag(self, queryset: QuerySet[Any]) -> str | None:
        """A weak ETag of a list from one aggregate query, ``None`` when nothing tracks changes.

        Count, newest change and sum of versions change with every insert, update and delete;
        the query string (page, filters), the user (visibility) and the variant are part of it.
        """
        model = queryset.model
        version_field = self.get_version_field(model)
        last_modified_field = self.get_last_modified_field(model)
        if version_field is None and last_modified_field is None:
            return None
        if queryset.query.combinator or queryset.query.distinct_fields:
            # Django cannot aggregate over union() or DISTINCT ON: such a list has no cheap ETag.
            return None
        aggregates: dict[str, Any] = {"count": Count("pk")}
        if isinstance(model._meta.pk, models.IntegerField):
            aggregates["max_pk"] = Max("pk")
        if version_field is not None:
            aggregates["versions"] = Sum(version_field)
        if last_modified_field is not None:
            aggregates["newest"] = Max(last_modified_field)
        state = queryset.order_by().aggregate(**aggregates)
        user = getattr(self.request, "user", None)
        key = [
            self.request.path,
            self.request.META.get("QUERY_STRING", ""),
            getattr(user, "pk", None),
            sorted(state.items()),
            self._variant,
        ]
        digest = hashlib.sha256(json.dumps(key, cls=DjangoJSONEncoder).encode()).hexdigest()
        return quote_etag(digest[:32], weak=True)

    def _representation_hash(self, obj: Any) -> str:
        data = self._hashed_representation(obj)
        if settings.DEBUG:
            self._warn_if_unstable(obj, data)
        content = json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True).encode()
        return hashlib.sha256(content).hexdigest()[:32]

    def _hashed_representation(self, obj: Any) -> dict[str, Any]:
        """What a hash ETag covers: ``etag_fields`` of the representation, or all of it but the
        ETag itself (no part of what it is computed from)."""
        serializer = self.get_serializer_class()(obj, context=self.get_serializer_context())
        fields = getattr(serializer, "fields", {})
        for name in [name for name, f in fields.items() if isinstance(f, ETagField)]:
            fields.pop(name)
        if self.etag_fields is not None:
            for name in [name for name in fields if name not in self.etag_fields]:
                fields.pop(name)
        return dict(serializer.data)

    def _warn_if_unstable(self, obj: Any, data: dict[str, Any]) -> None:
        """In DEBUG, warn when two serializations of one unchanged row differ: a hash of them
        would change on every read, so If-None-Match never gives 304 and If-Match always
        fails (a resource nobody can write)."""
        again = self._hashed_representation(obj)
        changing = sorted(
            name for name in data.keys() | again.keys() if data.get(name) != again.get(name)
        )
        if changing:
            logger.warning(
                "%s: the representation of %s changes between two serializations of the same "
                "row (%s), so its hash ETag changes on every read. Give the model a version "
                "field, or name the stable fields in etag_fields.",
                type(self).__qualname__,
                obj._meta.label if isinstance(obj, models.Model) else type(obj).__name__,
                ", ".join(changing),
            )

    @cached_property
    def _variant(self) -> str:
        """What tells this representation's ETag from the others of the same state.

        Computed once per request: a list asks for it once per item.
        """
        renderer = getattr(self.request, "accepted_renderer", None)
        return self._suffix(renderer, translation.get_language())

    def _variants(self) -> list[str]:
        """The variant suffixes of every representation this view renders."""
        languages = [code for code, _name in settings.LANGUAGES]
        suffixes = set()
        for renderer in self.get_renderers():
            for language in languages if _localized(renderer) else [None]:
                suffixes.add(self._suffix(renderer, language))
        return sorted(suffixes)

    def _suffix(self, renderer: Any, language: str | None) -> str:
        parts = []
        renderers = self.get_renderers()
        if renderer is not None and renderers and renderer.format != renderers[0].format:
            parts.append(str(renderer.format))
        if _localized(renderer) and language and language != settings.LANGUAGE_CODE:
            parts.append(language)
        return "".join(f"-{quote(part, safe='')}" for part in parts)

    def _validators(self, obj: Any, etag: str | None = None) -> dict[str, str]:
        headers = {ETAG: etag or self.get_etag(obj)}
        last_modified = last_modified_to_send(self.get_last_modified(obj), now=time.time())
        if last_modified is not None:
            headers[LAST_MODIFIED] = last_modified
        return headers

    # Preconditions

    def decide_preconditions(self, request: Request) -> None:
        """After DRF's checks, the preconditions that can be decided before the handler: a
        create's, and a read's of the object or the list.

        A read whose preconditions are false is answered 304 in the handler's place (DRF calls
        the method's handler after ``initial()``), so nothing is serialized for it.
        """
        if self._creates():
            self.check_collection_preconditions()
        elif request.method in READ_METHODS:
            self.check_read_preconditions()
            if self._conditions.not_modified:
                setattr(self, (request.method or "").lower(), _not_modified)

    def check_read_preconditions(self) -> None:
        """Look up what DRF's own retrieve or list shows, and decide its preconditions.

        Other handlers (a custom GET action, an overridden ``retrieve()``, ``list()`` or
        ``get()``) decide when they call ``get_object()`` or ``paginate_queryset()``: their 304
        replaces the 2xx they return.
        """
        action = getattr(self, "action", None)
        if action is None:
            # A generic view: DRF's own get() (rest_framework.generics) calls retrieve() when
            # the URL names an object, else list().
            get = getattr(type(self), "get", None)
            if getattr(get, "__module__", None) != "rest_framework.generics":
                return
            kwarg = self.lookup_url_kwarg or self.lookup_field
            action = "retrieve" if kwarg in self.kwargs else "list"
        if action == "retrieve" and _drf_own(type(self), RetrieveModelMixin, action):
            self.get_object()
        elif action == "list" and _drf_own(type(self), ListModelMixin, action):
            self.check_list_preconditions(self.filter_queryset(self.get_queryset()))

    def get_object(self) -> Any:
        """DRF's lookup and object permission check, then the preconditions (RFC 9110 §13.2.1).

        A read's lookup is done once: the handler gets the object ``initial()`` looked up.
        """
        conditions = self._conditions
        reads = self.request.method in READ_METHODS
        if reads and conditions.looked_up is not None:
            return conditions.looked_up
        try:
            obj = super().get_object()
        except OverflowError as exc:
            # An id beyond the database's integers names nothing: DRF maps ValueError so, but
            # Django 4.2's SQLite backend raises this instead (fixed in Django 5.0).
            model = self.get_queryset().model
            raise Http404(f"No {model._meta.object_name} matches the given query.") from exc
        self.check_preconditions(obj)
        conditions.looked_up = obj
        write = self._write
        if conditions.swapped is None and (write.open or write.handler in _GUARDED_HANDLERS):
            # In the write: claim the row now, so that all the handler writes is guarded.
            if write.handler in ("update", "partial_update") and _saves_in_drfs_update(type(self)):
                conditions.pending = obj  # DRF's update claims it as it saves: one UPDATE
            else:
                self.open_write(type(obj))
                self._compare_and_swap(obj)
        return obj

    def filter_queryset(self, queryset: Any) -> Any:
        """DRF's filters; an unsafe request reads from the database it writes to.

        Its lookup and preconditions decide a write: a replica's stale row would give a 412
        naming an old ETag, or let a stale If-Unmodified-Since through.
        """
        queryset = super().filter_queryset(queryset)
        if self.request.method not in _READ_OR_OPTIONS and isinstance(queryset, QuerySet):
            return queryset.using(router.db_for_write(queryset.model))
        return queryset

    def check_preconditions(self, obj: Any) -> None:
        """Decide 304, or raise 412 or 428, as the evaluation order and a required
        precondition say; a read's validators are kept for its answer."""
        method = self.request.method or ""
        if getattr(self.request, "_request", self.request).method == "OPTIONS":
            # DRF's metadata looks the object up as if for a PUT to list the PUT action; an
            # OPTIONS request performs no method that a precondition could guard.
            return
        if method in READ_METHODS and getattr(self, "action", None) not in (None, "retrieve"):
            # A custom GET action shows something other than the object: its validators do
            # not describe that representation.
            return
        preconditions = Preconditions.of(self.request.headers)
        etag = self.get_etag(obj)
        last_modified = self.get_last_modified(obj)
        outcome = evaluate(method, preconditions, etag=etag, last_modified=last_modified)
        if (
            outcome is Outcome.PRECONDITION_FAILED
            and preconditions.if_match is not None
            and method not in READ_METHODS
        ):
            # The If-Match may name this state in another representation: worth asking only
            # once the selected representation's ETag did not match.
            outcome = evaluate(
                method,
                preconditions,
                etag=etag,
                last_modified=last_modified,
                same_state=tuple(self.get_etags_of_state(obj)),
            )
        if outcome is Outcome.PRECONDITION_FAILED:
            raise PreconditionFailed(etag=etag)
        conditions = self._conditions
        conditions.guarded = preconditions.guards_write(last_modified=last_modified)
        if method in GUARDED_METHODS and not conditions.guarded:
            if self.is_precondition_required():
                raise PreconditionRequired()
            if requirement(self.precondition_required) == REPORT:
                report_blind_write(self.request, self, self.headers)
        if method in READ_METHODS:
            conditions.validators = self._validators(obj, etag)
            conditions.not_modified = outcome is Outcome.NOT_MODIFIED

    def paginate_queryset(self, queryset: Any) -> Any:
        """The list's preconditions (if ``initial()`` has not decided them), then a page."""
        if not self._conditions.validators and self.request.method in READ_METHODS:
            self.check_list_preconditions(queryset)
        return super().paginate_queryset(queryset)

    def check_list_preconditions(self, queryset: Any) -> None:
        """Decide 304, or raise 412, from a list's weak ETag; keep it for the answer."""
        etag = self.get_collection_etag(queryset) if isinstance(queryset, QuerySet) else None
        if etag is None:
            return
        preconditions = Preconditions.of(self.request.headers)
        outcome = evaluate(self.request.method or "", preconditions, etag=etag, last_modified=None)
        if outcome is Outcome.PRECONDITION_FAILED:
            raise PreconditionFailed(etag=etag)
        self._conditions.validators = {ETAG: etag}
        self._conditions.not_modified = outcome is Outcome.NOT_MODIFIED

    def check_collection_preconditions(self) -> None:
        """Raise 412 when a POST's If-Match or If-None-Match is false.

        Evaluated before the body is parsed, as in ``get_object()``. The list's current
        representation has a weak ETag only: no If-Match tag matches it strongly, ``*`` does, and
        If-None-Match with ``*`` or the list's ETag is false. The list has no Last-Modified, so
        If-Unmodified-Since is ignored, and a POST without these headers costs no query.
        """
        preconditions = Preconditions.of(self.request.headers)
        if preconditions.if_match is None and preconditions.if_none_match is None:
            return
        etag = self.get_collection_etag(self.filter_queryset(self.get_queryset()))
        outcome = evaluate("POST", preconditions, etag=etag, last_modified=None)
        if outcome is not Outcome.PROCEED:
            raise PreconditionFailed(etag=etag)

    def _creates(self) -> bool:
        # The POST that DRF's CreateModelMixin answers: a viewset's "create" action, or a
        # generic view's POST. Overriding create() instead would give a router's read-only
        # viewsets a POST route (routers route every action the class has).
        if self.request.method != "POST" or not isinstance(self, CreateModelMixin):
            return False
        if isinstance(self, ViewSetMixin):
            return getattr(self, "action", None) == "create"
        return True

    # Writes

    @contextmanager
    def conditional_write(self, obj: Any) -> Iterator[Any]:
        """Write ``obj`` only if it is still the version the preconditions saw (compare-and-swap).

        For a custom action that writes (the write handlers claim their row themselves): enter
        it before changing ``obj`` and write inside it. In ``write_transaction()`` it first
        claims the row where it still has the version read (``UPDATE ... SET version = version
        + 1 WHERE pk = %s AND version = %s``, one row or none), or, for a model without a
        version field, locks the row (``SELECT ... FOR UPDATE``) and compares its ETag; it
        raises 412 (the request carried a precondition) or 409 (it did not) when another
        request changed the row first. What the block writes commits with the claim, or
        nothing does.
        """
        with self.write_transaction(type(obj)):
            if self._conditions.swapped is not obj:
                self._compare_and_swap(obj)
            yield obj

    def _compare_and_swap(self, obj: Any) -> None:
        version_field = self.get_version_field(type(obj))
        if version_field is not None:
            if swap_version(obj, version_field):
                self._conditions.swapped = obj
                return
            current = stored(obj)
        else:
            seen = self.get_etag(obj)
            current = stored(obj, lock=True)
            if current is not None and self.get_etag(current) == seen:
                self._conditions.swapped = obj
                return
        self._refuse_stale_write(current)

    def _refuse_stale_write(self, current: Any) -> None:
        """Another request changed the row first: 412 with its ETag, or 409."""
        if self._conditions.guarded:
            raise PreconditionFailed(etag=None if current is None else self.get_etag(current))
        raise Conflict(CONCURRENT_CHANGE_DETAIL)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        """DRF's save; under DRF's own update, the row's claim and the save are one UPDATE.

        When nothing but the model's fields would run in the save (DRF's and this mixin's
        ``perform_update`` only, a plain ``ModelSerializer``, the model's own ``save()``, no
        ``pre_save``/``post_save`` receiver, no many-to-many value, no parent table), the
        compare-and-swap carries the change itself: ``UPDATE ... SET <every field> WHERE pk =
        %s AND version = %s``, the one statement DRF's own save runs.
        """
        conditions = self._conditions
        instance: Any = serializer.instance
        if instance is not None and conditions.pending is instance:
            conditions.pending = None
            version_field = self.get_version_field(type(instance))
            if version_field is not None and saves_fields_only(serializer, instance):
                if not swap_fields(instance, serializer.validated_data, version_field):
                    self._refuse_stale_write(stored(instance))
                conditions.swapped = instance
                return
            self._compare_and_swap(instance)
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
        self._compare_and_swap(instance)

    def wrote(self, response: Any) -> None:
        """A write handler that answered 2xx without claiming its row wrote unguarded: refused.

        It happens when the view's own ``update()``, ``destroy()`` or ``get_object()`` never
        reaches the mixin's lookup; the write rolls back, loudly, rather than lose an update.
        """
        super().wrote(response)
        status = getattr(response, "status_code", 0)
        if (
            self._write.handler in _GUARDED_HANDLERS
            and 200 <= status < 300
            and self._conditions.swapped is None
        ):
            raise ImproperlyConfigured(
                f"{type(self).__qualname__}.{self._write.handler}() wrote without looking the "
                "object up through get_object(), so no precondition or compare-and-swap "
                "guarded it. Call get_object() (and super() in an overridden get_object())."
            )

    # Responses

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        """DRF's serializer, remembered so a 201 can carry the created object's ETag."""
        serializer = super().get_serializer(*args, **kwargs)
        self._conditions.serializer = serializer
        return serializer

    def answer_before_finalizing(self, response: HttpResponseBase) -> HttpResponseBase:
        """The 304 the preconditions decided, in a 2xx's place; DRF then adds Allow and Vary
        as it would on the 200."""
        response = super().answer_before_finalizing(response)
        if self._conditions.not_modified and 200 <= response.status_code < 300:
            # A handler that decided late (its own get(), a custom list action) worked for nothing.
            return NotModifiedResponse()
        return response

    def answer_after_finalizing(
        self, request: Request, response: HttpResponseBase
    ) -> HttpResponseBase:
        """The validators of a success (of the new state after a change; a PUT gets none: RFC
        9110 §9.3.4), and Cache-Control."""
        response = super().answer_after_finalizing(request, response)
        conditions = self._conditions
        status = response.status_code
        if not (200 <= status < 300 or status == 304) or getattr(response, "exception", False):
            return response
        patch_vary_headers(response, credential_headers(request.authenticators or (), request))
        method = request.method or ""
        headers: dict[str, str] = {}
        if method in READ_METHODS:
            headers.update(conditions.validators)
            headers[CACHE_CONTROL] = self.get_cache_control()
        elif method == "PATCH" and conditions.looked_up is not None:
            # After a change the validators describe the new representation. A PUT gets
            # none: what is stored is not exactly what was sent.
            headers.update(self._validators(conditions.looked_up))
        elif response.status_code == 201 and conditions.serializer is not None:
            created = getattr(conditions.serializer, "instance", None)
            if isinstance(created, models.Model):
                headers.update(self._validators(created))
        for name, value in headers.items():
            response.setdefault(name, value)
        return response

    # API description (descriptions.py)

    def describe_operation(self, operation: Operation) -> OperationDescription:
        """The preconditions, validators and statuses this mixin gives ``operation``."""
        model = operation.model
        tracks = model is not None and bool(
            self.get_version_field(model) or self.get_last_modified_field(model)
        )
        target = target_of(
            operation.method,
            action=operation.action,
            detail=operation.detail,
            lists=operation.lists and tracks,
            creates=operation.creates,
        )
        if target is None:
            return inherited(super(), operation)
        problems: tuple[type[Any], ...] = (PreconditionFailed,)
        if target is Target.WRITE and operation.method in GUARDED_METHODS:
            # Missing and required: 428; missing and optional: a concurrent change is 409.
            problems += (PreconditionRequired if self.is_precondition_required() else Conflict,)
        reads = target in (Target.OBJECT_READ, Target.LIST_READ)
        if reads:
            carried: tuple[int, ...] = (200, 304)
        elif target is Target.CREATE:
            carried = (201,)
        else:
            # The new state's validators; a PUT's none: what is stored is not what was sent.
            carried = (200,) if operation.method == "PATCH" else ()
        validators = [ETAG] if carried else []
        last_modified = tracks and bool(self.get_last_modified_field(model))
        if validators and target is not Target.LIST_READ and last_modified:
            validators.append(LAST_MODIFIED)
        own = OperationDescription(
            tuple(
                HeaderParameter(h.name, h.description)
                for h in PRECONDITION_HEADERS
                if target in h.targets
            ),
            tuple(ResponseHeader(name, carried) for name in validators),
            problems,
            frozenset({304} if reads else ()),
        )
        return own | inherited(super(), operation)


def _not_modified(request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
    """The handler of a read whose preconditions are false: 304, no content."""
    return NotModifiedResponse()


_READ_OR_OPTIONS: Final = READ_METHODS | {"OPTIONS"}
_GUARDED_HANDLERS: Final = frozenset({"update", "partial_update", "destroy"})
_drfs_update: dict[type, bool] = {}


def _saves_in_drfs_update(view: type) -> bool:
    """Whether the view's PUT and PATCH run DRF's own ``update()`` and ``perform_update()``
    (with this mixin's), so that no class of the view's defines a step the one UPDATE skips."""
    known = _drfs_update.get(view)
    if known is None:
        known = all(
            inspect.unwrap(getattr(view, name)) is getattr(UpdateModelMixin, name)
            for name in ("update", "partial_update")
        ) and all(
            klass in (UpdateModelMixin, ConditionalUpdateMixin)
            for klass in view.__mro__
            if "perform_update" in vars(klass)
        )
        _drfs_update[view] = known
    return known


def _drf_own(view: type, mixin: type, name: str) -> bool:
    """Whether the view's ``name`` handler is DRF's ``mixin``'s, not overridden."""
    return issubclass(view, mixin) and getattr(view, name) is getattr(mixin, name)


def _localized(renderer: Any) -> bool:
    """Whether the renderer's output changes with the language: pages for people do; data is
    the same in every language."""
    return renderer is not None and str(renderer.media_type).startswith("text/html")


def has_field(model: type[models.Model], name: str) -> bool:
    """Whether ``model`` has a field ``name``, by the documented ``Options.get_field``."""
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True
