"""The validators of a model object or a list: ETag and Last-Modified, from plain values.

No view needed: the mixin resolves its fields, its representation and its variant, and asks
these functions. ``validator_headers`` is what an answer carries of them.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple
from urllib.parse import quote

from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone

from django_http_errors.etags import quote_etag
from django_http_errors.http_names import ETAG, LAST_MODIFIED

from .dates import last_modified_to_send, validator_second

__all__ = [
    "RendererKind",
    "changed_second",
    "changing_fields",
    "collection_etag",
    "field_or_none",
    "has_field",
    "last_modified_of",
    "localized",
    "state_tag",
    "validator_headers",
    "variant_suffix",
    "variant_suffixes",
]


def has_field(model: type[models.Model], name: str) -> bool:
    """Whether ``model`` has a field ``name``, by the documented ``Options.get_field``."""
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def field_or_none(model: type[models.Model], name: str | None) -> str | None:
    """``name`` if ``model`` has such a field, else ``None``."""
    return name if name and has_field(model, name) else None


def state_tag(
    obj: Any, version_field: str | None, representation: Callable[[], Mapping[str, Any]]
) -> str:
    """The opaque part of an ETag that names ``obj``'s state, without the variant.

    From the primary key and the version; without a version field, a hash of the
    representation (``representation()`` is only called then).
    """
    if version_field is None:
        content = json.dumps(representation(), cls=DjangoJSONEncoder, sort_keys=True).encode()
        return hashlib.sha256(content).hexdigest()[:32]
    # Percent-encoding keeps any primary key inside etagc; an integer's digits need none (a
    # list asks this of each item).
    pk = obj.pk
    key = str(pk) if type(pk) is int else quote(str(pk), safe="")
    return f"{key}.{getattr(obj, version_field)}"


def changing_fields(first: Mapping[str, Any], again: Mapping[str, Any]) -> list[str]:
    """The members that differ between two serializations of one unchanged row: a hash ETag
    of them changes on every read, so If-None-Match never gives 304 and If-Match always fails."""
    return sorted(
        name for name in first.keys() | again.keys() if first.get(name) != again.get(name)
    )


def last_modified_of(obj: Any, field: str | None, *, clock_skew: int) -> float | None:
    """``obj``'s Last-Modified as POSIX seconds, ``None`` when it has none (RFC 9110 §8.8.2).

    The stored change date is stamped by one app server's clock, and a client may hold dates
    from others (``Date``, the body's dates): the date the preconditions stand behind is the
    first whole second after the change by every server's clock (see ``validator_second``).
    """
    value = getattr(obj, field, None) if field else None
    if not isinstance(value, datetime):
        return None
    return changed_second(value, clock_skew=clock_skew)


def changed_second(changed: datetime, *, clock_skew: int) -> float:
    """The ``validator_second`` of a change date; a naive one is in the current time zone."""
    if timezone.is_naive(changed):
        changed = timezone.make_aware(changed)
    return validator_second(changed.timestamp(), clock_skew=clock_skew)


def collection_etag(
    queryset: QuerySet[Any],
    *,
    version_field: str | None,
    last_modified_field: str | None,
    scope: Sequence[Any],
    variant: str,
) -> str | None:
    """A weak ETag of a list from one aggregate query, ``None`` when nothing tracks changes.

    Count, newest change and sum of versions change with every insert, update and delete;
    ``scope`` (path, query string, user) and the ``variant`` tell apart the lists of one
    queryset.
    """
    if version_field is None and last_modified_field is None:
        return None
    if queryset.query.combinator or queryset.query.distinct_fields:
        # Django cannot aggregate over union() or DISTINCT ON: such a list has no cheap ETag.
        return None
    aggregates: dict[str, Any] = {"count": Count("pk")}
    if isinstance(queryset.model._meta.pk, models.IntegerField):
        aggregates["max_pk"] = Max("pk")
    if version_field is not None:
        aggregates["versions"] = Sum(version_field)
    if last_modified_field is not None:
        aggregates["newest"] = Max(last_modified_field)
    state = queryset.order_by().aggregate(**aggregates)
    content = json.dumps([*scope, sorted(state.items()), variant], cls=DjangoJSONEncoder)
    return quote_etag(hashlib.sha256(content.encode()).hexdigest()[:32], weak=True)


def localized(renderer: Any) -> bool:
    """Whether the renderer's output changes with the language: pages for people do; data is
    the same in every language."""
    return renderer is not None and str(renderer.media_type).startswith("text/html")


def variant_suffix(
    renderer: Any, language: str | None, *, first_format: str | None, default_language: str
) -> str:
    """What tells a representation's ETag from the others of the same state: its format
    unless it is the view's first, and a page's language unless it is the default."""
    parts = []
    if renderer is not None and first_format is not None and renderer.format != first_format:
        parts.append(str(renderer.format))
    if localized(renderer) and language and language != default_language:
        parts.append(language)
    return "".join(f"-{quote(part, safe='')}" for part in parts)


class RendererKind(NamedTuple):
    """What a variant's suffix reads of a renderer."""

    format: str | None
    media_type: str


@functools.lru_cache(maxsize=256)
def variant_suffixes(
    kinds: tuple[RendererKind, ...], languages: tuple[str, ...], default_language: str
) -> tuple[str, ...]:
    """The suffixes of every representation of a view whose renderers are ``kinds``, in every
    language a page has: worked out once for each such view, not on each failed If-Match."""
    first = kinds[0].format if kinds else None
    suffixes = {
        variant_suffix(kind, language, first_format=first, default_language=default_language)
        for kind in kinds
        for language in (languages if localized(kind) else (None,))
    }
    return tuple(sorted(suffixes))


def validator_headers(etag: str, last_modified: float | None, *, now: float) -> dict[str, str]:
    """The ETag and, once its second has come, the Last-Modified an answer carries."""
    headers = {ETAG: etag}
    sent = last_modified_to_send(last_modified, now=now)
    if sent is not None:
        headers[LAST_MODIFIED] = sent
    return headers
