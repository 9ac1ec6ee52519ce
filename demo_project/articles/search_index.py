"""The search index that publishing notifies, over HTTP."""

from __future__ import annotations

import httpx
from django.conf import settings

from .models import Article


def notify_search_index(article: Article) -> None:
    """POST the article to ``SEARCH_INDEX_URL``; an error or a timeout propagates as raised.

    django-http-errors answers a refused connection or an error status with 502 and a timeout
    with 504, so the caller needs no error handling of its own.
    """
    url = settings.SEARCH_INDEX_URL
    if not url:
        return
    response = httpx.post(
        url,
        json={"id": article.pk, "title": article.title, "body": article.body},
        timeout=settings.SEARCH_INDEX_TIMEOUT,
    )
    response.raise_for_status()
