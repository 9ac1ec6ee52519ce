"""Views for the conditional-request tests: versioned posts, a model without a version, races."""

from __future__ import annotations

import time
from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from django_http_errors.mixins import ConditionalUpdateMixin
from django_http_errors.permissions import IsAdminUser, IsOwnerOrReadOnly
from django_http_errors.serializers import ETagField
from tests.testapp.models import Album, Book, Memo, Note, Post, Shelf, VersionedPage


class NoteSerializer(serializers.ModelSerializer[Note]):
    """A note and its ETag, a hash of the rest of this representation."""

    etag = ETagField()

    class Meta:
        model = Note
        fields = ["id", "text", "etag", "updated_at"]


class NoteViewSet(ConditionalUpdateMixin, viewsets.ModelViewSet[Note]):
    """Conditional writes on a model without a version field."""

    queryset = Note.objects.all()
    serializer_class = NoteSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    precondition_required = True


class TimedNoteSerializer(NoteSerializer):
    """A note with a field computed from the clock, as a timer's running duration is."""

    read_at = serializers.SerializerMethodField()

    class Meta(NoteSerializer.Meta):
        fields = [*NoteSerializer.Meta.fields, "read_at"]

    def get_read_at(self, note: Note) -> float:
        return time.time()


class TimedNoteViewSet(NoteViewSet):
    """Hash ETags of a representation that changes by itself."""

    serializer_class = TimedNoteSerializer


class StableTimedNoteViewSet(TimedNoteViewSet):
    """The same, with the hash limited to the fields that change only with the row."""

    etag_fields = ["id", "text", "updated_at"]


class VersionedPageSerializer(serializers.ModelSerializer[VersionedPage]):
    """A page whose version lives in the child table."""

    class Meta:
        model = VersionedPage
        fields = ["id", "title", "version"]
        read_only_fields = ["version"]


class VersionedPageViewSet(ConditionalUpdateMixin, viewsets.ModelViewSet[VersionedPage]):
    """Conditional writes on a model of multi-table inheritance."""

    queryset = VersionedPage.objects.all()
    serializer_class = VersionedPageSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    precondition_required = True


class PostSerializer(serializers.ModelSerializer[Post]):
    """A post and its ETag, from its version."""

    etag = ETagField()

    class Meta:
        model = Post
        fields = ["id", "title", "body", "version", "etag", "updated_at"]
        read_only_fields = ["version", "updated_at"]
        extra_kwargs = {"title": {"min_length": 1}}


class PostViewSet(ConditionalUpdateMixin, viewsets.ModelViewSet[Post]):
    """Conditional writes (as ``HTTP_ERRORS`` says) on a versioned model; owner and staff write."""

    queryset = Post.objects.all()
    serializer_class = PostSerializer
    permission_classes = [IsOwnerOrReadOnly | IsAdminUser]

    def perform_create(self, serializer: BaseSerializer[Post]) -> None:
        with self.write_transaction(Post):
            serializer.save(owner=self.request.user)


class AlbumSerializer(serializers.ModelSerializer[Album]):
    """An album and its labels, set by their ids."""

    class Meta:
        model = Album
        fields = ["id", "title", "labels", "version"]
        read_only_fields = ["version"]


class AlbumViewSet(ConditionalUpdateMixin, viewsets.ModelViewSet[Album]):
    """DRF's own handlers on a model with a many-to-many field."""

    queryset = Album.objects.all()
    serializer_class = AlbumSerializer
    permission_classes = [AllowAny]


class NoteTextSerializer(serializers.ModelSerializer[Note]):
    """What a client writes of a note: its text alone."""

    class Meta:
        model = Note
        fields = ["text"]


class SplitNoteViewSet(NoteViewSet):
    """A serializer for writes and another for reads, chosen by action (DRF's documented
    ``get_serializer_class()``)."""

    queryset = Note.objects.order_by("id")

    def get_serializer_class(self) -> type[BaseSerializer[Note]]:
        if self.action in ("update", "partial_update"):
            return NoteTextSerializer
        return NoteSerializer


