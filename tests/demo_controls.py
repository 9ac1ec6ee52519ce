"""Plain DRF over the demo's articles: the control of the demo's races (test_demo_concurrency.py).

Served beside the demo by ``tests/urls.py``; the library's own tests never use it.
"""

from __future__ import annotations

from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter
from rest_framework.serializers import BaseSerializer

from demo_project.articles.models import Article


class PlainArticleSerializer(serializers.ModelSerializer[Article]):
    """The article as plain DRF users write it."""

    class Meta:
        model = Article
        fields = ["id", "title", "body", "version"]
        read_only_fields = ["version"]


class PlainArticleViewSet(viewsets.ModelViewSet[Article]):
    """Plain DRF: reads the version, then writes version + 1 (check-then-write)."""

    queryset = Article.objects.all()
    serializer_class = PlainArticleSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    def perform_update(self, serializer: BaseSerializer[Article]) -> None:
        """Bump the version as read: two concurrent writers both write the same one."""
        instance = serializer.instance
        assert instance is not None
        serializer.save(version=instance.version + 1)


router = SimpleRouter()
router.register("plain-articles", PlainArticleViewSet, basename="plain-article")

urlpatterns = router.urls
