"""A view's own handlers around the write: what they answer and look up is theirs, and the
write stays one compare-and-swap or nothing.

The views are called directly (``APIRequestFactory``), as a codebase's own handlers are
written against the test app's ``Memo``: a plain integer version.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import get_object_or_404
from rest_framework import generics, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from django_http_errors.mixins import ConditionalUpdateMixin
from tests.testapp.conditional_views import MemoSerializer
from tests.testapp.models import Memo

pytestmark = pytest.mark.django_db


class Memos(ConditionalUpdateMixin, generics.GenericAPIView[Memo]):
    queryset = Memo.objects.all()
    serializer_class = MemoSerializer
    permission_classes = [AllowAny]
    precondition_required = False


def send(view: Any, method: str, data: Any = None, pk: int | None = None, **headers: str) -> Any:
    request = getattr(APIRequestFactory(), method.lower())(
        "/", data, format="json", headers=headers
    )
    response = view(request, **({} if pk is None else {"pk": pk}))
    response.render()
    return response


def etag(memo: Memo) -> str:
    memo.refresh_from_db()
    return f'"{memo.pk}.{memo.version}"'


class MemoSet(ConditionalUpdateMixin, viewsets.ModelViewSet[Memo]):
    queryset = Memo.objects.all()
    serializer_class = MemoSerializer
    permission_classes = [AllowAny]
    precondition_required = False


class MergingMemos(MemoSet):
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        """Looks a second memo up by changing the lookup's kwargs."""
        source = self.get_object()
        self.kwargs["pk"] = str(request.data["into"])
        target = self.get_object()
        with self.conditional_write(target):
            target.text = f"{target.text}+{source.text}"
            target.save()
        source.delete()
        return Response(MemoSerializer(target).data)

    def patch(self, memo: Memo) -> None:
        """A helper that happens to be named as a verb: a viewset's verbs are its actions."""
        memo.delete()

    @action(detail=True, methods=["post"])
    def purge(self, request: Request, pk: str) -> Response:
        memo = self.get_object()
        with self.conditional_write(memo):
            self.patch(memo)
        return Response(status=204)


def test_a_lookup_by_other_kwargs_is_a_lookup_of_its_own(db: None) -> None:
    """The object is looked up once a request, for its kwargs: a merge that changed them got
    the first memo again, merged it into itself and deleted it."""
    source, target = Memo.objects.create(text="source"), Memo.objects.create(text="target")
    merged = send(MergingMemos.as_view({"post": "merge"}), "POST", {"into": target.pk}, source.pk)
    assert merged.status_code == 200, merged.content
    target.refresh_from_db()
    assert target.text == "target+source"
    assert not Memo.objects.filter(pk=source.pk).exists()


def test_a_viewsets_method_named_as_a_verb_is_no_handler(db: None) -> None:
    memo = Memo.objects.create(text="gone soon")
    purged = send(MergingMemos.as_view({"post": "purge"}), "POST", pk=memo.pk)
    assert purged.status_code == 204, purged.content
    assert not Memo.objects.filter(pk=memo.pk).exists()


class TutorialPut(Memos):
    """DRF's tutorial's put(): invalid content answered, not raised."""

    def put(self, request: Request, pk: str) -> Response:
        serializer = self.get_serializer(self.get_object(), data=request.data)
        if serializer.is_valid():
            serializer.save()
            return Response(serializer.data)
        return Response(serializer.errors, status=400)


def test_an_error_a_handler_answers_undoes_its_write(db: None) -> None:
    """The row was claimed as the handler looked it up: its 400 kept the claim's new version,
    and the client's corrected retry with the ETag it read was 412."""
    memo = Memo.objects.create(text="first")
    read = etag(memo)
    view = TutorialPut.as_view()
    assert send(view, "PUT", {"text": ""}, memo.pk, **{"If-Match": read}).status_code == 400
    assert etag(memo) == read
    fixed = send(view, "PUT", {"text": "second"}, memo.pk, **{"If-Match": read})
    assert fixed.status_code == 200, fixed.content
    assert etag(memo) != read


class OwnSerializerPut(Memos):
    """Builds its serializer itself, not through get_serializer()."""

    def put(self, request: Request, pk: str) -> Response:
        serializer = MemoSerializer(self.get_object(), data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data)


def test_a_version_echoed_through_a_serializer_the_view_built_does_not_undo_the_claim(
    db: None,
) -> None:
    """Its save wrote the version the client read over the claim's: the next writer's stale
    If-Match matched, and its write overwrote this one."""
    memo = Memo.objects.create(text="first")
    read = etag(memo)
    view = OwnSerializerPut.as_view()
    echoed = {"text": "second", "version": 1}
    assert send(view, "PUT", echoed, memo.pk, **{"If-Match": read}).status_code == 200
    assert etag(memo) != read
    stale = send(view, "PUT", {**echoed, "text": "lost"}, memo.pk, **{"If-Match": read})
    assert stale.status_code == 412
    memo.refresh_from_db()
    assert (memo.text, memo.version) == ("second", 2)


