"""The search index that publishing notifies, over HTTP, each call within one deadline.

What a draft's publication sends is recorded first (``SentCopy``, committed before the call),
so that no copy of a draft outlives a failed or crashed publication: the publication deletes
its record as it commits, or withdraws the copy; whoever finds a record left behind (the next
publication of the article, ``withdraw_unpublished_copies``) withdraws it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_http_errors.exceptions import Conflict, GatewayTimeout
from django_http_errors.upstream import request_with_httpx

from .models import Article, SentCopy

logger = logging.getLogger(__name__)

WITHDRAWN_MEANWHILE = _(
    "The search index's copy of the article was withdrawn while this publication waited for "
    "it: nothing was published. Publish it again."
)


def record_sent(article: Article) -> SentCopy:
    """Record, in a transaction of its own, that a copy of the draft is about to be sent."""
    with transaction.atomic():
        sent: SentCopy = SentCopy.objects.create(article_id=article.pk, sent_at=timezone.now())
    return sent


def keep_sent(sent: SentCopy) -> None:
    """In the publication's transaction: the copy now stands for a published article.

    ``Conflict`` (409) if the record is gone: someone withdrew the copy meanwhile (the
    publication outlasted ``withdraw_unpublished_copies``' grace), so the article must stay
    a draft.
    """
    deleted, _rows = SentCopy.objects.filter(pk=sent.pk).delete()
    if not deleted:
        raise Conflict(WITHDRAWN_MEANWHILE)


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


def withdraw_from_search_index(article_id: int, up_to: int) -> bool:
    """DELETE the article's copy from the index; then its records up to ``up_to`` are done.

    Best effort within ``SEARCH_INDEX_TIMEOUT``, never raises: a failure is logged and the
    records are kept, for the next publication or ``withdraw_unpublished_copies`` to try
    again; the error that made the publication fail is the one that answers. A record sent
    after ``up_to`` belongs to a publication still running, and is left to it.
    """
    url = settings.SEARCH_INDEX_URL
    if url:
        # Imported where it is needed, as django_http_errors.upstream imports it: a server
        # process that never calls the index never pays for it.
        import httpx

        try:
            response = request_with_httpx(
                "DELETE", f"{url}{article_id}/", timeout=settings.SEARCH_INDEX_TIMEOUT
            )
            if response.status_code != 404:  # a copy it never stored is withdrawn already
                response.raise_for_status()
        except (httpx.HTTPError, GatewayTimeout):
            logger.warning(
                "could not withdraw article %s from the search index", article_id, exc_info=True
            )
            return False
    SentCopy.objects.filter(article_id=article_id, pk__lte=up_to).delete()
    return True


@dataclass
class Recovered:
    """What ``withdraw_left_behind()`` did, by article."""

    withdrawn: list[int]
    kept: list[int]
    failed: list[int]


def withdraw_left_behind(older_than: timedelta) -> Recovered:
    """Withdraw every copy whose record is older than ``older_than``: the publication that
    sent it is over (failed, or its worker killed) without taking it back.

    A published article keeps its copy (a later publication sent it anew): only its records
    go. An article with a more recent record is being published: it is left for the next run.
    """
    recovered = Recovered([], [], [])
    stale = (
        SentCopy.objects.filter(sent_at__lte=timezone.now() - older_than)
        .values("article_id")
        .annotate(up_to=Max("pk"))
        .order_by("article_id")
    )
    for row in stale:
        article_id, up_to = row["article_id"], row["up_to"]
        if Article.objects.filter(pk=article_id, published=True).exists():
            SentCopy.objects.filter(article_id=article_id, pk__lte=up_to).delete()
            recovered.kept.append(article_id)
        elif SentCopy.objects.filter(article_id=article_id, pk__gt=up_to).exists():
            continue
        elif withdraw_from_search_index(article_id, up_to):
            recovered.withdrawn.append(article_id)
        else:
            recovered.failed.append(article_id)
    return recovered
