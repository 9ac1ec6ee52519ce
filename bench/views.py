"""The views each benchmark case runs, one class per variant."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from drf_idempotency import idempotent
from rest_framework import serializers, viewsets
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_extensions.etag.mixins import APIRetrieveETAGMixin
from rest_framework_extensions.utils import default_api_object_etag_func

from bench.models import LockedArticle
from demo_project.articles.models import Article
from demo_project.articles.serializers import ArticleSerializer
from demo_project.articles.views import ArticleViewSet
from django_http_errors.permissions import HiddenFilter

Handler = Callable[[Exception, dict[str, Any]], Response | None]


def floor(request: HttpRequest) -> HttpResponse:
    """A bare Django view returning a fixed response: the floor under every case."""
    return HttpResponse(b'{"status": "ok"}', content_type="application/json")


class TenFields(serializers.Serializer[Any]):
    """Ten required fields: an empty body gives ten field errors."""

    f0 = serializers.CharField()
    f1 = serializers.CharField()
    f2 = serializers.CharField()
    f3 = serializers.CharField()
    f4 = serializers.CharField()
    f5 = serializers.CharField()
    f6 = serializers.CharField()
    f7 = serializers.CharField()
    f8 = serializers.CharField()
    f9 = serializers.CharField()


class Item(serializers.Serializer[Any]):
    """One item of a nested list; a blank name is an error."""

    name = serializers.CharField()


class Items(serializers.Serializer[Any]):
    """A body with a list of items: N blank names give N nested errors."""

    items = Item(many=True)


class ValidationView(APIView):
    """400: validates the body against ``serializer_class``."""

    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class: type[serializers.Serializer[Any]] = TenFields

    def post(self, request: Request) -> Response:
        self.serializer_class(data=request.data).is_valid(raise_exception=True)
        return Response(status=204)


class NestedValidationView(ValidationView):
    """400 with one error per item of a long list."""

    serializer_class = Items


class NotFoundView(APIView):
    """404: Django's ``Http404`` raised in a DRF view."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise Http404("No Article matches the given query.")


class NotAuthenticatedView(APIView):
    """401 (403 in plain DRF): Session first, as DRF's default, and an anonymous request."""

    authentication_classes = [SessionAuthentication, BasicAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


def with_handler(view: type[APIView], handler: Handler) -> Callable[..., Any]:
    """The view's ``as_view()`` with ``handler`` as its exception handler."""
    variant = type(view.__name__, (view,), {"get_exception_handler": lambda self: handler})
    return variant.as_view()


def handlers() -> dict[str, Handler]:
    """The exception handlers compared, by the name the tables print."""
    from drf_standardized_errors.handler import exception_handler as standardized
    from rest_framework.views import exception_handler as drf_default

    from django_http_errors.handlers import exception_handler as ours

    return {
        "django-http-errors": ours,
        "drf default": drf_default,
        "drf-standardized": standardized,
    }


#: The error views under each handler, routed (bench/urls.py) for full requests.
ERROR_VIEWS: dict[str, type[APIView]] = {
    "400": ValidationView,
    "404": NotFoundView,
    "401": NotAuthenticatedView,
}


class PlainArticleSerializer(serializers.ModelSerializer[Article]):
    """The demo's article fields, without the validator field."""

    class Meta:
        model = Article
        fields = ["id", "title", "body", "published", "version", "created_at", "updated_at"]
        read_only_fields = ["published", "version", "created_at", "updated_at"]


class PlainArticleViewSet(viewsets.ModelViewSet[Article]):
    """The demo's viewset without ConditionalUpdateMixin: DRF's check-then-write PUT."""

    serializer_class = ArticleSerializer
    permission_classes = ArticleViewSet.permission_classes
    # The demo's drafts are hidden by its permission, which HiddenFilter reads; it has no
    # get_queryset() of its own since then.
    queryset = ArticleViewSet.queryset
    filter_backends = [HiddenFilter]

    def perform_update(self, serializer: serializers.BaseSerializer[Article]) -> None:
        instance = serializer.instance
        assert instance is not None
        serializer.save(version=instance.version + 1)


class DrfDefaultArticleViewSet(PlainArticleViewSet):
    """The demo's articles as DRF's defaults serve them: DRF's handler, no conditional mixin."""

    def get_exception_handler(self) -> Handler:
        from rest_framework.views import exception_handler

        return exception_handler

    def perform_create(self, serializer: serializers.BaseSerializer[Article]) -> None:
        serializer.save(owner=self.request.user)


class ExtensionsArticleViewSet(APIRetrieveETAGMixin, viewsets.ReadOnlyModelViewSet[Article]):
    """drf-extensions' ETag on the same model: a hash of the instance's values."""

    queryset = Article.objects.all()
    serializer_class = PlainArticleSerializer
    permission_classes = [AllowAny]
    api_object_etag_func = default_api_object_etag_func


class LockedArticleSerializer(serializers.ModelSerializer[LockedArticle]):
    """django-concurrency checks the ``version`` the client sends."""

    class Meta:
        model = LockedArticle
        fields = ["id", "title", "body", "version"]


class LockedArticleViewSet(viewsets.ModelViewSet[LockedArticle]):
    """django-concurrency's optimistic lock under a DRF ModelViewSet."""

    queryset = LockedArticle.objects.all()
    serializer_class = LockedArticleSerializer
    permission_classes = [AllowAny]


def slow_upstream(request: Request) -> None:
    """With ``?slow=1``, call the search index before writing: a create slower than a lease."""
    if request.query_params.get("slow") and settings.SEARCH_INDEX_URL:
        httpx.post(settings.SEARCH_INDEX_URL, json={}, timeout=30)


class KeyedArticleViewSet(ArticleViewSet):
    """The demo's create under ``IdempotencyMixin``, slowed on request."""

    def perform_create(self, serializer: serializers.BaseSerializer[Article]) -> None:
        slow_upstream(self.request)
        super().perform_create(serializer)


class PlainCreateViewSet(viewsets.ModelViewSet[Article]):
    """The demo's create in plain DRF, for drf-idempotency's middleware to guard."""

    serializer_class = ArticleSerializer
    permission_classes = ArticleViewSet.permission_classes
    # The demo's drafts are hidden by its permission, which HiddenFilter reads; it has no
    # get_queryset() of its own since then.
    queryset = ArticleViewSet.queryset
    filter_backends = [HiddenFilter]
    get_success_headers = ArticleViewSet.get_success_headers

    def perform_create(self, serializer: serializers.BaseSerializer[Article]) -> None:
        slow_upstream(self.request)
        serializer.save(owner=self.request.user)


class PeerIdempotentArticleViewSet(PlainCreateViewSet):
    """drf-idempotency's ``@idempotent()`` on a plain DRF create of the demo's articles."""

    @idempotent()
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)