class ListOfMemos(ConditionalUpdateMixin, generics.ListAPIView[Memo]):
    queryset = Memo.objects.all()
    serializer_class = MemoSerializer
    permission_classes = [AllowAny]

    def delete(self, request: Request) -> Response:
        """Clears the list: no one object to look up."""
        self.get_queryset().delete()
        return Response(status=204)


class QueuedPut(Memos):
    def put(self, request: Request, pk: str) -> Response:
        """Work accepted for later: nothing written now."""
        return Response({"queued": pk}, status=202)


class Unlike(Memos):
    def delete(self, request: Request, pk: str) -> Response:
        """Writes other rows than the object the URL names, without looking it up."""
        Memo.objects.filter(text=f"like of {pk}").delete()
        return Response(status=204)


@pytest.mark.parametrize(
    ("view", "method", "status"),
    [(ListOfMemos, "DELETE", 204), (QueuedPut, "PUT", 202), (Unlike, "DELETE", 204)],
    ids=["a-list-cleared", "work-accepted", "other-rows"],
)
def test_an_own_verb_that_writes_no_looked_up_object_keeps_its_answer(
    db: None, view: type[Memos], method: str, status: int
) -> None:
    """What a verb of the view's own writes besides its object is its own: it was refused
    (500) after the write had committed."""
    memo = Memo.objects.create(text="first")
    Memo.objects.create(text=f"like of {memo.pk}")
    pk = None if view is ListOfMemos else memo.pk
    response = send(view.as_view(), method, {"text": "x"}, pk)
    assert response.status_code == status, response.content
    left = {
        ListOfMemos: [],
        QueuedPut: ["first", f"like of {memo.pk}"],
        Unlike: ["first"],
    }[view]
    assert list(Memo.objects.order_by("pk").values_list("text", flat=True)) == left


class LookedUpByHandPut(Memos):
    """Looks its memo up without get_object(): no precondition of the request is evaluated."""

    def put(self, request: Request, pk: str) -> Response:
        serializer = MemoSerializer(get_object_or_404(Memo, pk=pk), data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data)


@pytest.mark.parametrize(("view", "method"), [(LookedUpByHandPut, "PUT"), (Unlike, "DELETE")])
def test_an_own_verbs_success_that_left_a_sent_precondition_unevaluated_is_refused(
    db: None, view: type[Memos], method: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Loudly, a 500 and the error logged (what it wrote outside a write stays): its
    If-Match was ignored, and a stale one overwrote the change it did not know."""
    memo = Memo.objects.create(text="first")
    response = send(view.as_view(), method, {"text": "x"}, memo.pk, **{"If-Match": '"stale"'})
    assert response.status_code == 500
    refusal = caplog.records[-1].exc_info
    assert refusal is not None
    assert isinstance(refusal[1], ImproperlyConfigured)
    assert "preconditions were never evaluated" in str(refusal[1])


class MemoActions(MemoSet):
    @action(detail=True, methods=["post"])
    def rewrite(self, request: Request, pk: str) -> Response:
        """Saves a serializer it built itself, inside conditional_write()."""
        memo = self.get_object()
        with self.conditional_write(memo):
            serializer = MemoSerializer(memo, data=request.data)
            serializer.is_valid(raise_exception=True)
            serializer.save()
        return Response(serializer.data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Writes the content with a queryset's update() after its lookup."""
        memo = self.get_object()
        serializer = MemoSerializer(memo, data=request.data)
        serializer.is_valid(raise_exception=True)
        Memo.objects.filter(pk=memo.pk).update(**serializer.validated_data)
        return Response(status=204)


@pytest.mark.parametrize(
    ("actions", "method"), [({"post": "rewrite"}, "POST"), ({"put": "update"}, "PUT")]
)
def test_a_version_echoed_by_an_action_or_a_querysets_update_does_not_undo_the_claim(
    db: None, actions: dict[str, str], method: str
) -> None:
    memo = Memo.objects.create(text="first")
    read = etag(memo)
    view = MemoActions.as_view(actions)
    echoed = {"text": "second", "version": 1}
    assert send(view, method, echoed, memo.pk, **{"If-Match": read}).status_code in (200, 204)
    stale = send(view, method, {**echoed, "text": "lost"}, memo.pk, **{"If-Match": read})
    assert stale.status_code == 412
    memo.refresh_from_db()
    assert (memo.text, memo.version) == ("second", 2)
