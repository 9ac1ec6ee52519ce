"""The article API, and the health endpoint."""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from django_http_errors.idempotency import IdempotencyMixin
from django_http_errors.mixins import ConditionalUpdateMixin
from django_http_errors.permissions import HiddenFilter, IsAdminUser, IsOwnerOrReadOnly
from django_http_errors.query import KnownQueryParametersMixin, OrderingFilter, SearchFilter
from django_http_errors.query.django_filter import DjangoFilterBackend

from .models import Article
from .permissions import CanSeeArticle
from .query import ArticleFilter, ArticlePages
from .search_index import (
    keep_sent,
    notify_search_index,
    record_sent,
    withdraw_from_search_index,
)
from .serializers import ArticleSerializer


class ArticleViewSet(
    KnownQueryParametersMixin,
    IdempotencyMixin,
    ConditionalUpdateMixin,
    viewsets.ModelViewSet[Article],
):
    """Articles: drafts are visible to their owner and staff only; writes are conditional."""

    queryset = Article.objects.select_related("owner")
    serializer_class = ArticleSerializer
    # Creating and publishing honour an Idempotency-Key; PUT, PATCH and DELETE are idempotent.
    idempotent_methods = frozenset({"POST"})
    # Drafts are left out of the list and the lookups (404), so hidden exactly like a missing
    # article. When both deny a write, the first speaks: a stranger gets 403 "not_owner", not
    # "staff_only".
    permission_classes = [CanSeeArticle, IsOwnerOrReadOnly | IsAdminUser]
    # What the list shows, then what its query string asks for: each malformed value is 400,
    # and so is a parameter the list does not know (REFUSE_UNKNOWN_QUERY_PARAMETERS is on).
    filter_backends = [HiddenFilter, DjangoFilterBackend, SearchFilter, OrderingFilter]
    filterset_class = ArticleFilter
    search_fields = ["title", "body"]
    ordering_fields = ["id", "title", "created_at", "updated_at"]
    # No ``ordering``: without ?ordering= the model's (by id) applies, and DRF's filter does not
    # order again each lookup of one article, which Django's get() unorders.
    pagination_class = ArticlePages

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """A method this URL never allows is 405 with ``Allow`` for anyone (RFC 9110 §15.5.6)."""
        # DRF authenticates and checks permissions before it looks for the method's handler, so
        # an anonymous DELETE on the list would be a 401 that credentials could never cure.
        method = (request.method or "").lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise exceptions.MethodNotAllowed(request.method or "")
        super().initial(request, *args, **kwargs)

    def get_revalidation_queryset(self, queryset: QuerySet[Article]) -> QuerySet[Article]:
        """A revalidation's lookup leaves the owner out: the ETag (id and version), the
        Last-Modified and the permissions (``published``, ``owner_id``) read none of it."""
        without_owner: QuerySet[Article] = queryset.select_related(None)
        return without_owner

    def perform_create(self, serializer: BaseSerializer[Article]) -> None:
        # In the write's transaction, which also marks an Idempotency-Key written.
        with self.write_transaction(Article):
            serializer.save(owner=self.request.user)

    def get_success_headers(self, data: Any) -> dict[str, str]:
        """RFC 9110 §15.3.2: a 201 names the created resource in ``Location``."""
        location = reverse("article-detail", kwargs={"pk": data["id"]}, request=self.request)
        return {"Location": location}

    # Publishing reads no body; its other errors come from what it does, which no view
    # configuration shows: a concurrent change (409), the search index failing (502, 504).
    @extend_schema(
        request=None,
        responses={200: ArticleSerializer, 409: None, 502: None, 504: None},
    )
    @action(detail=True, methods=["post"])
    def publish(
        self, request: Request, pk: str | None = None, format: str | None = None
    ) -> Response:
        """Publish the article and notify the search index; nothing changes if that fails."""
        # The index is called outside any transaction (the demo has no ATOMIC_REQUESTS), so
        # no lock waits for it; the database change is then one short compare-and-swap.
        # A draft's copy is recorded before it is sent: should the call fail, or the swap lose
        # to a concurrent change, the copy is withdrawn; should the worker die, the record
        # outlives it, and the next publication or withdraw_unpublished_copies withdraws it.
        article = self.get_object()
        # A published article's copy is the index's to keep: nothing to take back.
        sent = None if article.published else record_sent(article)
        try:
            notify_search_index(article)
            with self.conditional_write(article):
                if sent is not None:
                    keep_sent(sent)
                article.published = True
                article.save()
        except Exception:
            if sent is not None:
                withdraw_from_search_index(article.pk, up_to=sent.pk)
            raise
        return Response(self.get_serializer(article).data)


class HealthView(APIView):
    """200 while every database answers; django-http-errors makes it a 503 when one does not."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        responses={200: inline_serializer("Health", {"status": serializers.CharField()})}
    )
    def get(self, request: Request) -> Response:
        """Check the service's health: whether every database answers."""
        # Every database the deployment reads from, the replica too: a server whose replica
        # is gone would answer most reads with 503, so it is not healthy.
        for alias in connections:
            connection = connections[alias]
            if not connection.in_atomic_block:
                # A connection kept from an earlier request (CONN_MAX_AGE) proves nothing of
                # the next one: the database is healthy if a new connection can be made.
                connection.close()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        return Response({"status": "ok"})