class RetextNoteViewSet(NoteViewSet):
    """DRF's ``get_serializer_class()``, and an action with a serializer of its own."""

    @action(detail=True, methods=["post"], serializer_class=NoteTextSerializer)
    def retext(self, request: Request, pk: str | None = None) -> Response:
        """A custom action with a serializer of its own (DRF sets it on the view instance)."""
        note = self.get_object()
        serializer = self.get_serializer(note, data=request.data)
        serializer.is_valid(raise_exception=True)
        with self.conditional_write(note):
            serializer.save()
        return Response(NoteSerializer(note).data)


class ShoutingNoteViewSet(NoteViewSet):
    """An action that changes its note in memory before saving it through its serializer."""

    @action(detail=True, methods=["post"])
    def twice(self, request: Request, pk: str | None = None) -> Response:
        """Two saves of its note, through two serializers: nobody else writes."""
        note = self.get_object()
        saved(self, note, {"text": "once"})
        return Response(saved(self, note, {"text": "twice"}).data)

    @action(detail=True, methods=["post"])
    def shout(self, request: Request, pk: str | None = None) -> Response:
        note = self.get_object()
        note.text = note.text.upper()
        return Response(saved(self, note, request.data).data)


class SwappingNoteViewSet(NoteViewSet):
    """Swaps the texts of two notes in one transaction, through a placeholder (as one swaps
    unique values): the first note is saved twice, the second once between."""

    precondition_required = False

    @action(detail=True, methods=["post"])
    def swap(self, request: Request, pk: str | None = None) -> Response:
        first = self.get_object()
        kwargs, self.kwargs = self.kwargs, {**self.kwargs, "pk": str(request.data["other"])}
        second = self.get_object()
        self.kwargs = kwargs
        first_text, second_text = first.text, second.text
        with self.write_transaction(Note):
            saved(self, first, {"text": "placeholder"})
            saved(self, second, {"text": first_text})
            saved(self, first, {"text": second_text})
        return Response(status=204)


class BookSerializer(serializers.ModelSerializer[Book]):
    class Meta:
        model = Book
        fields = ["id", "title", "copies", "shelf"]


class BookViewSet(ConditionalUpdateMixin, viewsets.ModelViewSet[Book]):
    """Books, without a version field: hash ETags."""

    queryset = Book.objects.all()
    serializer_class = BookSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    @action(detail=True, methods=["post"])
    def borrow(self, request: Request, pk: str | None = None) -> Response:
        """Django's documented counter update, an F() expression, in a conditional_write()."""
        book = self.get_object()
        with self.conditional_write(book):
            book.copies = F("copies") - 1
            book.save()
        return Response(status=204)


class ShelfSerializer(serializers.ModelSerializer[Shelf]):
    """A shelf and how many books it holds: a deleted shelf has no representation."""

    book_count = serializers.IntegerField(source="books.count", read_only=True)

    class Meta:
        model = Shelf
        fields = ["id", "name", "book_count"]


class ShelfViewSet(ConditionalUpdateMixin, viewsets.ModelViewSet[Shelf]):
    """Shelves, without a version field: hash ETags."""

    queryset = Shelf.objects.all()
    serializer_class = ShelfSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk: str | None = None) -> Response:
        """A custom action that deletes through perform_destroy()."""
        self.perform_destroy(self.get_object())
        return Response(status=204)


class LoudNoteSerializer(NoteSerializer):
    """Another representation of a note, which a route gives its view (``as_view()``)."""

    loud = serializers.SerializerMethodField()

    class Meta(NoteSerializer.Meta):
        fields = [*NoteSerializer.Meta.fields, "loud"]

    def get_loud(self, note: Note) -> str:
        return note.text.upper()


class ByActionNoteViewSet(
    ConditionalUpdateMixin,
    mixins.ListModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Note],
):
    """Serializers chosen by action from a table without ``retrieve``: there is no route for
    it. (Called directly by its test: routed, its hash ETags would add an I010.)"""

    queryset = Note.objects.order_by("id")
    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_classes = {
        "list": NoteSerializer,
        "update": NoteSerializer,
        "partial_update": NoteSerializer,
    }

    def get_serializer_class(self) -> type[BaseSerializer[Note]]:
        return self.serializer_classes[self.action]


class MemoSerializer(serializers.ModelSerializer[Memo]):
    """Every field writable, the version too: a client echoes what it read."""

    class Meta:
        model = Memo
        fields = "__all__"


