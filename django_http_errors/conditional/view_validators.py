"""A conditional view's configuration and validators: the view's side of ``validators``.

Each method is a hook a view may override (``get_etag()``, ``get_version_field()``, ...); each
resolves the view's settings and representation, and asks the plain functions of
``validators`` for the value.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import QuerySet
from django.utils import translation

from django_http_errors.conf import SETTING_NAME, get_settings, user_settings
from django_http_errors.etags import quote_etag
from django_http_errors.serializers import ETagField

from . import validators
from .blind_writes import Requirement, requirement

if TYPE_CHECKING:
    from rest_framework.generics import GenericAPIView

    _View = GenericAPIView[Any]
else:
    _View = object

__all__ = ["ViewValidators"]

logger = logging.getLogger("django_http_errors.mixins")
#: No attribute of the view's own.
_NONE: Any = object()


def explicit_source(attribute: str, setting: str, given: str | None) -> str | None:
    """Where a field's name was given, if it was given at all: the view's ``attribute`` (its
    value ``given``), or ``setting`` in ``HTTP_ERRORS``; ``None`` for the default name."""
    if given is not None:
        return attribute
    if setting in user_settings():
        return f"{SETTING_NAME}[{setting!r}]"
    return None


class ViewValidators(_View):
    """The settings of ``ConditionalUpdateMixin`` and the validators of a view's objects."""

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

    def get_version_field(self, model: type[models.Model]) -> str | None:
        """The model's version field, or ``None`` when it has none.

        A name given explicitly (``version_field``, or ``HTTP_ERRORS["VERSION_FIELD"]``) that
        the model lacks raises ``ImproperlyConfigured``: check E010 finds it at startup where a
        view names its model (``queryset``, the serializer's), and this where only
        ``get_queryset()`` does. Silently, the ETags would be hashes.
        """
        given = self.version_field or None
        name = given or get_settings().VERSION_FIELD
        found = validators.field_or_none(model, name)
        if found is None and name:
            self._refuse_missing_field(model, "version_field", "VERSION_FIELD", given, name)
        return found

    def get_last_modified_field(self, model: type[models.Model]) -> str | None:
        """The model's Last-Modified field, or ``None`` when it sends none (refused as
        ``get_version_field()`` refuses, when named explicitly and missing)."""
        given = self.last_modified_field
        name = get_settings().LAST_MODIFIED_FIELD if given is None else given
        found = validators.field_or_none(model, name)
        if found is None and name:
            self._refuse_missing_field(
                model, "last_modified_field", "LAST_MODIFIED_FIELD", given, name
            )
        return found

    def _refuse_missing_field(
        self,
        model: type[models.Model],
        attribute: str,
        setting: str,
        given: str | None,
        name: str,
    ) -> None:
        """E010 at request time: an explicit name of a field ``model`` lacks."""
        source = explicit_source(attribute, setting, given)
        if source is None:
            return  # the default name, which a model may lack: the documented fallbacks
        raise ImproperlyConfigured(
            f"{type(self).__qualname__}: {source} names {name!r}, which "
            f"{model._meta.label} has no field of, so the view would silently go without it "
            "(django_http_errors.E010)."
        )

    def is_precondition_required(self) -> bool:
        """Whether PUT, PATCH and DELETE must be conditional, else 428 Precondition Required."""
        return requirement(self.precondition_required) is True

    def get_cache_control(self) -> str:
        """``Cache-Control`` for reads: revalidate, never guess a freshness (RFC 9111 §4.2.2)."""
        given = self.cache_control
        return get_settings().CACHE_CONTROL if given is None else given

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

    def get_last_modified(self, obj: Any) -> float | None:
        """``obj``'s Last-Modified as POSIX seconds, ``None`` when it has none (see
        ``validators.last_modified_of``)."""
        field = self.get_last_modified_field(type(obj))
        return validators.last_modified_of(obj, field, clock_skew=get_settings().CLOCK_SKEW)

    def get_collection_etag(self, queryset: QuerySet[Any]) -> str | None:
        """A weak ETag of a list from one aggregate query, ``None`` when nothing tracks changes;
        the query string (page, filters), the user (visibility) and the variant are part of it."""
        user = getattr(self.request, "user", None)
        return validators.collection_etag(
            queryset,
            version_field=self.get_version_field(queryset.model),
            last_modified_field=self.get_last_modified_field(queryset.model),
            scope=[
                self.request.path,
                self.request.META.get("QUERY_STRING", ""),
                getattr(user, "pk", None),
            ],
            variant=self._variant,
        )

    def _validators(self, obj: Any, etag: str | None = None) -> dict[str, str]:
        """The ETag and Last-Modified an answer about ``obj`` carries."""
        return self._validator_headers(etag or self.get_etag(obj), self.get_last_modified(obj))

    def _validator_headers(self, etag: str, last_modified: float | None) -> dict[str, str]:
        """The headers of validators already computed (``_validators`` computes them)."""
        return validators.validator_headers(etag, last_modified, now=time.time())

    def _state_tag(self, obj: Any) -> str:
        def representation() -> dict[str, Any]:
            data = self._hashed_representation(obj)
            if settings.DEBUG:
                self._warn_if_unstable(obj, data)
            return data

        return validators.state_tag(obj, self.get_version_field(type(obj)), representation)

    def _hashed_representation(self, obj: Any) -> dict[str, Any]:
        """What a hash ETag covers: ``etag_fields`` of the representation, or all of it but the
        ETag itself (no part of what it is computed from)."""
        serializer_class = self._shown_with()
        serializer = serializer_class(obj, context=self.get_serializer_context())
        fields = getattr(serializer, "fields", {})
        for name in [name for name, f in fields.items() if isinstance(f, ETagField)]:
            fields.pop(name)
        if self.etag_fields is not None:
            for name in [name for name in fields if name not in self.etag_fields]:
                fields.pop(name)
        return dict(serializer.data)

    def _shown_with(self) -> Any:
        """The serializer class a viewset's GET of the object shows it with (its
        ``retrieve``'s), where ``get_serializer_class()`` chooses by ``self.action``: a hash of a
        write's or a list's own serializer would match no ETag a GET gave. A view that knows
        no ``retrieve`` (``serializer_classes[self.action]`` without one) hashes the action's
        own."""
        action = getattr(self, "action", None)
        if action is None or action == "retrieve":
            return self.get_serializer_class()
        # An action's own serializer_class (``@action(serializer_class=...)``) is set on the
        # instance by DRF, over the class's: the read's is the class's. One set on the instance
        # otherwise (``as_view(serializer_class=...)``, a ``dispatch()`` of the view's) is the
        # route's, for its reads too.
        own = _NONE
        given = getattr(getattr(self, action, None), "kwargs", None) or {}
        if "serializer_class" in given and vars(self).get("serializer_class") is given.get(
            "serializer_class"
        ):
            own = vars(self).pop("serializer_class")
        self.action = "retrieve"
        try:
            # The view's own choice may refuse an action it has no route for: then the action's.
            with contextlib.suppress(Exception):
                return self.get_serializer_class()
        finally:
            self.action = action
            if own is not _NONE:
                self.serializer_class = own
        return self.get_serializer_class()

    def _warn_if_unstable(self, obj: Any, data: dict[str, Any]) -> None:
        """In DEBUG, warn when two serializations of one unchanged row differ."""
        changing = validators.changing_fields(data, self._hashed_representation(obj))
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
        """This representation's suffix; once per request, as a list asks for each item."""
        renderer = getattr(self.request, "accepted_renderer", None)
        renderers = self.get_renderers()
        first = renderers[0].format if renderers else None
        return validators.variant_suffix(
            renderer,
            translation.get_language(),
            first_format=first,
            default_language=settings.LANGUAGE_CODE,
        )

    def _variants(self) -> tuple[str, ...]:
        """The variant suffixes of every representation this view renders."""
        return validators.variant_suffixes(
            tuple(
                validators.RendererKind(r.format, str(r.media_type)) for r in self.get_renderers()
            ),
            tuple(code for code, _name in settings.LANGUAGES),
            settings.LANGUAGE_CODE,
        )
