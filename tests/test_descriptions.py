"""Each mixin describes what it adds to an operation, without a request or a schema tool."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import generics

from django_http_errors.descriptions import Operation, OperationDescription, describe
from django_http_errors.exceptions import (
    Conflict,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    PreconditionFailed,
    PreconditionRequired,
)
from django_http_errors.idempotency import IdempotencyMixin
from django_http_errors.mixins import ConditionalUpdateMixin
from tests.testapp.models import Label, Post


def view(*mixins: type, **attributes: Any) -> Any:
    """An instance of a generic view over posts with ``mixins``, as no request made it."""
    bases = (*mixins, generics.RetrieveUpdateDestroyAPIView)
    return type("Posts", bases, {"queryset": Post.objects.all(), **attributes})()


def names(description: OperationDescription) -> list[str]:
    """The request headers a description names."""
    return [parameter.name for parameter in description.parameters]


def test_a_view_that_describes_nothing_adds_nothing() -> None:
    assert describe(generics.GenericAPIView(), Operation("PUT", detail=True)) == (
        OperationDescription()
    )


@pytest.mark.parametrize(
    ("required", "problems"),
    [(True, (PreconditionFailed, PreconditionRequired)), (False, (PreconditionFailed, Conflict))],
)
def test_a_conditional_write(required: bool, problems: tuple[type, ...]) -> None:
    conditional = view(ConditionalUpdateMixin, precondition_required=required)
    found = describe(conditional, Operation("PATCH", detail=True, model=Post))
    assert names(found) == ["If-Match", "If-None-Match", "If-Unmodified-Since"]
    assert found.problems == problems
    # The new state's validators; a PUT's answer carries none.
    assert [(h.name, h.statuses) for h in found.response_headers] == [
        ("ETag", (200,)),
        ("Last-Modified", (200,)),
    ]
    put = describe(conditional, Operation("PUT", detail=True, model=Post))
    assert put.response_headers == ()


def test_conditional_reads() -> None:
    conditional = view(ConditionalUpdateMixin)
    found = describe(conditional, Operation("GET", detail=True, model=Post))
    assert found.statuses == {304}
    assert found.problems == (PreconditionFailed,)
    assert [(h.name, h.statuses) for h in found.response_headers] == [
        ("ETag", (200, 304)),
        ("Last-Modified", (200, 304)),
    ]
    # A list has a weak ETag only, and only where something tracks its changes.
    posts = describe(conditional, Operation("GET", lists=True, model=Post))
    assert [h.name for h in posts.response_headers] == ["ETag"]
    assert names(posts) == ["If-Match", "If-None-Match"]
    assert describe(conditional, Operation("GET", lists=True, model=Label)) == (
        OperationDescription()
    )


def test_an_idempotent_write_with_preconditions() -> None:
    both = view(IdempotencyMixin, ConditionalUpdateMixin, idempotency_key_required=True)
    found = describe(both, Operation("PUT", detail=True, model=Post))
    assert names(found) == ["Idempotency-Key", "If-Match", "If-None-Match", "If-Unmodified-Since"]
    assert found.parameters[0].required is True
    assert {IdempotencyKeyInUse, IdempotencyKeyReused, PreconditionFailed} <= set(found.problems)
    # A read takes no key, whatever the order of the mixins.
    read = describe(both, Operation("GET", detail=True, model=Post))
    assert "Idempotency-Key" not in names(read)
    alone = describe(view(ConditionalUpdateMixin), Operation("GET", detail=True, model=Post))
    assert names(read) == names(alone)
