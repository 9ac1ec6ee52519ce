"""VersionField: every save() of a stored row bumps the version; an insert keeps the default.

And issue 19's acceptance, over real requests: after a change saved by a ``ModelForm`` or the
admin, the ETag a client holds neither revalidates (304) nor lets a write through (200).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import django
import pytest
from django import forms
from django.contrib.auth.models import User
from django.core import serializers
from django.core.exceptions import FieldError
from django.db.models import F
from django.test import Client
from django.utils import timezone

from django_http_errors.fields import VersionField
from tests.conftest import write
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


def test_the_documented_update_fields_move_the_version_and_the_date_together(post: Post) -> None:
    # docs/conditional.md: name the version and the field Last-Modified comes from.
    Post.objects.filter(pk=post.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    before = Post.objects.get(pk=post.pk).updated_at
    post.save(update_fields=["title", "version"])
    assert Post.objects.get(pk=post.pk).updated_at == before  # the date stays: a stale 304
    post.save(update_fields=["title", "version", "updated_at"])
    stored = Post.objects.get(pk=post.pk)
    assert (stored.version, stored.updated_at > before) == (3, True)


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
    assert (path, args, deconstructed) == ("django_http_errors.fields.VersionField", [], kwargs)
    rebuilt = VersionField(*args, **deconstructed)
    assert (rebuilt.default, rebuilt.editable) == (field.default, field.editable)


# Issue 19: every writer bumps the version


class PostForm(forms.ModelForm):  # type: ignore[type-arg]
    """A plain form of the post, as an HTML page of the project would have."""

    class Meta:
        model = Post
        fields = ["title", "body"]


def save_with_a_form(post: Post, users: dict[str, User]) -> None:
    form = PostForm({"title": "Changed elsewhere", "body": post.body}, instance=post)
    assert form.is_valid(), form.errors
    form.save()


def save_in_the_admin(post: Post, users: dict[str, User]) -> None:
    staff = Client()
    staff.force_login(users["admin"])
    change = f"/test/admin/testapp/post/{post.pk}/change/"
    response = staff.post(change, {"title": "Changed elsewhere", "body": post.body, "_save": "1"})
    assert response.status_code == 302, response.content  # saved: back to the list


@pytest.mark.parametrize("save", [save_with_a_form, save_in_the_admin], ids=["form", "admin"])
def test_a_change_saved_elsewhere_is_a_new_state_for_the_api(
    client_as: Callable[[str], Client],
    users: dict[str, User],
    alices_post: Post,
    save: Callable[[Post, dict[str, User]], None],
) -> None:
    path = f"/test/conditional/posts/{alices_post.pk}/"
    read = Client().get(path)["ETag"]
    assert Client().get(path, headers={"If-None-Match": read}).status_code == 304

    save(Post.objects.get(pk=alices_post.pk), users)

    assert Client().get(path, headers={"If-None-Match": read}).status_code == 200
    overwrite = write(client_as("alice"), "PATCH", path, {"title": "Stale"}, **{"If-Match": read})
    assert overwrite.status_code == 412
    assert Post.objects.get(pk=alices_post.pk).title == "Changed elsewhere"
