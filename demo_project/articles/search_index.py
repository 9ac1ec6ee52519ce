"""The search index that publishing notifies, over HTTP, each call within one deadline."""

from __future__ import annotations

import logging

import httpx
from django.conf import settings

from django_http_errors.exceptions import GatewayTimeout
from django_http_errors.upstream import request_with_httpx

from .models import Article

logger = logging.getLogger(__name__)


def notify_search_index(article: Article) -> None:
    """POST the article to ``SEARCH_INDEX_URL``, all within ``SEARCH_INDEX_TIMEOUT`` seconds.

    Raises ``GatewayTimeout`` (504) past the deadline and httpx's error for a refused
    connection or an error status, which django-http-errors answers with 502.
    """
    url = settings.SEARCH_INDEX_URL
    if not url:
        return
    response = request_with_httpx(
        "POST",
        url,
        timeout=settings.SEARCH_INDEX_TIMEOUT,
        json={"id": article.pk, "title": article.title, "body": article.body},
    )
    response.raise_for_status()


def withdraw_from_search_index(article: Article) -> None:
    """DELETE the copy a failed publication may have left in the index; never raises.

    Best effort within its own ``SEARCH_INDEX_TIMEOUT``: a failure is logged, and the error
    that made the publication fail is the one that answers.
    """
    url = settings.SEARCH_INDEX_URL
    if not url:
        return
    try:
        response = request_with_httpx(
            "DELETE", f"{url}{article.pk}/", timeout=settings.SEARCH_INDEX_TIMEOUT
        )
        if response.status_code != 404:  # a copy it never stored is withdrawn already
            response.raise_for_status()
    except (httpx.HTTPError, GatewayTimeout):
        logger.warning(
            "could not withdraw article %s from the search index", article.pk, exc_info=True
        )
