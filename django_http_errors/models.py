"""What the database keeps: an ``Idempotency-Key``'s claim, then the answer to replay."""

from __future__ import annotations

from django.db import models

__all__ = ["IdempotencyKey"]


class IdempotencyKey(models.Model):
    """One key of one client for one method and path: a claim while in flight, then an answer.

    ``scope`` is unique: inserting the row is how a request claims the key, so of any number of
    requests on any number of processes one alone claims it. ``owner`` changes when a retry
    takes over a claim older than the lease; every later change names the owner it expects.
    """

    class State(models.TextChoices):
        """Where the first request with the key is."""

        #: Claimed; the write, if any, has not committed.
        IN_FLIGHT = "in_flight"
        #: The write committed; the answer is not stored (yet, or ever: the process died).
        WRITTEN = "written"
        #: The answer is stored and replayed.
        DONE = "done"

    id = models.BigAutoField(primary_key=True)
    #: A digest of client and key (``idempotency.keys.scope_digest``).
    scope = models.CharField(max_length=64, unique=True)
    #: Who sent it (``app_label.model:pk`` of the user), the method, the path and the key, for
    #: operators; the scope alone decides.
    client = models.CharField(max_length=255)
    method = models.CharField(max_length=16)
    path = models.TextField()
    key = models.CharField(max_length=255)
    #: A digest of the request content (``idempotency.keys.request_fingerprint``).
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=State.choices, default=State.IN_FLIGHT)
    #: A random token of the request that holds the claim.
    owner = models.CharField(max_length=32)
    claimed_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    status = models.PositiveSmallIntegerField(null=True)
    #: The replayed headers, a JSON object (text: stored by plain SQL, see ``idempotency``).
    headers = models.TextField(default="{}")
    content = models.BinaryField(default=b"")

    class Meta:
        verbose_name = "idempotency key"

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.key!r} ({self.state})"
