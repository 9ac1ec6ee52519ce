"""A compare-and-swap's claim lasts as long as the library's write that made it
(``one_change()``, inside the write's transaction), and no longer: a claim whose write rolled
back (a savepoint's too), one made on another thread, or one a copy of the object carried would
make a later save write a version that another committed change holds."""

from __future__ import annotations

import pickle
import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction

from django_http_errors.fields import one_change
from django_http_errors.writes import swap_version
from tests.conftest import basic_client, write
from tests.other_writers import another_request_saves, failing_attempt, needs_postgresql
from tests.testapp.models import Post, VersionedPage


def stored(post: Any) -> tuple[str, int]:
    row = type(post).objects.get(pk=post.pk)
    return row.title, row.version


def failed_claim(obj: Any) -> None:
    """A compare-and-swap whose transaction rolls back (a side effect failed after it)."""
    with failing_attempt(), one_change():
        assert swap_version(obj, "version") is True
        obj.title = "attempt"
        obj.save()


@pytest.mark.django_db(transaction=True)
def test_after_a_rolled_back_claim_and_refresh_two_committed_saves_share_one_version(
    users: dict[str, User],
) -> None:
    """swap_version()'s docstring: after a rollback, refresh_from_db() before saving. A claim
    that outlived its transaction made a save in a later transaction write the claimed number,
    once the object held it again, instead of moving it on."""
    post = Post.objects.create(owner=users["alice"], title="First", body="one")  # version 1
    failed_claim(post)
    post.refresh_from_db()
    assert stored(post) == ("First", 1)
    assert post.version == 1

    with transaction.atomic():
        post.title = "A"
        post.save()
    assert stored(post) == ("A", 2)  # a change: 1 -> 2

    with transaction.atomic():
        post.title = "B"
        post.save()
    # A committed change of content moves the version: it was ("B", 2).
    assert stored(post) == ("B", 3)


@pytest.mark.django_db(transaction=True)
def test_a_leaked_claim_lets_a_stale_if_match_overwrite_a_committed_change(
    users: dict[str, User],
) -> None:
    """The same over HTTP: a client that read state "A" (ETag <pk>.2) sends If-Match <pk>.2
    after "B" was committed: 412. It was 200, and overwrote "B"."""
    post = Post.objects.create(owner=users["alice"], title="First", body="one")
    failed_claim(post)
    post.refresh_from_db()
    with transaction.atomic():
        post.title = "A"
        post.save()
    read_a = f'"{post.pk}.{stored(post)[1]}"'  # what a client reading "A" holds
    with transaction.atomic():
        post.title = "B"
        post.save()
    alice = basic_client("alice")
    response = write(
        alice,
        "PATCH",
        f"/test/conditional/posts/{post.pk}/",
        {"title": "C (edited from A)"},
        **{"If-Match": read_a},
    )
    assert response.status_code == 412, (response.status_code, stored(post))


@pytest.mark.django_db(transaction=True)
def test_a_leaked_claim_and_another_writer_two_changes_one_version(
    users: dict[str, User],
) -> None:
    """No refresh: the rolled-back claim leaves obj at the claimed number, another writer (a
    form, the admin) commits that very number, then obj's save in a transaction writes it
    again. Before the commit it wrote version + 1 (VersionField: "writers that read one
    version never write the same next one")."""
    post = Post.objects.create(owner=users["alice"], title="First", body="one")
    failed_claim(post)
    assert stored(post) == ("First", 1)  # the object holds 2 (the claim), the row 1
    other = Post.objects.get(pk=post.pk)
    other.title = "Theirs"
    other.save()
    assert stored(post) == ("Theirs", 2)
    with transaction.atomic():
        post.title = "Mine"
        post.save()
    # It was ("Mine", 2): the ETag of "Theirs" matched "Mine".
    assert stored(post) == ("Mine", 3)


@pytest.mark.django_db(transaction=True)
def test_multi_table_save_needs_no_transaction_of_its_own_to_write_a_leaked_claim() -> None:
    """A model with a parent table saves in its own atomic(savepoint=False): a claim that
    outlived its write would be written there, in plain autocommit code too."""
    page = VersionedPage.objects.create(title="First")
    failed_claim(page)
    page.refresh_from_db()
    page.title = "A"
    page.save()  # autocommit
    assert stored(page) == ("A", 2)
    page.title = "B"
    page.save()  # autocommit
    assert stored(page) == ("B", 3)


