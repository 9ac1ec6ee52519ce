"""``ConditionalUpdateMixin``: the DRF wiring of conditional requests over named parts
(``view_validators``, ``view_preconditions``, ``view_writes``, and ``answers`` here), and a
write that never loses an update because the check and the write are one step in the
database."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponseBase
from django.utils.cache import patch_vary_headers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.views import APIView

from django_http_errors.challenges import credential_headers
from django_http_errors.descriptions import (
    HeaderParameter,
    Operation,
    OperationDescription,
    ResponseHeader,
    inherited,
)
from django_http_errors.exceptions import Conflict, PreconditionFailed, PreconditionRequired
from django_http_errors.http_names import ETAG, GUARDED_METHODS, LAST_MODIFIED
from django_http_errors.negotiation import refuses_every_representation

from . import answers, decisions
from .preconditions import PRECONDITIONS
from .targets import Target, target_of
from .view_writes import ViewWrites

__all__ = ["ConditionalUpdateMixin"]


class ConditionalUpdateMixin(ViewWrites):
    """ETag, Last-Modified, 304/412/428 (RFC 9110 §13.2) and compare-and-swap writes for DRF views.

    Mix it in before DRF's classes (another order is refused as the class is created):
    ``class V(ConditionalUpdateMixin, ModelViewSet)``. Preconditions are evaluated in
    ``get_object()``, after the lookup and the object permission check and before the request
    body is parsed. In a write handler (``update``, ``partial_update``, ``destroy``: DRF's or
    the view's own) the row is claimed right after the lookup, in the write's transaction, so
    whatever the view, its mixins, serializer, model or signals then write is guarded; so in a
    generic view's own ``put()``, ``patch()`` and ``delete()``. Custom actions that write use
    ``conditional_write()`` (or ``perform_update()``). Only a ``GenericAPIView`` is accepted:
    another view never calls ``get_object()``.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if issubclass(cls, APIView) and not issubclass(cls, GenericAPIView):
            # Its hooks live in get_object(), which an APIView or a ViewSet never calls: every
            # request would pass unguarded, while the class looks protected.
            raise ImproperlyConfigured(
                f"{cls.__qualname__} mixes ConditionalUpdateMixin into a view that is no "
                "GenericAPIView: without get_object() no precondition is evaluated and no "
                "write is guarded. Use a GenericAPIView (generics.*, GenericViewSet, "
                "ModelViewSet), or django_http_errors.decorators.conditional on an APIView's "
                "methods."
            )

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        """DRF's serializer, remembered so a 201 can carry the created object's ETag."""
        self._conditions.serializer = serializer = super().get_serializer(*args, **kwargs)
        return serializer

    def answer_before_finalizing(self, response: HttpResponseBase) -> HttpResponseBase:
        """The 304 or 412 decided, in a 2xx's place (a handler that decided late worked for
        nothing); not in a read's with content for a client that accepts only problems, which
        is 406 whatever its preconditions (``negotiation.refuses_every_representation``)."""
        response = super().answer_before_finalizing(response)
        conditions = self._conditions
        if not (conditions.not_modified or conditions.failed) or not (
            200 <= response.status_code < 300
        ):
            return response
        if getattr(response, "data", None) is not None and refuses_every_representation(
            self.request
        ):
            return response
        if conditions.failed is not None:
            return self.handle_exception(conditions.failed)
        return decisions.NotModifiedResponse()

    def answer_after_finalizing(
        self, request: Request, response: HttpResponseBase
    ) -> HttpResponseBase:
        """The validators of a success, and Cache-Control (``answers.answer_headers``)."""
        response = super().answer_after_finalizing(request, response)
        if not answers.is_described(response):
            return response
        patch_vary_headers(response, credential_headers(request.authenticators or (), request))
        conditions = self._conditions
        headers = answers.answer_headers(
            request.method or "",
            response.status_code,
            read=conditions.validators,
            cache_control=self.get_cache_control,
            changed=conditions.looked_up,
            created=getattr(conditions.serializer, "instance", None),
            validators_of=self._validators,
        )
        answers.set_absent(response, headers)
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
                HeaderParameter(kind.name, kind.description)
                for kind in PRECONDITIONS
                if target in kind.targets
            ),
            tuple(ResponseHeader(name, carried) for name in validators),
            problems,
            frozenset({304} if reads else ()),
        )
        return own | inherited(super(), operation)
