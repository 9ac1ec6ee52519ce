"""The article list's query string: filters, search, ordering and pages (the demo's contract)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField

from django_http_errors.query import PageNumberPagination

from .models import Article

#: An RFC 3339 date-time (§5.6): a date, "T", a time with seconds, and an offset or "Z".
RFC3339_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


class RFC3339DateTimeField(IsoDateTimeField):
    """django-filter's ISO 8601 field, read as RFC 3339 only: a date alone, a time without an
    offset (whose zone the server would have to guess), a week date or the basic format are
    400, not read as something the client may not have meant."""

    def to_python(self, value: Any) -> datetime | None:
        if isinstance(value, str) and value.strip():
            text = value.strip()
            if not RFC3339_DATE_TIME.fullmatch(text):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            # RFC 3339 allows "t" and "z" (§5.6); Python's ISO parser wants them upper-case.
            value = text.upper()
        parsed: datetime | None = super().to_python(value)
        return parsed


class RFC3339DateTimeFilter(filters.IsoDateTimeFilter):
    """``IsoDateTimeFilter`` with ``RFC3339DateTimeField``."""

    field_class = RFC3339DateTimeField


class ArticleFilter(filters.FilterSet):
    """``owner``, ``published``, ``updated_after`` and ``updated_before``."""

    # A username that matches nobody is an empty list, not a 400: the list does not tell which
    # users exist.
    owner = filters.CharFilter(
        field_name="owner__username", help_text="The articles of the user with this username."
    )
    published = filters.BooleanFilter(help_text="true: published articles; false: drafts.")
    updated_after = RFC3339DateTimeFilter(
        field_name="updated_at",
        lookup_expr="gt",
        help_text="Articles changed after this RFC 3339 date-time.",
    )
    updated_before = RFC3339DateTimeFilter(
        field_name="updated_at",
        lookup_expr="lt",
        help_text="Articles changed before this RFC 3339 date-time.",
    )

    class Meta:
        model = Article
        fields = ["owner", "published", "updated_after", "updated_before"]


class ArticlePages(PageNumberPagination):
    """20 articles a page by default, ``page_size`` from 1 to 100."""

    page_size_query_param = "page_size"
    max_page_size = 100