class CheckedMemoSerializer(MemoSerializer):
    """An API whose contract was the version in the content, checked as it validates."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and attrs.get("version") != self.instance.version:
            raise serializers.ValidationError({"version": "Fetch the memo again."})
        return attrs


class MemoViewSet(ConditionalUpdateMixin, viewsets.ModelViewSet[Memo]):
    """A plain integer version, and a perform_update() of its own: the row is claimed, then
    saved through the serializer."""

    queryset = Memo.objects.all()
    serializer_class = MemoSerializer
    permission_classes = [AllowAny]

    def perform_update(self, serializer: BaseSerializer[Memo]) -> None:
        serializer.save()


class SelfSavingMemoViewSet(ConditionalUpdateMixin, viewsets.ModelViewSet[Memo]):
    """A plain integer version, and an update() of its own that saves the serializer itself,
    without perform_update(), as many codebases write it."""

    queryset = Memo.objects.all()
    serializer_class = MemoSerializer
    permission_classes = [AllowAny]

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        memo = self.get_object()
        serializer = self.get_serializer(memo, data=request.data, partial=kwargs.get("partial"))
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data)


class CheckedMemoViewSet(ConditionalUpdateMixin, viewsets.ModelViewSet[Memo]):
    """DRF's own handlers, the version named explicitly and checked in the content too."""

    queryset = Memo.objects.all()
    serializer_class = CheckedMemoSerializer
    permission_classes = [AllowAny]
    version_field = "version"

    @action(detail=False, methods=["put"], serializer_class=NoteTextSerializer)
    def note(self, request: Request) -> Response:
        """A write of another model's serializer, through the view's get_serializer()."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(serializer.data)


class ArchivingPostViewSet(PostViewSet):
    """A collection action that compare-and-swaps each row it reads."""

    @action(detail=False, methods=["post"])
    def archive(self, request: Request) -> Response:
        archived = 0
        for post in self.filter_queryset(self.get_queryset()).order_by("id"):
            with self.conditional_write(post):
                post.title = f"{post.title} (archived)"
                post.save()
                archived += 1
        return Response({"archived": archived})


class NewestFirstPostViewSet(PostViewSet):
    """A paginate_queryset() of its own, which orders the page: a conditional list's page is
    the one it makes."""

    def paginate_queryset(self, queryset: QuerySet[Post]) -> Any:
        return super().paginate_queryset(queryset.order_by("-id"))


def saved(view: Any, obj: Any, data: Any) -> Any:
    """``obj`` saved through a serializer of the view's ``get_serializer()``, as DRF's docs
    write a custom action's save; the serializer."""
    serializer = view.get_serializer(obj, data=data, partial=True)
    serializer.is_valid(raise_exception=True)
    serializer.save()
    return serializer


class RenamingPostViewSet(PostViewSet):
    """A custom action that saves through its serializer."""

    @action(detail=True, methods=["post"])
    def rename(self, request: Request, pk: str | None = None) -> Response:
        """A custom action as DRF's docs write one: the object, its serializer, ``save()``."""
        return Response(saved(self, self.get_object(), request.data).data)


class OvertakenPostViewSet(RenamingPostViewSet):
    """Another writer changes the row between this request's lookup and its claim of it.

    The change is made on the request's own connection, so it rolls back with the refused
    write; a writer on another connection keeps it (the race tests show that).
    """

    precondition_required = False

    def check_object_permissions(self, request: Request, obj: Any) -> None:
        """DRF's object permissions, right after the lookup; then the other writer's change."""
        super().check_object_permissions(request, obj)
        Post.objects.filter(pk=obj.pk).update(version=F("version") + 1)


