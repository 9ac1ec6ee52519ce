"""The demo's Idempotency-Key: its create and publish honour keys, then real races on them.

``POST /api/articles/`` and ``POST /api/articles/{id}/publish/`` carry IdempotencyMixin with
``idempotent_methods = {"POST"}``. The mixin's rules are tested on the test app's views in
``tests/test_idempotency.py``.
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
from urllib.parse import urlsplit

import httpx
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from rest_framework.authtoken.models import Token

from demo_project.articles.models import Article
from demo_project.servers import gunicorn
from django_http_errors import idempotency
from django_http_errors.models import IdempotencyKey
from tests.conftest import DEMO_URLS
from tests.index_server import SearchIndex

ARTICLES = "/api/articles/"
CONTENT = {"title": "Once", "body": "only once"}


def new_key() -> str:
    """A quoted key, as the draft writes it."""
    return f'"{uuid.uuid4()}"'


@pytest.fixture
def alice(as_user: Callable[[str], Client]) -> Client:
    """Alice's client (Basic)."""
    return as_user("alice")


def test_a_retried_create_replays_the_first_answer(alice: Client) -> None:
    key = new_key()
    first = alice.post(ARTICLES, CONTENT, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    retry = alice.post(ARTICLES, CONTENT, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == retry.status_code == 201
    assert Article.objects.filter(title=CONTENT["title"]).count() == 1
    assert retry.content == first.content
    for header in ("Location", "ETag", "Content-Type"):
        assert retry[header] == first[header], header
    assert retry[idempotency.IDEMPOTENT_REPLAYED] == "true"
    assert idempotency.IDEMPOTENT_REPLAYED not in first


def test_a_key_sent_again_to_another_path_for_the_same_resource_does_nothing_twice(
    alice: Client, draft: Article
) -> None:
    key = new_key()
    first = alice.post(ARTICLES, CONTENT, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201
    # DRF's router serves the list at /api/articles.json too: the same content, another path.
    again = alice.post(
        "/api/articles.json", CONTENT, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert again.status_code == 422, again.content
    assert Article.objects.filter(title=CONTENT["title"]).count() == 1
    # An article's id with a leading zero names the same article: published once.
    key = new_key()
    assert alice.post(f"{ARTICLES}{draft.pk}/publish/", HTTP_IDEMPOTENCY_KEY=key).status_code == 200
    version = Article.objects.get(pk=draft.pk).version
    alias = alice.post(f"{ARTICLES}0{draft.pk}/publish/", HTTP_IDEMPOTENCY_KEY=key)
    assert alias.status_code == 422, alias.content
    assert Article.objects.get(pk=draft.pk).version == version


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


def test_a_retried_publish_notifies_the_index_once(alice: Client, draft: Article) -> None:
    key = new_key()
    url = f"{ARTICLES}{draft.pk}/publish/"
    with SearchIndex() as index, override_settings(SEARCH_INDEX_URL=index.url):
        first = alice.post(url, HTTP_IDEMPOTENCY_KEY=key)
        retry = alice.post(url, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == retry.status_code == 200
    assert retry.content == first.content
    assert index.requests("POST") == [draft.pk]


@DEMO_URLS
def test_the_schema_documents_the_header_and_its_problems(db: None) -> None:
    # As JSON: the same document, parsed in a fiftieth of a second rather than six (the YAML
    # rendering is tests/test_demo_schema.py's).
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    for path, method in ((ARTICLES, "post"), (f"{ARTICLES}{{id}}/publish/", "post")):
        operation = schema["paths"][path][method]
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert "Idempotency-Key" in headers, path
        assert {"400", "409", "422"} <= set(operation["responses"]), path
    listing = schema["paths"][ARTICLES]["get"]
    assert "Idempotency-Key" not in {p["name"] for p in listing.get("parameters", [])}


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
                    # 409 while the first request runs: retried until it is done, for as long
                    # as a loaded machine makes it take (this test runs at nice 19 in make test).
                    deadline = time.monotonic() + 30
                    while True:
                        answer = http.post(ARTICLES, content=body, headers=sent)
                        with lock:
                            statuses[answer.status_code] += 1
                        if answer.status_code != 409 or time.monotonic() > deadline:
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
