"""Views for the Idempotency-Key tests: keyed posts with hooks around the write, the mixin alone."""

from __future__ import annotations

from typing import Any

from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.reverse import reverse
from rest_framework.serializers import BaseSerializer

from django_http_errors.idempotency import IdempotencyMixin
from tests.testapp.conditional_views import NoteSerializer, PostViewSet
from tests.testapp.models import Note, Post


class OpenNotes(IdempotencyMixin, generics.ListCreateAPIView[Note]):
    """Anyone may create a note; keys are honoured without ConditionalUpdateMixin."""

    queryset = Note.objects.all()
    serializer_class = NoteSerializer
    permission_classes = [AllowAny]


class KeyedPostViewSet(IdempotencyMixin, PostViewSet):
    """Conditional writes on posts, with a key honoured on every unsafe method.

    A create runs ``before_writing()`` before its write's transaction and ``after_writing()``
    once it has committed. Both do nothing here: a test replaces one to act at that moment (send
    the retry that arrives then, or fail there), as a slow or failing view would.
    """

    def before_writing(self) -> None:
        """A create's moment after the key is claimed, before anything is written."""

    def after_writing(self) -> None:
        """A create's moment after its write committed, before its answer is stored."""

    def perform_create(self, serializer: BaseSerializer[Post]) -> None:
        self.before_writing()
        super().perform_create(serializer)
        self.after_writing()

    def get_success_headers(self, data: Any) -> dict[str, str]:
        """A 201 names the created post (RFC 9110 §15.3.2), so a replay can be compared."""
        location = reverse("keyed-post-detail", kwargs={"pk": data["id"]}, request=self.request)
        return {"Location": location}


class PostKeyedOnCreateViewSet(KeyedPostViewSet):
    """A key honoured on POST only: PUT, PATCH and DELETE are idempotent by themselves."""

    idempotent_methods = frozenset({"POST"})
