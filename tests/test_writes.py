"""The compare-and-swap on the database itself: one UPDATE whose WHERE names the version read."""

from __future__ import annotations

import contextlib
import pickle
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models.signals import pre_save
from django.utils import timezone

from django_http_errors.fields import one_change
from django_http_errors.writes import (
    bump_version,
    saves_fields_only,
    stored,
    swap_fields,
    swap_version,
)
from tests.testapp.conditional_views import PostSerializer
from tests.testapp.models import Memo, Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def post() -> Post:
    owner = User.objects.create_user("writer")
    created = Post.objects.create(owner=owner, title="First", body="one")
    Post.objects.filter(pk=created.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    created.refresh_from_db()
    return created


def test_of_two_copies_of_one_version_only_the_first_swaps(post: Post) -> None:
    other = Post.objects.get(pk=post.pk)
    assert swap_version(post, "version") is True
    assert post.version == 2
    assert swap_version(other, "version") is False
    assert other.version == 1
    assert Post.objects.get(pk=post.pk).version == 2


def test_swap_fields_writes_the_change_the_version_and_auto_now_in_one_update(
    post: Post, django_assert_num_queries: Any
) -> None:
    before = post.updated_at
    with django_assert_num_queries(1):
        assert swap_fields(post, {"title": "Second"}, "version") is True
    row = Post.objects.get(pk=post.pk)
    assert (row.title, row.body, row.version) == ("Second", "one", 2)
    assert row.updated_at > before
    # The version is the swap's: a VersionField's pre_save() adds nothing more.
    assert post.version == 2


def test_a_stale_swap_of_fields_writes_nothing_and_keeps_the_version_read(post: Post) -> None:
    stale = Post.objects.get(pk=post.pk)
    assert swap_version(post, "version") is True
    assert swap_fields(stale, {"title": "Lost"}, "version") is False
    assert stale.version == 1
    assert Post.objects.get(pk=post.pk).title == "First"


def stored_version(post: Post) -> int:
    return Post.objects.get(pk=post.pk).version


@pytest.mark.django_db(transaction=True)
def test_a_swap_and_the_saves_in_its_write_are_one_change_of_a_version_field(post: Post) -> None:
    """In a write of the library's (``one_change()``, in its transaction), the saves after the
    claim write its version, in row and object; a save after the write is another change."""
    with transaction.atomic(), one_change():
        assert swap_version(post, "version") is True
        post.title = "Second"
        post.save()
        assert post.version == stored_version(post) == 2
        post.save()
        assert post.version == stored_version(post) == 2
        # Another instance of the row, read in the write: the same change.
        again = Post.objects.get(pk=post.pk)
        again.save()
        assert again.version == stored_version(post) == 2
        copied = pickle.loads(pickle.dumps(post))  # a copy kept (a cache)
    # After the write, each save is a change of its own.
    copied.save()
    assert copied.version == stored_version(post) == 3
    post.save()
    assert stored_version(post) == 4


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("in_a_transaction", [False, True])
def test_a_swap_outside_a_write_then_a_save_are_two_changes(
    post: Post, in_a_transaction: bool
) -> None:
    """A swap of the caller's own, outside the library's writes: the save after it is a change
    of its own, whatever transaction the caller opened."""
    with transaction.atomic() if in_a_transaction else contextlib.nullcontext():
        assert swap_version(post, "version") is True
        post.save()
    assert post.version == stored_version(post) == 3


def test_swaps_on_a_plain_integer_version_write_one_new_version(db: None) -> None:
    memo = Memo.objects.create(text="first")
    assert swap_version(memo, "version") is True
    memo.save()  # a plain field: the save writes the version the claim gave the object
    assert memo.version == Memo.objects.get(pk=memo.pk).version == 2
    assert swap_fields(memo, {"text": "second"}, "version") is True
    assert memo.version == Memo.objects.get(pk=memo.pk).version == 3


def test_bump_version_is_an_update_that_moves_the_version_and_the_change_date(
    post: Post, django_assert_num_queries: Any
) -> None:
    before = post.updated_at
    with django_assert_num_queries(1):
        assert bump_version(Post.objects.filter(pk=post.pk), title="Bumped") == 1
    row = Post.objects.get(pk=post.pk)
    assert (row.title, row.version) == ("Bumped", 2)
    assert row.updated_at > before


def test_bump_version_keeps_a_change_date_given(post: Post) -> None:
    earlier = post.updated_at - timedelta(days=1)
    bump_version(Post.objects.filter(pk=post.pk), updated_at=earlier)
    assert Post.objects.get(pk=post.pk).updated_at == earlier


@pytest.mark.parametrize(
    ("rows", "changes"),
    [
        pytest.param(lambda: Memo.objects.all(), {}, id="no-version-field"),
        pytest.param(lambda: Post.objects.all(), {"version": 5}, id="version-given"),
    ],
)
def test_bump_version_refuses_what_it_cannot_bump(
    db: None, rows: Callable[[], Any], changes: dict[str, Any]
) -> None:
    with pytest.raises(TypeError):
        bump_version(rows(), **changes)


def test_stored_is_the_row_as_it_is_now_or_none(post: Post) -> None:
    Post.objects.filter(pk=post.pk).update(title="Changed elsewhere")
    with transaction.atomic():
        current = stored(post, lock=True)
        assert current is not None
        assert current.title == "Changed elsewhere"
    Post.objects.filter(pk=post.pk).delete()
    assert stored(post) is None


@pytest.fixture
def listening() -> Iterator[None]:
    def receiver(**kwargs: Any) -> None:
        """Anything at all: its presence is what counts."""

    pre_save.connect(receiver, sender=Post)
    yield
    pre_save.disconnect(receiver, sender=Post)


def test_only_a_plain_serializer_on_a_plain_model_folds_into_one_update(post: Post) -> None:
    serializer = PostSerializer(post, data={"title": "Third"}, partial=True)
    assert serializer.is_valid()
    assert saves_fields_only(serializer, post) is True


@pytest.mark.usefixtures("listening")
def test_a_receiver_of_the_save_keeps_the_save(post: Post) -> None:
    serializer = PostSerializer(post, data={"title": "Third"}, partial=True)
    assert serializer.is_valid()
    assert saves_fields_only(serializer, post) is False
