"""IdempotencyMixin over real requests to the test app: each rule of docs/idempotency.md.

``/test/idempotent/posts/`` carries the mixin beside ConditionalUpdateMixin, with hooks around a
create's write where a test sends its retry or fails; ``/test/idempotent/notes/`` has it alone,
on a view that anonymous clients may use. The demo's keyed create and publish, and the races
over real server processes, are in ``tests/test_demo_idempotency.py``.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import post_save
from django.test import Client, override_settings
from django.urls import path
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.response import Response

from django_http_errors import idempotency
from django_http_errors.conf import get_settings
from django_http_errors.models import IdempotencyKey
from tests.conftest import basic_client, problem
from tests.testapp.idempotency_views import KeyedPostViewSet, PostKeyedOnCreateViewSet
from tests.testapp.models import Note, Post

POSTS = "/test/idempotent/posts/"
NOTES = "/test/idempotent/notes/"
MIGRATION_0002 = "django_http_errors.migrations.0002_keys_scoped_by_client"
CONTENT = {"title": "Once", "body": "only once"}


def new_key() -> str:
    """A quoted key, as the draft writes it."""
    return f'"{uuid.uuid4()}"'


def post(client: Client, key: str | None, content: Any = CONTENT, path: str = POSTS) -> Any:
    """POST JSON content with an Idempotency-Key (or none)."""
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(path, data=json.dumps(content), content_type="application/json", **headers)


@pytest.fixture
def alice(users: dict[str, User]) -> Client:
    """Alice's client (Basic)."""
    return basic_client("alice")


@pytest.fixture
def alice_sees_500(users: dict[str, User]) -> Client:
    """Alice's client, which gets the 500 rather than the exception behind it."""
    return basic_client("alice", raise_request_exception=False)


def created() -> int:
    """How many posts titled as ``CONTENT`` exist."""
    return Post.objects.filter(title=CONTENT["title"]).count()


# The first request, and its retries


def test_a_retry_replays_the_first_answer_without_running_the_view(alice: Client) -> None:
    key = new_key()
    first = post(alice, key)
    retry = post(alice, key)
    assert first.status_code == retry.status_code == 201
    assert created() == 1
    assert retry.content == first.content
    for header in ("Location", "ETag", "Content-Type"):
        assert retry[header] == first[header], header
    assert retry[idempotency.IDEMPOTENT_REPLAYED] == "true"
    assert idempotency.IDEMPOTENT_REPLAYED not in first


def test_the_bare_form_names_the_same_key_as_the_quoted_string(alice: Client) -> None:
    first = post(alice, '"8e03978e-40d5-43e8-bc93-6894a57f9324"')
    retry = post(alice, "8e03978e-40d5-43e8-bc93-6894a57f9324")
    assert retry.status_code == 201
    assert retry["Location"] == first["Location"]
    assert created() == 1


def test_without_a_key_every_request_is_done(alice: Client) -> None:
    assert post(alice, None).status_code == post(alice, None).status_code == 201
    assert created() == 2


@pytest.mark.parametrize(
    "value",
    ['"unterminated', '"a", "b"', '""', "a b", '"key";param=1', '"' + "k" * 256 + '"', "é"],
)
def test_a_malformed_key_is_400(alice: Client, value: str) -> None:
    response = post(alice, value)
    assert response.status_code == 400
    assert problem(response)["code"] == "idempotency_key_malformed"
    assert created() == 0


@override_settings(HTTP_ERRORS={"IDEMPOTENCY_KEY_REQUIRED": True})
def test_a_view_that_requires_a_key_names_the_header(alice: Client) -> None:
    response = post(alice, None)
    assert response.status_code == 400
    body = problem(response)
    assert body["code"] == "idempotency_key_required"
    assert body["required_headers"] == ["Idempotency-Key"]
    assert "Idempotency-Key" in body["detail"]
    assert created() == 0
    assert post(alice, new_key()).status_code == 201


