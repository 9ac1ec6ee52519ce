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


class SentCopy(models.Model):
    """A draft's copy sent to the search index, recorded (and committed) before it is sent.

    Until the publication that sent it commits, the index may hold a copy that no published
    article backs. The publication deletes its record as it commits; one that fails withdraws
    the copy and deletes the record. A record left behind (the worker was killed, the
    withdrawal failed) is withdrawn by the next publication of the article or by
    ``manage.py withdraw_unpublished_copies``.
    """

    #: Not a foreign key: the article may be deleted, and its copy must still be withdrawn.
    article_id = models.BigIntegerField(db_index=True)
    sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"copy of article {self.article_id} sent at {self.sent_at:%Y-%m-%d %H:%M:%S}"
