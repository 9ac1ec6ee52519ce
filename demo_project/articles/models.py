"""The Article: a versioned resource with an owner and a draft state."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from django_http_errors.fields import VersionField


class Article(models.Model):
    """An article; ``version`` grows with every save, by the API, the admin or a script, and
    feeds the ETag."""

    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="articles"
    )
    published = models.BooleanField(default=False)
    version = VersionField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title
