"""An article locked by django-concurrency, for the optimistic-lock comparison."""

from __future__ import annotations

from concurrency.fields import IntegerVersionField
from django.db import models


class LockedArticle(models.Model):
    """The demo's Article fields that a PUT writes, versioned by django-concurrency."""

    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    version = IntegerVersionField()

    def __str__(self) -> str:
        return self.title
