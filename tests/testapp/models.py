"""Models the tests need beyond the demo's Article."""

from __future__ import annotations

from django.db import models


class Label(models.Model):
    """A row that protects its article from deletion, and a unique name."""

    name = models.CharField(max_length=50, unique=True)
    article = models.ForeignKey(
        "articles.Article", on_delete=models.PROTECT, null=True, related_name="labels"
    )

    def __str__(self) -> str:
        return self.name


class Note(models.Model):
    """A model without a version field: its ETag is a hash of its representation."""

    text = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.text


class Page(models.Model):
    """A parent table without a version: multi-table inheritance splits every save in two."""

    title = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.title


class VersionedPage(Page):
    """A child table that holds the version field."""

    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
