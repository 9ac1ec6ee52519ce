"""The article list's query string: filters, search, ordering and pages (the demo's contract)."""

from __future__ import annotations

from django_filters import rest_framework as filters

from django_http_errors.query import PageNumberPagination
from django_http_errors.query.django_filter import RFC3339DateTimeFilter

from .models import Article


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
    # The contract's pages are numbers: DRF's "last" is not one.
    last_page_strings = ()
