"""Views for the Idempotency-Key tests: keyed posts with hooks around the write, the mixin alone."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponseBase
from rest_framework import generics
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

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

    A create runs ``before_writing()`` once its key is claimed, before its write's
    transaction, and ``after_writing()`` once it has committed, before its answer is stored.
    Both do nothing here: a test replaces one to act at that moment (send the retry that
    arrives then, or fail there), as a slow or failing view would.
    """

    def before_writing(self) -> None:
        """A create's moment after the key is claimed, before anything is written."""

    def after_writing(self) -> None:
        """A create's moment after its write committed, before its answer is stored."""

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """DRF's create, whose answer ``answer_created()`` may replace."""
        return self.answer_created(super().create(request, *args, **kwargs))

    def answer_created(self, response: Response) -> Response:
        """A create's answer, as the view returns it from its write."""
        return response

    def decide_preconditions(self, request: Request) -> None:
        super().decide_preconditions(request)
        if request.method == "POST":
            self.before_writing()

    def answer_after_finalizing(
        self, request: Request, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().answer_after_finalizing(request, response)
        if request.method == "POST" and response.status_code == 201:
            self.after_writing()
        return response

    def get_success_headers(self, data: Any) -> dict[str, str]:
        """A 201 names the created post (RFC 9110 §15.3.2), so a replay can be compared."""
        location = reverse("keyed-post-detail", kwargs={"pk": data["id"]}, request=self.request)
        return {"Location": location}


class PostKeyedOnCreateViewSet(KeyedPostViewSet):
    """A key honoured on POST only: PUT, PATCH and DELETE are idempotent by themselves."""

    idempotent_methods = frozenset({"POST"})


class OwnLimiter:
    """A project's own rate limit in place of DRF's throttles: no super()."""

    def check_throttles(self, request: Request) -> None:
        return None


class UnthrottledKeyedPostViewSet(KeyedPostViewSet):
    """Its own check_throttles(), below the library's: DRF's throttles never run."""

    def check_throttles(self, request: Request) -> None:
        return None


class LimitedKeyedPostViewSet(OwnLimiter, KeyedPostViewSet):
    """The limiter first: the library's check_throttles() never runs."""


class TwoScopesKeyedPostViewSet(KeyedPostViewSet):
    """Two throttle scopes, each checked through super(): the key is claimed once."""

    def check_throttles(self, request: Request) -> None:
        super().check_throttles(request)
        super().check_throttles(request)


class LooksUpTheObject(BasePermission):
    """A permission that looks the object up itself, as some codebases' do."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if "pk" in view.kwargs:
            view.get_object()
        return True


class LookingUpKeyedPostViewSet(KeyedPostViewSet):
    """Its object looked up by a permission, before the key would be claimed."""

    permission_classes = [LooksUpTheObject, *KeyedPostViewSet.permission_classes]


class CatchesTheLookup(BasePermission):
    """Looks the object up and lets whatever that raised pass, as a lenient check might."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if "pk" in view.kwargs:
            try:
                view.get_object()
            except Exception:  # what a codebase's lenient check does
                return True
        return True


class CatchingKeyedPostViewSet(KeyedPostViewSet):
    """Its permission swallows the key's answer, should its lookup claim the key; its writes
    need no precondition, so only the key keeps one from being done twice."""

    permission_classes = [CatchesTheLookup, *KeyedPostViewSet.permission_classes]
    precondition_required = False


class UnthrottledCatchingKeyedPostViewSet(CatchingKeyedPostViewSet):
    """Its own limiter skips DRF's check_throttles(), and an action writes without a lookup."""

    def check_throttles(self, request: Request) -> None:
        return None

    @action(detail=True, methods=["post"])
    def prepend(self, request: Request, pk: str) -> Response:
        post = Post.objects.get(pk=pk)
        Post.objects.filter(pk=pk).update(body=f"{request.data['body']}{post.body}")
        return Response({"body": f"{request.data['body']}{post.body}"})
