"""Idempotency-Key over real requests: each rule of docs/idempotency.md, then real races.

The demo's ``POST /api/articles/`` and ``POST /api/articles/{id}/publish/`` carry the mixin;
``/test/idempotent/notes/`` has it alone, on a view that anonymous clients may use.
"""

from __future__ import annotations

import collections
import contextlib
import io
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from demo_project.articles import views as article_views
from demo_project.articles.models import Article
from demo_project.articles.views import ArticleViewSet
from demo_project.servers import gunicorn
from django_http_errors import idempotency
from django_http_errors.models import IdempotencyKey
from tests.conftest import basic, problem
from tests.testapp.models import Note, Post

ARTICLES = "/api/articles/"
NOTES = "/test/idempotent/notes/"
CONTENT = {"title": "Once", "body": "only once"}


def new_key() -> str:
    """A quoted key, as the draft writes it."""
    return f'"{uuid.uuid4()}"'


def post(client: Client, key: str | None, content: Any = CONTENT, path: str = ARTICLES) -> Any:
    """POST JSON content with an Idempotency-Key (or none)."""
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(path, data=json.dumps(content), content_type="application/json", **headers)


@pytest.fixture
def alice(as_user: Callable[[str], Client]) -> Client:
    """Alice's client (Basic)."""
    return as_user("alice")


@pytest.fixture
def alice_sees_500(seeded: dict[str, User]) -> Client:
    """Alice's client, which gets the 500 rather than the exception behind it."""
    return Client(
        HTTP_AUTHORIZATION=basic("alice", "alice-password"), raise_request_exception=False
    )


def created() -> int:
    """How many articles titled as ``CONTENT`` exist."""
    return Article.objects.filter(title=CONTENT["title"]).count()


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
    assert not Article.objects.filter(title="Other").exists()