# PostgreSQL: a second connection (a thread) commits while the first's transaction is open.


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_savepoint_rolled_back_inside_an_open_transaction_leaves_a_claim_that_loses_an_update(
    users: dict[str, User],
) -> None:
    """ATOMIC_REQUESTS-like: the request's transaction stays open, the claim's savepoint rolls
    back (caught). PostgreSQL releases the row lock with the savepoint, so another request
    commits version 2; this transaction's save then writes version 2 again over it."""
    post = Post.objects.create(owner=users["alice"], title="First", body="one")
    with transaction.atomic():  # the request's transaction
        # A savepoint: write_transaction(), @conditional, ...
        with failing_attempt(), one_change():
            assert swap_version(post, "version") is True
        another_request_saves(Post, post.pk, title="Theirs")
        assert stored(post) == ("Theirs", 2)
        post.title = "Mine"
        post.save()
    # It was ("Mine", 2): a client holding the ETag of "Theirs" passed If-Match against "Mine".
    assert stored(post) == ("Mine", 3)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_instance_saved_by_another_thread_uses_the_first_threads_claim(
    users: dict[str, User],
) -> None:
    """An instance handed to another thread (a worker pool) and saved there in its own
    transaction moves the version past the claim's: it wrote the claimed number, and two
    committed changes shared version 2."""
    post = Post.objects.create(owner=users["alice"], title="First", body="one")
    go = threading.Event()

    def save_in_other_thread() -> None:
        go.wait(10)
        with transaction.atomic():
            post.title = "Other thread"
            post.save()  # pre_save sees the claim (2), then waits for the row lock

    worker = threading.Thread(target=lambda: (save_in_other_thread(), connection.close()))
    worker.start()
    with transaction.atomic(), one_change():
        assert swap_version(post, "version") is True
        post.title = "Claimed"
        post.save()
        committed_by_claim = stored(post)[1]
        go.set()
        worker.join(0.5)  # it blocks on our row lock
    worker.join(10)
    assert stored(post)[0] == "Other thread"
    assert stored(post)[1] > committed_by_claim


@pytest.mark.django_db(transaction=True)
def test_a_claim_on_an_unpickled_object_is_kept_by_the_next_pickle(users: dict[str, User]) -> None:
    """An object claimed, cached (pickled), claimed again and cached inside that claim's
    transaction (a post_save receiver): a later reader of the cache that saves it in a
    transaction moves the version on: a claim kept on the object was pickled with it."""
    post = Post.objects.create(owner=users["alice"], title="First", body="one")
    with transaction.atomic(), one_change():
        assert swap_version(post, "version") is True
        post.save()  # version 2, committed; an empty _Claims stays in __dict__
    cached = pickle.loads(pickle.dumps(post))  # from the cache
    with transaction.atomic(), one_change():
        assert swap_version(cached, "version") is True
        cached.title = "X"
        cached.save()  # version 3
        blob = pickle.dumps(cached)  # e.g. cache.set() in a post_save receiver
    title, x_version = stored(post)
    assert title == "X"  # version 3
    later = pickle.loads(blob)  # another request, another process
    with transaction.atomic():  # ATOMIC_REQUESTS, an admin change view, ...
        later.title = "Y"
        later.save()
    # It was ("Y", 3): the ETag of "X" matched "Y".
    assert stored(post) == ("Y", x_version + 1)


@pytest.mark.django_db  # the test's own transaction, which never commits (Django's TestCase)
def test_in_a_test_case_a_claim_ends_with_its_write(users: dict[str, User]) -> None:
    """The claim ends with the write, not with a commit: in a test as in production."""
    post = Post.objects.create(owner=users["alice"], title="First", body="one")
    with transaction.atomic(), one_change():
        assert swap_version(post, "version") is True
        post.title = "A"
        post.save()
    assert stored(post) == ("A", 2)
    post.title = "B"
    post.save()
    assert stored(post) == ("B", 3)


@pytest.mark.django_db(transaction=True)
def test_under_manual_transactions_a_claim_ends_with_its_write(users: dict[str, User]) -> None:
    """``set_autocommit(False)`` and ``commit()``: Django runs no ``on_commit()`` function at
    such a commit, and a claim kept until one ran made the next transaction's save write the
    committed version again."""
    post = Post.objects.create(owner=users["alice"], title="First", body="one")
    transaction.set_autocommit(False)
    try:
        with transaction.atomic(), one_change():
            assert swap_version(post, "version") is True
            post.title = "A"
            post.save()
        transaction.commit()
        with transaction.atomic():
            post.title = "B"
            post.save()
        transaction.commit()
    finally:
        transaction.set_autocommit(True)
    assert stored(post) == ("B", 3)
