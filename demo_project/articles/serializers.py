"""The Article's representation."""

from __future__ import annotations

from rest_framework import serializers

from django_http_errors.serializers import ETagField

from .models import Article


class ArticleSerializer(serializers.ModelSerializer[Article]):
    """Title and body are written; everything else is the server's."""

    owner = serializers.ReadOnlyField(source="owner.username")
    etag = ETagField(help_text="The ETag of this article: send it in If-Match to change it.")

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "body",
            "owner",
            "published",
            "version",
            "etag",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["published", "version", "created_at", "updated_at"]
        extra_kwargs = {"title": {"min_length": 1}}