class RacedPostViewSet(RenamingPostViewSet):
    """Custom actions that write their post twice; another writer commits a change between
    the two writes (on the request's connection, between the two writes' transactions)."""

    precondition_required = False

    def overtaken(self, post: Post) -> None:
        Post.objects.filter(pk=post.pk).update(body="theirs", version=F("version") + 1)

    @action(detail=True, methods=["post"])
    def twice(self, request: Request, pk: str | None = None) -> Response:
        """Two saves through serializers of ``get_serializer()``."""
        post = self.get_object()
        saved(self, post, {"title": "first"})
        self.overtaken(post)
        return Response(saved(self, post, request.data).data)

    @action(detail=True, methods=["post"])
    def in_a_transaction_then_save(self, request: Request, pk: str | None = None) -> Response:
        """A ``conditional_write()`` inside a ``write_transaction()`` of the action's, then a
        save through its serializer."""
        post = self.get_object()
        with self.write_transaction(Post), self.conditional_write(post):
            post.title = "first"
            post.save()
        self.overtaken(post)
        return Response(saved(self, post, request.data).data)

    @action(detail=True, methods=["post"])
    def second_attempt(self, request: Request, pk: str | None = None) -> Response:
        """A write that fails and is caught (a unique slug taken, say), then another attempt:
        nobody else writes."""
        post = self.get_object()
        try:
            with self.conditional_write(post):
                post.title = "failed"
                post.save()
                raise ValueError("taken")
        except ValueError:
            post.title = "second attempt"
        with self.conditional_write(post):
            post.save()
        return Response(self.get_serializer(post).data)

    @action(detail=True, methods=["post"])
    def swap_fails_then_retry(self, request: Request, pk: str | None = None) -> Response:
        """Saves its post twice and another once in one transaction, which fails (caught);
        then saves its post again: nobody else writes."""
        post = self.get_object()
        kwargs, self.kwargs = self.kwargs, {**self.kwargs, "pk": str(request.data["other"])}
        other = self.get_object()
        self.kwargs = kwargs
        try:
            with self.write_transaction(Post):
                saved(self, post, {"title": "placeholder"})
                saved(self, other, {"title": post.title})
                saved(self, post, {"title": "swapped"})
                raise ValueError("taken")
        except ValueError:
            pass
        return Response(saved(self, post, {"title": "second attempt"}).data)

    @action(detail=True, methods=["post"])
    def copy_from(self, request: Request, pk: str | None = None) -> Response:
        """Looks its post up, then another (by changing ``self.kwargs``), and saves the first."""
        target = self.get_object()
        kwargs, self.kwargs = self.kwargs, {**self.kwargs, "pk": str(request.data["other"])}
        source = self.get_object()
        self.kwargs = kwargs
        self.overtaken(target)
        return Response(saved(self, target, {"title": source.title}).data)

    @action(detail=True, methods=["post"])
    def then_block(self, request: Request, pk: str | None = None) -> Response:
        """A save through its serializer, then a ``conditional_write()``."""
        post = self.get_object()
        saved(self, post, request.data)
        self.overtaken(post)
        with self.conditional_write(post):
            post.title = f"{post.title} (edited)"
            post.save()
        return Response(self.get_serializer(post).data)


class OwnersPostsView(ConditionalUpdateMixin, generics.ListAPIView[Post]):
    """A user's posts, at a route whose ``pk`` names the user: DRF's generic list."""

    serializer_class = PostSerializer
    permission_classes = [AllowAny]

    def get_queryset(self) -> QuerySet[Post]:
        return Post.objects.filter(owner_id=self.kwargs["pk"]).order_by("id")


class PingPostView(ConditionalUpdateMixin, generics.GenericAPIView[Post]):
    """A read of its own without content: 204 when the post exists."""

    queryset = Post.objects.all()
    serializer_class = PostSerializer
    permission_classes = [AllowAny]

    def get(self, request: Request, pk: str) -> Response:
        self.get_object()
        return Response(status=204)


class TwiceLookedUpPostViewSet(PostViewSet):
    """An update() of its own that looks the post up before DRF's does it again."""

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if self.get_object().title == "frozen":
            return Response(status=409)
        return super().update(request, *args, **kwargs)


