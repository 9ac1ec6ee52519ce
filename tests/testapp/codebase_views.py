"""Views shaped like real codebases, in every class order the library accepts.

The view's own code is what most DRF codebases write: ``perform_create()`` saving the owner
without ``super()``, an overridden ``update()``, a custom action that saves through
``perform_update()``, a serializer with nested writes and its own ``save()``, and an audit
mixin of the codebase's own placed anywhere among the library's mixins. ``PLAIN`` is the same
view on plain DRF: each hook must run as it does there, and inside the write.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.db import transaction
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from django_http_errors.idempotency import IdempotencyMixin
from django_http_errors.mixins import ConditionalUpdateMixin
from django_http_errors.serializers import ETagField
from tests.testapp.models import Label, Post

#: The hooks that ran, in order, each with whether a transaction was open.
CALLS: list[tuple[str, bool]] = []


def record(hook: str) -> None:
    """Note that ``hook`` ran, and whether it ran inside a transaction."""
    CALLS.append((hook, transaction.get_connection().in_atomic_block))


class LabelSerializer(serializers.ModelSerializer[Label]):
    """A label, written nested in its post."""

    class Meta:
        model = Label
        fields = ["name"]


class CodebasePostSerializer(serializers.ModelSerializer[Post]):
    """Nested writes and a ``save()`` of its own, as DRF's docs show them."""

    labels = LabelSerializer(many=True, required=False)
    etag = ETagField()

    class Meta:
        model = Post
        fields = ["id", "title", "body", "version", "etag", "labels"]
        read_only_fields = ["version"]

    def save(self, **kwargs: Any) -> Post:
        record("serializer.save")
        return super().save(**kwargs)

    def create(self, validated_data: dict[str, Any]) -> Post:
        record("serializer.create")
        labels = validated_data.pop("labels", [])
        post = super().create(validated_data)
        for label in labels:
            Label.objects.create(post=post, **label)
        return post

    def update(self, instance: Post, validated_data: dict[str, Any]) -> Post:
        record("serializer.update")
        labels = validated_data.pop("labels", None)
        post = super().update(instance, validated_data)
        if labels is not None:
            post.labels.all().delete()
            for label in labels:
                Label.objects.create(post=post, **label)
        return post


class AuditMixin:
    """A codebase's own mixin: it notes every write, and calls ``super()``."""

    def perform_create(self, serializer: BaseSerializer[Post]) -> None:
        record("audit.perform_create")
        super().perform_create(serializer)  # type: ignore[misc]

    def perform_update(self, serializer: BaseSerializer[Post]) -> None:
        record("audit.perform_update")
        super().perform_update(serializer)  # type: ignore[misc]

    def perform_destroy(self, instance: Post) -> None:
        record("audit.perform_destroy")
        super().perform_destroy(instance)  # type: ignore[misc]


class CodebaseViewCode:
    """The view's own code, first in its classes as a view's body is."""

    queryset = Post.objects.all()
    serializer_class = CodebasePostSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]

    def perform_create(self, serializer: BaseSerializer[Post]) -> None:
        record("view.perform_create")
        serializer.save(owner=self.request.user)  # type: ignore[attr-defined]

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record("view.update")
        return super().update(request, *args, **kwargs)  # type: ignore[misc, no-any-return]

    @action(detail=True, methods=["post"])
    def rename(self, request: Request, pk: str | None = None) -> Response:
        """A custom action that saves through ``perform_update()``."""
        record("view.rename")
        view: Any = self
        post = view.get_object()
        serializer = view.get_serializer(
            post, data={"title": request.data.get("title")}, partial=True
        )
        serializer.is_valid(raise_exception=True)
        view.perform_update(serializer)
        return Response(serializer.data)


def _view(name: str, *mixins: type) -> type:
    return type(
        f"{name}ViewSet",
        (CodebaseViewCode, *mixins, viewsets.ModelViewSet),
        {"__module__": __name__, "__doc__": f"Posts, with {name}."},
    )


#: The view on plain DRF, with the codebase's audit mixin.
PLAIN = _view("Plain", AuditMixin)

#: Every order of the library's two mixins and the audit mixin, before DRF's classes, by the
#: initials of the order: ``ica`` is (IdempotencyMixin, ConditionalUpdateMixin, AuditMixin).
ORDERS: dict[str, type] = {
    "".join(klass.__name__[0].lower() for klass in order): _view(
        "".join(klass.__name__.removesuffix("Mixin") for klass in order), *order
    )
    for order in itertools.permutations((IdempotencyMixin, ConditionalUpdateMixin, AuditMixin))
}


class UnguardedPostViewSet(CodebaseViewCode, ConditionalUpdateMixin, viewsets.ModelViewSet):  # type: ignore[type-arg]
    """A ``get_object()`` of its own that never reaches the mixin's: its writes are refused."""

    def get_object(self) -> Post:
        return Post.objects.get(pk=self.kwargs["pk"])

    @action(detail=True, methods=["post"])
    def retitle(self, request: Request, pk: str) -> Response:
        """The docs' custom action: ``conditional_write()`` of the object ``get_object()`` gave."""
        post = self.get_object()
        with self.conditional_write(post):
            post.title = "retitled"
            post.save()
        return Response({"title": post.title})
