"""Serializer fields that carry HTTP validators in the representation."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

__all__ = ["ETagField"]


class ETagField(serializers.CharField):
    """Read-only: the object's ETag, the same entity-tag as the view's ETag header.

    The view in the serializer context computes it (``ConditionalUpdateMixin.get_etag``), so
    list items and PUT responses, which carry no ETag header, give their validator too.
    Outside such a view the field is ``null``.
    """

    def __init__(self, **kwargs: Any) -> None:
        """Read the whole object; never written by clients."""
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str | None:  # type: ignore[override]
        """Ask the view for the object's ETag."""
        get_etag = getattr(self.context.get("view"), "get_etag", None)
        if get_etag is None:
            return None
        etag: str = get_etag(value)
        return etag
