"""The Article's representation."""

from __future__ import annotations

from rest_framework import serializers

from .models import Article


class ArticleSerializer(serializers.ModelSerializer[Article]):
    """Title and body are written; everything else is the server's."""

    owner = serializers.ReadOnlyField(source="owner.username")

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "body",
            "owner",
            "published",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["published", "version", "created_at", "updated_at"]
        extra_kwargs = {"title": {"min_length": 1}}
