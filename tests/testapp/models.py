"""The test app's models: each exists for the behaviour one group of tests needs."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from django_http_errors.models import VersionField


class Label(models.Model):
    """A row that protects its post from deletion, and a unique name."""

    name = models.CharField(max_length=50, unique=True)
    post = models.ForeignKey("Post", on_delete=models.PROTECT, null=True, related_name="labels")

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

    version = VersionField()
    updated_at = models.DateTimeField(auto_now=True)


class Post(models.Model):
    """The tests' own article: an owner, a version that every save bumps and that feeds the
    ETag, a change date."""

    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    version = VersionField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Memo(models.Model):
    """A version in a plain integer field, as before VersionField: only the mixin bumps it."""

    text = models.CharField(max_length=200)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return self.text
