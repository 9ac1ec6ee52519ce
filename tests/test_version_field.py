"""VersionField: every save() of a stored row bumps the version; an insert keeps the default."""

from __future__ import annotations

import django
import pytest
from django import forms
from django.contrib.auth.models import User
from django.core import serializers
from django.core.exceptions import FieldError
from django.db.models import F

from django_http_errors.models import VersionField
from tests.testapp.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def post() -> Post:
    return Post.objects.create(owner=User.objects.create_user("writer"), title="First")


def stored_version(post: Post) -> int:
    return Post.objects.values_list("version", flat=True).get(pk=post.pk)


def test_an_insert_keeps_the_default_or_the_version_given(post: Post) -> None:
    assert (post.version, stored_version(post)) == (1, 1)
    given = Post.objects.create(owner=post.owner, title="Imported", version=7)
    assert (given.version, stored_version(given)) == (7, 7)


def test_each_save_of_a_stored_row_bumps_it_by_one(post: Post) -> None:
    for expected in (2, 3):
        post.title = f"Version {expected}"
        post.save()
        assert (post.version, stored_version(post)) == (expected, expected)


def test_a_save_from_a_stale_copy_still_moves_the_version_on(post: Post) -> None:
    """Two writers read version 1; the second's save makes 3, not a second state called 2."""
    stale = Post.objects.get(pk=post.pk)
    post.save()
    stale.save()
    assert stored_version(post) == 3
    # The stale copy knows it had 1 and added one; Django 6.0 reads the row's number back.
    assert stale.version == (3 if django.VERSION >= (6, 0) else 2)


def test_an_expression_assigned_is_written_as_it_is(post: Post) -> None:
    post.version = F("version") + 1
    post.save()
    assert stored_version(post) == 2


def test_update_or_create_bumps_it(post: Post) -> None:
    # Django adds every field with a pre_save() of its own to the update_fields it saves.
    Post.objects.update_or_create(pk=post.pk, defaults={"title": "Updated"})
    assert stored_version(post) == 2


def test_save_with_update_fields_bumps_it_only_when_they_name_it(post: Post) -> None:
    post.save(update_fields=["title"])
    assert stored_version(post) == 1  # uncovered: Django calls pre_save() of the named only
    post.save(update_fields=["title", "version"])
    assert stored_version(post) == 2


def test_a_raw_save_as_loaddata_does_it_writes_the_version_it_reads(post: Post) -> None:
    post.save()
    fixture = serializers.serialize("json", [Post.objects.get(pk=post.pk)])
    post.save()
    for loaded in serializers.deserialize("json", fixture):
        loaded.save()  # save_base(raw=True): no pre_save()
    assert stored_version(post) == 2


def test_forms_cannot_name_it() -> None:
    with pytest.raises(FieldError, match="non-editable"):
        forms.modelform_factory(Post, fields=["title", "version"])


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        (VersionField(), {}),
        (VersionField(default=0), {"default": 0}),
        (VersionField(editable=True), {"editable": True}),
        (VersionField(db_column="revision"), {"db_column": "revision"}),
    ],
    ids=["defaults", "default", "editable", "other"],
)
def test_deconstruct_names_only_what_differs_from_the_defaults(
    field: VersionField, kwargs: dict[str, object]
) -> None:
    _name, path, args, deconstructed = field.deconstruct()
    assert (path, args, deconstructed) == ("django_http_errors.models.VersionField", [], kwargs)
    rebuilt = VersionField(*args, **deconstructed)
    assert (rebuilt.default, rebuilt.editable) == (field.default, field.editable)
