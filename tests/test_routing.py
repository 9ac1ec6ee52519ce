"""Read your own writes: the cookie of a successful write, and the mark a router reads, over real
requests (sync and async); the mark of concurrent requests, through the middleware alone.

Over a real replica that lags: test_demo_replicas.py."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync, iscoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import AsyncClient, Client, RequestFactory, override_settings

from django_http_errors.routing import (
    READ_YOUR_WRITES_COOKIE,
    ReadYourWritesMiddleware,
    reads_from_primary,
    wrote_recently,
)
from tests.conftest import write

pytestmark = pytest.mark.django_db

MIDDLEWARE = "django_http_errors.routing.ReadYourWritesMiddleware"
NOTES = "/test/conditional/notes/"
SECONDS = 30


class RecordingRouter:
    """Routes nothing; remembers what ``reads_from_primary()`` said to each read."""

    asked: list[bool] = []

    def db_for_read(self, model: Any, **hints: Any) -> None:
        RecordingRouter.asked.append(reads_from_primary())


@pytest.fixture
def routed() -> Iterator[list[bool]]:
    """The middleware installed, READ_YOUR_WRITES on, and what the router was told."""
    RecordingRouter.asked = []
    with override_settings(
        MIDDLEWARE=[*settings.MIDDLEWARE, MIDDLEWARE],
        DATABASE_ROUTERS=[f"{__name__}.RecordingRouter"],
        HTTP_ERRORS={**settings.HTTP_ERRORS, "READ_YOUR_WRITES": SECONDS},
    ):
        yield RecordingRouter.asked


def create_note(client: Client) -> Any:
    response = write(client, "POST", NOTES, {"text": "written"})
    assert response.status_code == 201, response.content
    return response


# The cookie


@pytest.mark.parametrize(("method", "status"), [("POST", 201), ("PATCH", 200), ("DELETE", 204)])
def test_a_successful_write_sets_the_cookie_for_the_configured_seconds(
    routed: list[bool], method: str, status: int
) -> None:
    client = Client()
    created = create_note(client)
    client.cookies.clear()
    if method == "POST":
        response = created
    else:
        path = f"{NOTES}{created.json()['id']}/"
        etag = client.get(path)["ETag"]
        response = write(client, method, path, {"text": "again"}, **{"If-Match": etag})
    assert response.status_code == status
    cookie = response.cookies[READ_YOUR_WRITES_COOKIE]
    assert cookie["max-age"] == SECONDS
    assert (cookie["path"], cookie["httponly"], cookie["samesite"]) == ("/", True, "Lax")


def test_a_refused_write_sets_no_cookie(routed: list[bool]) -> None:
    invalid = write(Client(), "POST", NOTES, {"text": ""})
    path = f"{NOTES}{create_note(Client()).json()['id']}/"
    unguarded = write(Client(), "PATCH", path, {"text": "again"})
    assert (invalid.status_code, unguarded.status_code) == (400, 428)
    assert READ_YOUR_WRITES_COOKIE not in invalid.cookies
    assert READ_YOUR_WRITES_COOKIE not in unguarded.cookies


def test_a_read_sets_no_cookie_and_varies_with_it(routed: list[bool]) -> None:
    response = Client().get(f"{NOTES}{create_note(Client()).json()['id']}/")
    assert READ_YOUR_WRITES_COOKIE not in response.cookies
    assert "Cookie" in response["Vary"]


def test_off_by_default() -> None:
    with override_settings(MIDDLEWARE=[*settings.MIDDLEWARE, MIDDLEWARE]):
        response = create_note(Client())
    assert READ_YOUR_WRITES_COOKIE not in response.cookies


# The mark


def test_the_writers_reads_are_marked_and_no_one_elses(routed: list[bool]) -> None:
    writer = Client()
    path = f"{NOTES}{create_note(writer).json()['id']}/"
    routed.clear()
    assert writer.get(path).status_code == 200
    assert routed
    assert all(routed), "every read of the writer's request asked for the primary"
    routed.clear()
    assert Client().get(path).status_code == 200
    assert routed
    assert not any(routed)
    assert reads_from_primary() is False, "the mark ends with its request"


def test_the_mark_holds_in_async_requests(routed: list[bool]) -> None:
    client = AsyncClient()
    created = async_to_sync(client.post)(
        NOTES, {"text": "written"}, content_type="application/json"
    )
    assert created.status_code == 201
    routed.clear()
    read = async_to_sync(client.get)(f"{NOTES}{created.json()['id']}/")
    assert read.status_code == 200
    assert routed
    assert all(routed)


def test_the_mark_is_off_when_the_setting_is(routed: list[bool]) -> None:
    writer = Client()
    path = f"{NOTES}{create_note(writer).json()['id']}/"
    routed.clear()
    with override_settings(HTTP_ERRORS={"READ_YOUR_WRITES": 0}):
        assert writer.get(path).status_code == 200
    assert routed
    assert not any(routed)


# The cookie's value: signed and dated


def carrying(value: str) -> HttpRequest:
    request = RequestFactory().get(NOTES)
    request.COOKIES[READ_YOUR_WRITES_COOKIE] = value
    return request


@pytest.fixture
def signed_at() -> float:
    """When the cookie is signed: the last moment of this second. A signature keeps only whole
    seconds, so this cookie looks the oldest it can."""
    return float(int(time.time())) + 0.999


@pytest.fixture
def cookie_value(routed: list[bool], signed_at: float, monkeypatch: pytest.MonkeyPatch) -> str:
    """The value of a cookie given to a writer at ``signed_at``."""
    with monkeypatch.context() as signing:
        signing.setattr(time, "time", lambda: signed_at)
        return str(create_note(Client()).cookies[READ_YOUR_WRITES_COOKIE].value)


@pytest.mark.parametrize(
    ("later", "marked"),
    [
        (0, True),
        # At its Max-Age, by a clock CLOCK_SKEW (1 s) ahead of the one that signed it.
        (SECONDS + 1, True),
        (SECONDS + 2, False),
        (24 * 60 * 60, False),
    ],
)
def test_the_cookies_age_is_its_signatures(
    cookie_value: str,
    signed_at: float,
    monkeypatch: pytest.MonkeyPatch,
    later: float,
    marked: bool,
) -> None:
    monkeypatch.setattr(time, "time", lambda: signed_at + later)
    assert wrote_recently(carrying(cookie_value)) is marked


@pytest.mark.parametrize("forged", ["wrote", "1", "wrote:1rTx3o:forged"])
def test_a_cookie_the_server_did_not_sign_marks_nothing(cookie_value: str, forged: str) -> None:
    assert wrote_recently(carrying(forged)) is False


# Concurrent requests, each with its own mark


def test_concurrent_threads_each_see_their_own_mark(cookie_value: str) -> None:
    both_inside = threading.Barrier(2, timeout=10)
    seen: dict[str, bool] = {}

    def view(request: HttpRequest) -> HttpResponse:
        both_inside.wait()
        seen[request.path] = reads_from_primary()
        return HttpResponse()

    middleware = ReadYourWritesMiddleware(view)
    writer, stranger = carrying(cookie_value), RequestFactory().get("/stranger/")
    threads = [threading.Thread(target=middleware, args=(r,)) for r in (writer, stranger)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {NOTES: True, "/stranger/": False}


def test_concurrent_tasks_each_see_their_own_mark(cookie_value: str) -> None:
    seen: dict[str, bool] = {}

    async def view(request: HttpRequest) -> HttpResponse:
        await asyncio.sleep(0.01)  # both tasks are inside before either answers
        seen[request.path] = reads_from_primary()
        return HttpResponse()

    middleware = ReadYourWritesMiddleware(view)
    assert iscoroutinefunction(middleware), "Django awaits it in an async chain"

    async def both() -> None:
        await asyncio.gather(
            middleware(carrying(cookie_value)),
            middleware(RequestFactory().get("/stranger/")),
        )

    asyncio.run(both())
    assert seen == {NOTES: True, "/stranger/": False}
