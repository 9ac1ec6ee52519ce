"""``ConditionalUpdateMixin``: the DRF wiring of conditional requests over named parts
(``view_validators``, ``view_preconditions``, ``view_writes``, and ``answers`` here), and a
write that never loses an update because the check and the write are one step in the
database."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponseBase
from django.utils.cache import patch_vary_headers
from rest_framework.request import Request

from django_http_errors.challenges import credential_headers

from . import answers, decisions
from .view_writes import ViewWrites

__all__ = ["ConditionalUpdateMixin"]


class ConditionalUpdateMixin(ViewWrites):
    """ETag, Last-Modified, 304/412/428 (RFC 9110 §13.2) and compare-and-swap writes for DRF views.

    Mix it in before DRF's classes (another order is refused as the class is created):
    ``class V(ConditionalUpdateMixin, ModelViewSet)``. Preconditions are evaluated in
    ``get_object()``, after the lookup and the object permission check and before the request
    body is parsed. In a write handler (``update``, ``partial_update``, ``destroy``: DRF's or
    the view's own) the row is claimed right after the lookup, in the write's transaction, so
    whatever the view, its mixins, serializer, model or signals then write is guarded. Custom
    actions that write use ``conditional_write()``.
    """

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        """DRF's serializer, remembered so a 201 can carry the created object's ETag."""
        self._conditions.serializer = serializer = super().get_serializer(*args, **kwargs)
        return serializer

    def answer_before_finalizing(self, response: HttpResponseBase) -> HttpResponseBase:
        """The 304 decided, in a 2xx's place (a handler that decided late worked for nothing)."""
        response = super().answer_before_finalizing(response)
        if self._conditions.not_modified and 200 <= response.status_code < 300:
            return decisions.NotModifiedResponse()
        return response

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