class OwnVerbsPostView(ConditionalUpdateMixin, generics.GenericAPIView[Post]):
    """A generic view whose own put(), patch() and delete() save without DRF's handlers."""

    queryset = Post.objects.all()
    serializer_class = PostSerializer
    permission_classes = [IsOwnerOrReadOnly | IsAdminUser]

    def get(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def put(self, request: Request, pk: str) -> Response:
        try:
            post = self.get_object()
        except Http404:  # a PUT that creates: nothing stored was overwritten
            post = Post.objects.create(pk=pk, owner=request.user, title=request.data["title"])
            return Response(self.get_serializer(post).data, status=201)
        post.title, post.body = request.data["title"], request.data.get("body", "")
        post.save()
        return Response(self.get_serializer(post).data)

    def patch(self, request: Request, pk: str) -> Response:
        self.get_object()  # looked up twice: the write's object both times
        post = self.get_object()
        post.body = request.data["body"]
        post.save(update_fields=["body", "version"])
        return Response(self.get_serializer(post).data)

    def delete(self, request: Request, pk: str) -> Response:
        try:
            post = self.get_object()
        except Http404:
            return Response(status=204)  # gone already: the client's wish holds
        post.delete()
        return Response(status=204)


class OvertakenOwnVerbsPostView(OwnVerbsPostView):
    """Another writer changes the row between the lookup and the write (as
    ``OvertakenPostViewSet``)."""

    precondition_required = False

    def check_object_permissions(self, request: Request, obj: Any) -> None:
        super().check_object_permissions(request, obj)
        Post.objects.filter(pk=obj.pk).update(version=F("version") + 1)


class SlowOwnVerbsPostView(OwnVerbsPostView):
    """Its writes take a while between the lookup and the save, as a busy server's may: of
    concurrent writers with one If-Match, more than one passes the preconditions in that
    time, and only the claim of the row keeps the second from overwriting the first."""

    def get_object(self) -> Post:
        post: Post = super().get_object()
        if self.request.method not in ("GET", "HEAD"):
            time.sleep(0.05)
        return post


class ValidatedAfterSavingSerializer(PostSerializer):
    """Saves the post, then finds the change invalid: the save must not survive."""

    def update(self, instance: Post, validated_data: dict[str, Any]) -> Post:
        post = super().update(instance, validated_data)
        if post.body == "invalid after saving":
            raise serializers.ValidationError({"body": "Found invalid after saving."})
        return post


class FailingPostViewSet(PostViewSet):
    """Writes that fail after writing, without ATOMIC_REQUESTS."""

    serializer_class = ValidatedAfterSavingSerializer

    @action(detail=True, methods=["post"])
    def fail_after_write(self, request: Request, pk: str | None = None) -> Response:
        """Change the post inside conditional_write(), then fail."""
        post = self.get_object()
        with self.conditional_write(post):
            post.title = "half done"
            post.save()
            raise RuntimeError("after the write")


class PostView(ConditionalUpdateMixin, generics.GenericAPIView[Post]):
    """A generic view whose own ``get()`` looks the post up: its preconditions are decided
    when it calls ``get_object()``, inside the handler."""

    queryset = Post.objects.all()
    serializer_class = PostSerializer

    def get(self, request: Request, pk: str) -> Response:
        return Response({"title": self.get_object().title})


class RecentPostViewSet(PostViewSet):
    """A custom list action: its list's preconditions are decided in ``paginate_queryset()``."""

    @action(detail=False, methods=["get"])
    def recent(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset().order_by("-id"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CreatePostView(ConditionalUpdateMixin, generics.CreateAPIView[Post]):
    """A generic view without GET: a GET is 405, whatever the mixin looks for."""

    queryset = Post.objects.all()
    serializer_class = PostSerializer


class CountedPostViewSet(PostViewSet):
    """An overridden list that shows no page of posts: the mixin does not decide for it."""

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        return Response({"count": self.get_queryset().count()})


class LabelledPostSerializer(PostSerializer):
    """A post with its owner's name and its labels' names: a relation and a reverse one."""

    owner = serializers.ReadOnlyField(source="owner.username")
    labels = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta(PostSerializer.Meta):
        fields = [*PostSerializer.Meta.fields, "owner", "labels"]


class LabelledPostViewSet(PostViewSet):
    """Its lookups join the owner and prefetch the labels; a revalidation's reads neither."""

    queryset = Post.objects.select_related("owner").prefetch_related("labels")
    serializer_class = LabelledPostSerializer

    def get_revalidation_queryset(self, queryset: QuerySet[Post]) -> QuerySet[Post]:
        bare: QuerySet[Post] = queryset.select_related(None).prefetch_related(None)
        return bare
