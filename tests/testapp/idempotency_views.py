"""Views for the Idempotency-Key tests: the mixin alone, on a view that anonymous clients use."""

from __future__ import annotations

from rest_framework import generics
from rest_framework.permissions import AllowAny

from django_http_errors.idempotency import IdempotencyMixin
from tests.testapp.conditional_views import NoteSerializer, PostViewSet
from tests.testapp.models import Note


class OpenNotes(IdempotencyMixin, generics.ListCreateAPIView[Note]):
    """Anyone may create a note; keys are honoured without ConditionalUpdateMixin."""

    queryset = Note.objects.all()
    serializer_class = NoteSerializer
    permission_classes = [AllowAny]


class KeyedPostViewSet(IdempotencyMixin, PostViewSet):
    """Conditional writes on posts, with a key honoured on every unsafe method."""