def test_another_content_type_is_other_content(alice: Client) -> None:
    key = new_key()
    post(alice, key)
    response = alice.post(
        ARTICLES,
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
    perform_create = ArticleViewSet.perform_create

    def slow_create(view: ArticleViewSet, serializer: Any) -> None:
        during.append(post(alice, key))  # the retry arrives while the first is running
        perform_create(view, serializer)

    monkeypatch.setattr(ArticleViewSet, "perform_create", slow_create)
    assert post(alice, key).status_code == 201
    assert during[0].status_code == 409
    assert problem(during[0])["code"] == "idempotency_key_in_use"
    assert created() == 1


@override_settings(HTTP_ERRORS={"IDEMPOTENCY_KEY_LEASE": 0})
def test_a_request_slower_than_the_lease_still_runs_once(
    alice: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = new_key()
    during: list[Any] = []
    started: list[bool] = []
    perform_create = ArticleViewSet.perform_create

    def slow_create(view: ArticleViewSet, serializer: Any) -> None:
        if not started:
            started.append(True)
            # The first request is past its lease: its retry takes the key over and writes.
            during.append(post(alice, key))
        perform_create(view, serializer)

    monkeypatch.setattr(ArticleViewSet, "perform_create", slow_create)
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
    perform_create = ArticleViewSet.perform_create

    def broken(view: ArticleViewSet, serializer: Any) -> None:
        raise RuntimeError("down")

    monkeypatch.setattr(ArticleViewSet, "perform_create", broken)
    assert post(alice_sees_500, key).status_code == 500
    monkeypatch.setattr(ArticleViewSet, "perform_create", perform_create)
    assert post(alice_sees_500, key).status_code == 201
    assert created() == 1


@override_settings(HTTP_ERRORS={"IDEMPOTENCY_KEY_LEASE": 0})
def test_a_5xx_after_the_write_committed_tells_the_retry_to_look_it_up(
    alice_sees_500: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = new_key()

    def broken(view: ArticleViewSet, data: Any) -> dict[str, str]:
        raise RuntimeError("after the write")

    monkeypatch.setattr(ArticleViewSet, "get_success_headers", broken)
    assert post(alice_sees_500, key).status_code == 500
    monkeypatch.undo()
    retry = post(alice_sees_500, key)
    assert retry.status_code == 409
    assert problem(retry)["code"] == "idempotent_answer_lost"
    assert created() == 1


def test_a_4xx_after_the_write_committed_is_kept_and_replayed(
    alice: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rest_framework.exceptions import ValidationError

    key = new_key()

    def refuse(view: ArticleViewSet, data: Any) -> dict[str, str]:
        raise ValidationError({"title": "refused after the write"})

    monkeypatch.setattr(ArticleViewSet, "get_success_headers", refuse)
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
    keep = idempotency._keep

    def keep_later(claim: Any, response: Any) -> None:
        during.append(post(alice, key))  # the write has committed; the answer is not stored
        keep(claim, response)

    monkeypatch.setattr(idempotency, "_keep", keep_later)
    first = post(alice, key)
    assert during[0].status_code == 409
    assert problem(during[0])["code"] == "idempotency_key_in_use"
    monkeypatch.undo()
    assert post(alice, key)["Location"] == first["Location"]
    assert created() == 1


@override_settings(HTTP_ERRORS={"IDEMPOTENCY_KEY_LEASE": 0})
def test_a_process_that_dies_before_storing_the_answer_never_runs_twice(
    alice: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = new_key()
    monkeypatch.setattr(idempotency, "_keep", lambda claim, response: None)
    assert post(alice, key).status_code == 201
    monkeypatch.undo()
    assert IdempotencyKey.objects.get().state == IdempotencyKey.State.WRITTEN
    retry = post(alice, key)
    assert retry.status_code == 409
    assert problem(retry)["code"] == "idempotent_answer_lost"
    assert created() == 1


# Scope: user, method, path; expiry


def test_a_stored_answer_never_reaches_another_user(as_user: Callable[[str], Client]) -> None:
    key = new_key()
    alices = post(as_user("alice"), key)
    bobs = post(as_user("bob"), key)
    assert alices.status_code == bobs.status_code == 201
    assert bobs["Location"] != alices["Location"]
    assert idempotency.IDEMPOTENT_REPLAYED not in bobs
    assert Article.objects.get(pk=bobs.json()["id"]).owner.username == "bob"


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
    alice: Client, token_of: Callable[[str], str]
) -> None:
    key = new_key()
    first = post(alice, key)
    retry = post(Client(HTTP_AUTHORIZATION=token_of("alice")), key)
    assert retry.status_code == 201
    assert retry["Location"] == first["Location"]
    assert created() == 1


def test_the_mixin_alone_replays_too(seeded: dict[str, User]) -> None:
    client = Client(HTTP_AUTHORIZATION=basic("bob", "bob-password"))
    key = new_key()
    first = post(client, key, {"text": "hello"}, NOTES)
    retry = post(client, key, {"text": "hello"}, NOTES)
    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content
    assert Note.objects.count() == 1


def test_one_key_on_two_paths_names_two_requests(alice: Client, draft: Article) -> None:
    key = new_key()
    assert post(alice, key).status_code == 201
    published = alice.post(f"{ARTICLES}{draft.pk}/publish/", HTTP_IDEMPOTENCY_KEY=key)
    assert published.status_code == 200


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


def test_safe_methods_ignore_the_key(alice: Client, article: Article) -> None:
    response = alice.get(f"{ARTICLES}{article.pk}/", HTTP_IDEMPOTENCY_KEY="not a key")
    assert response.status_code == 200
    assert not IdempotencyKey.objects.exists()


# Beside ConditionalUpdateMixin, and the demo's publish


def test_a_retried_conditional_write_replays_instead_of_failing_412(
    alice: Client, alices_post: Post
) -> None:
    url = f"/test/idempotent/posts/{alices_post.pk}/"
    etag = alice.get(f"/test/conditional/posts/{alices_post.pk}/")["ETag"]
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


def test_a_retried_conditional_publish_replays_instead_of_failing_412(
    alice: Client, draft: Article
) -> None:
    etag = alice.get(f"{ARTICLES}{draft.pk}/")["ETag"]
    key = new_key()
    url = f"{ARTICLES}{draft.pk}/publish/"
    first = alice.post(url, HTTP_IF_MATCH=etag, HTTP_IDEMPOTENCY_KEY=key)
    retry = alice.post(url, HTTP_IF_MATCH=etag, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == retry.status_code == 200
    assert retry.content == first.content
    assert alice.post(url, HTTP_IF_MATCH=etag).status_code == 412


def test_the_demo_ignores_a_key_on_idempotent_methods(alice: Client, article: Article) -> None:
    response = alice.delete(
        f"{ARTICLES}{article.pk}/",
        HTTP_IF_MATCH=alice.get(f"{ARTICLES}{article.pk}/")["ETag"],
        HTTP_IDEMPOTENCY_KEY="not a key",
    )
    assert response.status_code == 204
    assert not IdempotencyKey.objects.exists()


def test_a_retried_publish_notifies_the_index_once(
    alice: Client, draft: Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    notified: list[int] = []
    monkeypatch.setattr(article_views, "notify_search_index", lambda a: notified.append(a.pk))
    key = new_key()
    url = f"{ARTICLES}{draft.pk}/publish/"
    first = alice.post(url, HTTP_IDEMPOTENCY_KEY=key)
    retry = alice.post(url, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == retry.status_code == 200
    assert retry.content == first.content
    assert notified == [draft.pk]


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


def test_the_schema_documents_the_header_and_its_problems(db: None) -> None:
    import yaml

    schema = yaml.safe_load(Client().get("/api/schema/").content)
    for path, method in ((ARTICLES, "post"), (f"{ARTICLES}{{id}}/publish/", "post")):
        operation = schema["paths"][path][method]
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert "Idempotency-Key" in headers, path
        assert {"400", "409", "422"} <= set(operation["responses"]), path
    listing = schema["paths"][ARTICLES]["get"]
    assert "Idempotency-Key" not in {p["name"] for p in listing.get("parameters", [])}


def test_the_problems_speak_german(alice: Client) -> None:
    key = new_key()
    post(alice, key)
    response = alice.post(
        ARTICLES,
        data=json.dumps({"title": "Anders"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        HTTP_ACCEPT_LANGUAGE="de",
    )
    body = problem(response)
    assert body["title"] == "Idempotency-Key wiederverwendet"
    assert "Idempotency-Key" in body["detail"]


# Races over real server processes (PostgreSQL)

CLIENTS = 32


@pytest.fixture
def served(transactional_db: None) -> Iterator[tuple[str, dict[str, str]]]:
    """gunicorn, four workers, on the test database; alice's token header."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...); CI runs it there")
    call_command("seed_demo", stdout=io.StringIO())
    token = Token.objects.get(user__username="alice").key
    database_url = urlsplit(os.environ["DATABASE_URL"])
    test_database = database_url._replace(path=f"/{connection.settings_dict['NAME']}").geturl()
    # Four processes of eight threads: all 32 clients are served at the same moment.
    with gunicorn(
        test_database, "--workers", "4", "--threads", "8", "--preload", settings="tests.settings"
    ) as base:
        yield base, {"Authorization": f"Token {token}"}


@pytest.mark.slow
def test_32_clients_racing_with_one_key_make_one_article(
    served: tuple[str, dict[str, str]],
) -> None:
    base, auth = served
    key = new_key()
    content = {"title": "Raced", "body": key}
    answers: list[httpx.Response] = []
    errors: list[BaseException] = []
    together = threading.Barrier(CLIENTS)

    def client() -> None:
        try:
            with httpx.Client(base_url=base, headers=auth, timeout=30) as http:
                together.wait()
                answers.append(http.post(ARTICLES, json=content, headers={"Idempotency-Key": key}))
        except BaseException as exc:
            together.abort()
            errors.append(exc)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    statuses = collections.Counter(a.status_code for a in answers)
    print(f"\none key, {CLIENTS} clients: statuses {dict(statuses)}")
    assert set(statuses) <= {201, 409}, statuses
    assert Article.objects.filter(title="Raced").count() == 1
    assert len({a.headers["Location"] for a in answers if a.status_code == 201}) == 1
    for answer in answers:
        if answer.status_code == 409:
            assert answer.json()["code"] == "idempotency_key_in_use"


def _lose_answer(base: str, auth: dict[str, str], key: str, body: bytes) -> None:
    """Send the create and drop the connection before the answer: a lost answer."""
    parts = urlsplit(base)
    head = (
        f"POST {ARTICLES} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Authorization: {auth['Authorization']}\r\nIdempotency-Key: {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        sock.sendall(head.encode() + body)


@pytest.mark.slow
def test_retries_after_lost_answers_make_no_duplicate(
    served: tuple[str, dict[str, str]],
) -> None:
    base, auth = served
    clients, creates = 8, 20
    statuses: collections.Counter[int] = collections.Counter()
    replays: list[bool] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def client(number: int) -> None:
        try:
            with httpx.Client(base_url=base, headers=auth, timeout=30) as http:
                for attempt in range(creates):
                    key = new_key()
                    # A retry repeats the same bytes, as a client's retry does.
                    body = json.dumps({"title": f"lost {number}.{attempt}", "body": ""}).encode()
                    sent = {"Idempotency-Key": key, "Content-Type": "application/json"}
                    if attempt % 2:
                        _lose_answer(base, auth, key, body)
                    else:
                        # A client-side timeout: the server goes on with the request.
                        with contextlib.suppress(httpx.TimeoutException):
                            http.post(ARTICLES, content=body, headers=sent, timeout=0.005)
                    for _retry in range(100):
                        answer = http.post(ARTICLES, content=body, headers=sent)
                        with lock:
                            statuses[answer.status_code] += 1
                        if answer.status_code != 409:
                            break
                        time.sleep(0.02)
                    assert answer.status_code == 201, answer.text
                    with lock:
                        replays.append(answer.headers.get("Idempotent-Replayed") == "true")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    print(
        f"\nlost answers, {clients}x{creates} creates: retry statuses {dict(statuses)}, "
        f"{sum(replays)} of {len(replays)} final answers replayed"
    )
    assert not any(status >= 500 for status in statuses)
    titles = collections.Counter(
        Article.objects.filter(title__startswith="lost ").values_list("title", flat=True)
    )
    assert len(titles) == clients * creates
    assert set(titles.values()) == {1}
