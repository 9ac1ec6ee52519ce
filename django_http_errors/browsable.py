"""The browsable API for a person: its forms write the representation the page shows.

DRF's page submits its PUT, PATCH and DELETE forms with ``ajax-form.js``, which sends no
precondition, so a view that requires one answers them 428. This renderer's page sends the ETag
of the representation it shows as ``If-Match`` with each of them: the person's edit goes through
while nobody else changed the resource, and is refused with 412 (the problem shown in the page)
when somebody did. The server decides as it does for any client; the page only says what the
person saw.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from rest_framework import renderers
from rest_framework.status import HTTP_201_CREATED as CREATED

from .etags import parse_etag
from .http_names import ETAG, GUARDED_METHODS, IF_MATCH

__all__ = ["BrowsableAPIRenderer", "shown_etag"]


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API whose forms send the shown representation's ETag as ``If-Match``."""

    template = "django_http_errors/browsable_api.html"

    def get_context(
        self, data: Any, accepted_media_type: str | None, renderer_context: Mapping[str, Any]
    ) -> dict[str, Any]:
        """DRF's context, and ``if_match``: what the page's writes send (see the template)."""
        context = super().get_context(data, accepted_media_type, renderer_context)
        request = renderer_context.get("request")
        etag = shown_etag(data, renderer_context.get("response"), renderer_context.get("view"))
        context["if_match"] = {
            "header": IF_MATCH,
            "etag": etag,
            "methods": sorted(GUARDED_METHODS),
            "url": request.get_full_path() if request is not None else None,
        }
        return context


def shown_etag(data: Any, response: Any, view: Any) -> str | None:
    """The strong ETag of the representation a successful answer shows, ``None`` for others.

    A read answers it in ``ETag``. A PUT answers none (what is stored is not exactly what was
    sent), yet its page shows the stored state, whose ETag the view tells (``get_etag`` of
    ``ConditionalUpdateMixin``). A 201's ETag is the created resource's, at its ``Location``,
    not the page's. An error page shows no representation: the person reloads to see the
    current one before writing again. A weak ETag never matches ``If-Match``.
    """
    status = getattr(response, "status_code", 0)
    if not 200 <= status < 300 or status == CREATED:
        return None
    etag = response.get(ETAG) if response is not None else None
    if etag is None:
        instance = getattr(getattr(data, "serializer", None), "instance", None)
        get_etag = getattr(view, "get_etag", None)
        if isinstance(instance, models.Model) and callable(get_etag):
            etag = get_etag(instance)
    parsed = parse_etag(etag) if isinstance(etag, str) else None
    return etag if parsed is not None and not parsed.weak else None