def test_the_key_with_other_content_is_422(alice: Client) -> None:
    key = new_key()
    post(alice, key)
    response = post(alice, key, {"title": "Other", "body": ""})
    assert response.status_code == 422
    assert problem(response)["code"] == "idempotency_key_reused"
    assert not Post.objects.filter(title="Other").exists()


def test_another_content_type_is_other_content(alice: Client) -> None:
    key = new_key()
    post(alice, key)
    response = alice.post(
        POSTS,
        data=json.dumps(CONTENT),
        content_type="application/json; charset=utf-8",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert response.status_code == 422


def test_the_key_while_the_first_request_runs_is_409(
    alice: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = new_key()
    during: list[Any] = []
    # The retry arrives while the first request is running, before it writes.
    monkeypatch.setattr(
        KeyedPostViewSet, "before_writing", lambda view: during.append(post(alice, key))
    )
    assert post(alice, key).status_code == 201
    assert during[0].status_code == 409
    assert problem(during[0])["code"] == "idempotency_key_in_use"
    # Retry when the first request's lease ends: the lease plus the clocks' skew, at most.
    lease = get_settings().IDEMPOTENCY_KEY_LEASE + get_settings().CLOCK_SKEW
    assert 1 <= int(during[0]["Retry-After"]) <= lease
    assert created() == 1


@override_settings(HTTP_ERRORS={"IDEMPOTENCY_KEY_LEASE": 0, "CLOCK_SKEW": 0})
def test_a_request_slower_than_the_lease_still_runs_once(
    alice: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = new_key()
    during: list[Any] = []
    started: list[bool] = []

    def retry_once(view: KeyedPostViewSet) -> None:
        if not started:
            started.append(True)
            # The first request is past its lease: its retry takes the key over and writes.
            during.append(post(alice, key))

    monkeypatch.setattr(KeyedPostViewSet, "before_writing", retry_once)
    slow = post(alice, key)
    assert during[0].status_code == 201
    # The slow one reached its write after losing the key: its write rolled back.
    assert slow.status_code == 409
    assert problem(slow)["code"] == "idempotency_key_in_use"
    assert created() == 1
    again = post(alice, key)
    assert again.status_code == 201
    assert again["Location"] == during[0]["Location"]


# What a failed first request does to its key


def test_a_4xx_before_any_write_releases_the_key_for_a_corrected_retry(alice: Client) -> None:
    key = new_key()
    invalid = post(alice, key, {"title": ""})
    assert invalid.status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert post(alice, key).status_code == 201
    assert created() == 1


def test_a_5xx_before_any_write_releases_the_key(
    alice_sees_500: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = new_key()

    def down(view: KeyedPostViewSet) -> None:
        raise RuntimeError("down")

    monkeypatch.setattr(KeyedPostViewSet, "before_writing", down)
    assert post(alice_sees_500, key).status_code == 500
    monkeypatch.undo()
    assert post(alice_sees_500, key).status_code == 201
    assert created() == 1


@override_settings(HTTP_ERRORS={"IDEMPOTENCY_KEY_LEASE": 0, "CLOCK_SKEW": 0})
def test_a_5xx_after_the_write_committed_tells_the_retry_to_look_it_up(
    alice_sees_500: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = new_key()

    def broken(view: KeyedPostViewSet) -> None:
        raise RuntimeError("after the write")

    monkeypatch.setattr(KeyedPostViewSet, "after_writing", broken)
    assert post(alice_sees_500, key).status_code == 500
    monkeypatch.undo()
    retry = post(alice_sees_500, key)
    assert retry.status_code == 409
    assert problem(retry)["code"] == "idempotent_answer_lost"
    assert created() == 1


def test_a_4xx_answered_after_a_write_that_commits_is_kept_and_replayed(
    alice: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = new_key()

    def refuse(view: KeyedPostViewSet, response: Response) -> Response:
        # Returned, not raised: the write commits, and this is its answer.
        return Response({"title": ["refused after the write"]}, status=400)

    monkeypatch.setattr(KeyedPostViewSet, "answer_created", refuse)
    first = post(alice, key)
    monkeypatch.undo()
    retry = post(alice, key)
    assert first.status_code == retry.status_code == 400
    assert retry.content == first.content
    assert created() == 1


def test_a_retry_between_the_commit_and_the_stored_answer_is_told_to_wait(
    alice: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = new_key()
    during: list[Any] = []
    # The write has committed; the answer is not stored yet.
    monkeypatch.setattr(
        KeyedPostViewSet, "after_writing", lambda view: during.append(post(alice, key))
    )
    first = post(alice, key)
    assert during[0].status_code == 409
    assert problem(during[0])["code"] == "idempotency_key_in_use"
    assert during[0]["Retry-After"] == "1"  # its answer is being stored
    monkeypatch.undo()
    assert post(alice, key)["Location"] == first["Location"]
    assert created() == 1


@override_settings(HTTP_ERRORS={"IDEMPOTENCY_KEY_LEASE": 0, "CLOCK_SKEW": 0})
def test_a_process_that_dies_before_storing_the_answer_never_runs_twice(
    alice: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = new_key()

    def die(view: KeyedPostViewSet) -> None:
        # As a worker killed mid-request exits: past every handler, so no answer is stored.
        raise SystemExit(1)

    monkeypatch.setattr(KeyedPostViewSet, "after_writing", die)
    with pytest.raises(SystemExit):
        post(alice, key)
    monkeypatch.undo()
    assert IdempotencyKey.objects.get().state == IdempotencyKey.State.WRITTEN
    retry = post(alice, key)
    assert retry.status_code == 409
    assert problem(retry)["code"] == "idempotent_answer_lost"
    assert created() == 1


# Scope: user, method, path; expiry


def test_a_stored_answer_never_reaches_another_user(users: dict[str, User]) -> None:
    key = new_key()
    alices = post(basic_client("alice"), key)
    bobs = post(basic_client("bob"), key)
    assert alices.status_code == bobs.status_code == 201
    assert bobs["Location"] != alices["Location"]
    assert idempotency.IDEMPOTENT_REPLAYED not in bobs
    assert Post.objects.get(pk=bobs.json()["id"]).owner.username == "bob"


def test_a_stored_answer_never_reaches_an_anonymous_client(alice: Client) -> None:
    key = new_key()
    post(alice, key)
    response = post(Client(), key)
    assert response.status_code == 401
    assert created() == 1


def test_an_anonymous_clients_key_is_refused_where_anonymous_writes_are_allowed(db: None) -> None:
    response = post(Client(), new_key(), {"text": "hello"}, NOTES)
    assert response.status_code == 400
    assert problem(response)["code"] == "idempotency_key_unauthenticated"
    assert not Note.objects.exists()
    assert post(Client(), None, {"text": "hello"}, NOTES).status_code == 201


def test_the_same_user_by_another_scheme_is_the_same_client(
    alice: Client, token_for: Callable[[str], str]
) -> None:
    key = new_key()
    first = post(alice, key)
    retry = post(Client(HTTP_AUTHORIZATION=token_for("alice")), key)
    assert retry.status_code == 201
    assert retry["Location"] == first["Location"]
    assert created() == 1


def test_the_mixin_alone_replays_too(users: dict[str, User]) -> None:
    client = basic_client("bob")
    key = new_key()
    first = post(client, key, {"text": "hello"}, NOTES)
    retry = post(client, key, {"text": "hello"}, NOTES)
    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content
    assert Note.objects.count() == 1


def test_one_key_names_one_request_whatever_the_path(alice: Client) -> None:
    key = new_key()
    assert post(alice, key).status_code == 201
    # The same key to another path is a reuse with other content: 422, nothing done.
    noted = post(alice, key, {"text": "hello"}, NOTES)
    assert noted.status_code == 422, noted.content
    assert problem(noted)["code"] == "idempotency_key_reused"
    assert Note.objects.count() == 0


def stored_before_0002(row: IdempotencyKey) -> str:
    """The scope a key was stored under before migration 0002: client, method, path, key."""
    digest = hashlib.sha256()
    for part in (row.client, row.method, row.path, row.key):
        digest.update(len(part.encode()).to_bytes(8, "big"))
        digest.update(part.encode())
    return digest.hexdigest()


def test_a_key_stored_before_the_scope_changed_is_found_by_its_retry(alice: Client) -> None:
    key = new_key()
    first = post(alice, key)
    row = IdempotencyKey.objects.get()
    IdempotencyKey.objects.update(scope=stored_before_0002(row))
    # Without the migration the retry would not find it, and create a second post.
    importlib.import_module(MIGRATION_0002).scope_by_client(django_apps, None)
    retry = post(alice, key)
    assert (retry.status_code, retry[idempotency.IDEMPOTENT_REPLAYED]) == (201, "true")
    assert retry.content == first.content
    assert created() == 1


def test_the_newest_of_one_key_on_two_paths_keeps_it_after_the_migration(alice: Client) -> None:
    # Before 0002 one key could hold a claim on each path: the second row is made as it was.
    post(alice, new_key())
    older = IdempotencyKey.objects.get()
    newer = IdempotencyKey.objects.get(pk=older.pk)
    newer.pk, newer.path, newer.claimed_at = None, NOTES, older.claimed_at + timedelta(seconds=1)
    newer.scope = "other"
    newer.save()
    for row in IdempotencyKey.objects.all():
        IdempotencyKey.objects.filter(pk=row.pk).update(scope=stored_before_0002(row))
    importlib.import_module(MIGRATION_0002).scope_by_client(django_apps, None)
    assert list(IdempotencyKey.objects.values_list("path", flat=True)) == [NOTES]


def test_an_expired_key_is_free_again(alice: Client) -> None:
    key = new_key()
    post(alice, key)
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    # Other content is no longer a reuse, and the same content is done again.
    assert post(alice, key, {"title": "Other"}).status_code == 201
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert post(alice, key).status_code == 201
    assert created() == 2


@override_settings(HTTP_ERRORS={"IDEMPOTENCY_KEY_EXPIRY": 3600})
def test_the_expiry_is_a_setting(alice: Client) -> None:
    before = timezone.now()
    post(alice, new_key())
    expires = IdempotencyKey.objects.get().expires_at
    assert timedelta(seconds=3599) < expires - before < timedelta(seconds=3601)


def test_safe_methods_ignore_the_key(alice: Client, alices_post: Post) -> None:
    response = alice.get(f"{POSTS}{alices_post.pk}/", HTTP_IDEMPOTENCY_KEY="not a key")
    assert response.status_code == 200
    assert not IdempotencyKey.objects.exists()


def test_a_method_outside_idempotent_methods_ignores_the_key(
    alice: Client, alices_post: Post
) -> None:
    url = f"/test/idempotent/posts-keyed-on-create/{alices_post.pk}/"
    response = alice.delete(
        url, HTTP_IF_MATCH=alice.get(url)["ETag"], HTTP_IDEMPOTENCY_KEY="not a key"
    )
    assert response.status_code == 204
    assert not IdempotencyKey.objects.exists()


# Beside ConditionalUpdateMixin


def test_a_retried_conditional_write_replays_instead_of_failing_412(
    alice: Client, alices_post: Post
) -> None:
    url = f"{POSTS}{alices_post.pk}/"
    etag = alice.get(url)["ETag"]
    key = new_key()

    def patch() -> Any:
        return alice.patch(
            url,
            data=json.dumps({"title": "Patched once"}),
            content_type="application/json",
            HTTP_IF_MATCH=etag,
            HTTP_IDEMPOTENCY_KEY=key,
        )

    first = patch()
    retry = patch()
    assert first.status_code == retry.status_code == 200
    assert retry["ETag"] == first["ETag"]
    alices_post.refresh_from_db()
    assert alices_post.version == 2


# A retry never waits for the first request's open transaction (PostgreSQL)


@pytest.mark.postgres
@pytest.mark.timed
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("atomic", "lease", "retry_after"),
    [
        # The first request is in its write: the key's row is marked written, not committed.
        pytest.param(False, 60, 59, id="in-its-write"),
        # The same, past its lease: the retry would take the key over, but the row is held.
        pytest.param(False, 0, 1, id="in-its-write-past-its-lease"),
        # ATOMIC_REQUESTS: the first request's claim itself is not committed until it ends.
        pytest.param(True, 60, 1, id="atomic-requests"),
    ],
)
def test_a_retry_is_409_at_once_while_the_first_requests_transaction_is_open(
    users: dict[str, User],
    monkeypatch: pytest.MonkeyPatch,
    atomic: bool,
    lease: int,
    retry_after: int,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs postgresql (DATABASE_URL): SQLite has one writer at a time")
    if atomic:
        monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
    key = new_key()
    inside, release = threading.Event(), threading.Event()
    first: dict[str, Any] = {}

    def hold(**kwargs: Any) -> None:
        # In the first request's transaction, which the post's INSERT has just joined.
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            first["lock_timeout"] = cursor.fetchone()[0]
        inside.set()
        release.wait(30)

    def send_first() -> None:
        try:
            first["response"] = post(basic_client("alice"), key)
        finally:
            connection.close()

    post_save.connect(hold, sender=Post, dispatch_uid="hold-the-first-write")
    thread = threading.Thread(target=send_first)
    try:
        with override_settings(HTTP_ERRORS={"IDEMPOTENCY_KEY_LEASE": lease, "CLOCK_SKEW": 0}):
            thread.start()
            assert inside.wait(10)
            started = time.monotonic()
            retry = post(basic_client("alice"), key)
            waited = time.monotonic() - started
            release.set()
            thread.join(30)
    finally:
        release.set()
        post_save.disconnect(dispatch_uid="hold-the-first-write", sender=Post)

    assert retry.status_code == 409, retry.content
    assert problem(retry)["code"] == "idempotency_key_in_use"
    assert int(retry["Retry-After"]) in (retry_after, retry_after + 1)
    assert waited < 1, waited
    # The first request's own statements wait as they did: the claim put its setting back.
    assert first["lock_timeout"] == "0"
    assert first["response"].status_code == 201
    again = post(basic_client("alice"), key)
    assert again.status_code == 201
    assert again["Location"] == first["response"]["Location"]
    assert created() == 1


# Operations: purging, schema, translations


def test_purge_deletes_expired_keys_only(alice: Client) -> None:
    post(alice, new_key())
    post(alice, new_key(), {"title": "Other"})
    expired = IdempotencyKey.objects.order_by("pk").first()
    assert expired is not None
    IdempotencyKey.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    out = io.StringIO()
    call_command("purge_idempotency_keys", stdout=out)
    assert "Deleted 1 " in out.getvalue()
    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) != [expired.pk]
    assert IdempotencyKey.objects.count() == 1


def test_the_schema_documents_the_header_and_its_problems() -> None:
    patterns = [
        path("posts/", KeyedPostViewSet.as_view({"get": "list", "post": "create"})),
        path("posts/<int:pk>/", KeyedPostViewSet.as_view({"patch": "partial_update"})),
        path("on-create/<int:pk>/", PostKeyedOnCreateViewSet.as_view({"patch": "partial_update"})),
    ]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)

    def headers(route: str, method: str) -> set[str]:
        operation = schema["paths"][route][method]
        return {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}

    for route, method in (("/posts/", "post"), ("/posts/{id}/", "patch")):
        assert "Idempotency-Key" in headers(route, method), route
        assert {"400", "409", "422"} <= set(schema["paths"][route][method]["responses"]), route
    assert "Idempotency-Key" not in headers("/posts/", "get")
    assert "Idempotency-Key" not in headers("/on-create/{id}/", "patch")


def test_the_problems_speak_german(alice: Client) -> None:
    key = new_key()
    post(alice, key)
    response = alice.post(
        POSTS,
        data=json.dumps({"title": "Anders"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        HTTP_ACCEPT_LANGUAGE="de",
    )
    body = problem(response)
    assert body["title"] == "Idempotency-Key wiederverwendet"
    assert "Idempotency-Key" in body["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/test/idempotent/unthrottled-posts/",
        "/test/idempotent/limited-posts/",
        "/test/idempotent/two-scopes-posts/",
    ],
)
def test_a_check_throttles_of_ones_own_claims_the_key_once(alice: Client, path: str) -> None:
    """Overridden without super(), in the view or by a mixin before the library's: the key is
    claimed after the checks that ran, so its retry is replayed, not done again. With super()
    twice: claimed once, not refused as in flight by its own claim."""
    key = new_key()
    first = post(alice, key, path=path)
    assert first.status_code == 201
    retry = post(alice, key, path=path)
    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert post(alice, key, {"title": "other"}, path=path).status_code == 422
    assert created() == 1


def test_a_keyed_write_whose_permission_looks_the_object_up_is_replayed(alice: Client) -> None:
    """The permission decided the preconditions before the key was claimed: the retry, whose
    If-Match the first write had made stale, was 412, not the first answer."""
    first = post(alice, new_key(), path="/test/idempotent/looking-up-posts/")
    path = f"/test/idempotent/looking-up-posts/{first.json()['id']}/"
    key, etag = new_key(), alice.get(path)["ETag"]

    def patch() -> Any:
        return alice.patch(
            path,
            json.dumps({"body": "changed"}),
            "application/json",
            headers={"If-Match": etag, "Idempotency-Key": key},
        )

    changed = patch()
    assert changed.status_code == 200, changed.content
    retry = patch()
    assert retry.status_code == 200, retry.content
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.content == changed.content


def test_a_keys_answer_a_permission_swallowed_still_answers(alice: Client) -> None:
    """The permission caught what its lookup's early claim raised (the 422 of a key reused
    with other content): the write then ran unkeyed, a second time."""
    first = post(alice, new_key(), path="/test/idempotent/catching-posts/")
    path = f"/test/idempotent/catching-posts/{first.json()['id']}/"
    key = new_key()

    def patch(body: str) -> Any:
        return alice.patch(
            path, json.dumps({"body": body}), "application/json", headers={"Idempotency-Key": key}
        )

    assert patch("A").status_code == 200
    assert patch("B").status_code == 422
    replayed = patch("A")
    assert (replayed.status_code, replayed["Idempotent-Replayed"]) == (200, "true")
    assert alice.get(path).json()["body"] == "A"


def test_a_swallowed_keys_answer_still_answers_under_a_limiter_of_ones_own(
    alice: Client,
) -> None:
    """DRF's check_throttles() never runs, and the action looks nothing up: the answer the
    permission caught is raised as initial() ends, or each POST prepends again."""
    first = post(alice, new_key(), {"title": "Kept", "body": "."}, path=POSTS)
    path = f"/test/idempotent/unthrottled-catching-posts/{first.json()['id']}/prepend/"
    key = new_key()

    def prepend(body: str) -> Any:
        return alice.post(
            path, json.dumps({"body": body}), "application/json", headers={"Idempotency-Key": key}
        )

    assert [prepend(body).status_code for body in ("A", "B", "A")] == [200, 422, 200]
    assert Post.objects.get(pk=first.json()["id"]).body == "A."


def test_an_anonymous_keyed_write_whose_permission_looks_the_object_up_is_401(
    alice: Client,
) -> None:
    """Not the key's own 400 (no one can own it), claimed before DRF's authentication
    refusal."""
    first = post(alice, new_key(), path="/test/idempotent/looking-up-posts/")
    path = f"/test/idempotent/looking-up-posts/{first.json()['id']}/"
    anonymous = Client().patch(
        path, json.dumps({"body": "x"}), "application/json", headers={"Idempotency-Key": new_key()}
    )
    assert anonymous.status_code == 401, anonymous.content
