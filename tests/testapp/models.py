"""The test app's models: each exists for the behaviour one group of tests needs."""

from __future__ import annotations

from typing import Any

import django
from django.conf import settings
from django.db import models

from django_http_errors.fields import VersionField


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


def check_constraint(condition: models.Q, name: str) -> models.CheckConstraint:
    """A ``CheckConstraint`` on every supported Django: its ``check`` is ``condition`` from 5.1,
    and only ``condition`` from 6.0."""
    keyword = "condition" if django.VERSION >= (5, 1) else "check"
    options: dict[str, Any] = {keyword: condition}
    return models.CheckConstraint(name=name, **options)


class Shelf(models.Model):
    """A row that only the database protects from deletion: its books refer to it with
    DO_NOTHING, so Django deletes it and the foreign key refuses."""

    name = models.CharField(max_length=50)

    def __str__(self) -> str:
        return self.name


class Book(models.Model):
    """A row whose constraints the database alone checks: a count that a CHECK keeps from going
    negative, and its shelf."""

    title = models.CharField(max_length=200)
    copies = models.IntegerField(default=1)
    shelf = models.ForeignKey(Shelf, on_delete=models.DO_NOTHING, related_name="books")

    class Meta:
        constraints = [
            check_constraint(models.Q(copies__gte=0), name="testapp_book_copies_not_negative")
        ]

    def __str__(self) -> str:
        return self.title


class Memo(models.Model):
    """A version in a plain integer field, as before VersionField: only the mixin bumps it."""

    text = models.CharField(max_length=200)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return self.text


class Album(models.Model):
    """A versioned model with a many-to-many field, which no UPDATE can set."""

    title = models.CharField(max_length=200)
    labels = models.ManyToManyField(Label, blank=True, related_name="albums")
    version = VersionField()

    def __str__(self) -> str:
        return self.title
