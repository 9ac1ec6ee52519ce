"""The demo's HTTP contract (DEMO_API.md) over real servers: gunicorn (WSGI) and uvicorn (ASGI).

Each server serves the demo as shipped (but for its password hasher: tests/demo_settings.py) on
a fresh, seeded SQLite database of its own, and publishes to a stub search index whose
behaviour each test chooses. Tests that write create their own article, so their order does not
matter.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from demo_project.servers import ROOT, SERVERS, serve, settings_module
from tests.conftest import basic, token_in

pytestmark = [pytest.mark.slow, pytest.mark.own_database]

# Basic where the password is the point (401, 429); else tokens, as a client of the demo as
# shipped would use them: its password hasher costs half a second on every Basic request.
ALICE_BASIC = {"Authorization": basic("alice", "alice-password")}
JSON = {"Content-Type": "application/json"}
#: The servers' deadline for the index: long enough that an answer at once is never a 504 on
#: a loaded machine (these tests run at nice 19 beside the timed ones).
INDEX_TIMEOUT = 3


class SearchIndex(http.server.ThreadingHTTPServer):
    """A stub search index: ``mode`` says how it answers the next notification."""

    mode = "ok"  # "ok": 201; "error": 500; "stall": answers after the demo gave up


class IndexHandler(http.server.BaseHTTPRequestHandler):
    server: SearchIndex

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.server.mode == "stall":
            time.sleep(INDEX_TIMEOUT + 1)
        self.send_response(500 if self.server.mode == "error" else 201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_DELETE(self) -> None:
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def index() -> Iterator[SearchIndex]:
    server = SearchIndex(("127.0.0.1", 0), IndexHandler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module", params=SERVERS)
def demo(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    seeded_sqlite_file: Path,
    index: SearchIndex,
) -> Iterator[tuple[httpx.Client, Path]]:
    """A client of the demo served by each server, and the directory of its database."""
    directory = tmp_path_factory.mktemp(f"demo-{request.param}")
    env = {
        "SEARCH_INDEX_URL": f"http://127.0.0.1:{index.server_address[1]}/articles/",
        "SEARCH_INDEX_TIMEOUT": str(INDEX_TIMEOUT),
        "DJANGO_DEBUG": "0",
    }
    shutil.copyfile(seeded_sqlite_file, directory / "db.sqlite3")
    url = f"sqlite:///{directory / 'db.sqlite3'}"
    with (
        serve(request.param, url, **env) as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        yield client, directory


@pytest.fixture(scope="module")
def tokens(seeded_sqlite_file: Path) -> dict[str, dict[str, str]]:
    """Alice's and bob's token credentials, as seeded in every server's database."""
    url = f"sqlite:///{seeded_sqlite_file}"
    return {name: {"Authorization": token_in(url, name)} for name in ("alice", "bob")}


@pytest.fixture
def alice(tokens: dict[str, dict[str, str]]) -> dict[str, str]:
    return tokens["alice"]


@pytest.fixture
def bob(tokens: dict[str, dict[str, str]]) -> dict[str, str]:
    return tokens["bob"]


@pytest.fixture
def http(demo: tuple[httpx.Client, Path], index: SearchIndex) -> Iterator[httpx.Client]:
    index.mode = "ok"
    yield demo[0]
    index.mode = "ok"


def new_article(http: httpx.Client, alice: dict[str, str]) -> tuple[str, str]:
    """Alice creates an article; its URL and ETag."""
    response = http.post("/api/articles/", json={"title": "Contract"}, headers=alice)
    assert response.status_code == 201, response.text
    return response.headers["Location"], response.headers["ETag"]


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    return body


def test_root_leads_to_the_api_root_which_links_everything(http: httpx.Client) -> None:
    response = http.get("/", follow_redirects=True, headers={"Accept": "application/json"})
    assert response.url.path == "/api/"
    assert set(response.json()) == {"articles", "docs", "schema", "problems", "health"}


def test_request_id_is_echoed_in_the_header_and_the_problem(http: httpx.Client) -> None:
    response = http.get("/api/articles/999999/", headers={"X-Request-ID": "contract-42"})
    assert problem(response, 404, "not_found")["request_id"] == "contract-42"
    assert response.headers["X-Request-ID"] == "contract-42"
    generated = http.get("/api/articles/").headers["X-Request-ID"]
    assert len(generated) >= 16


def test_401_with_challenges_for_a_write_without_credentials(http: httpx.Client) -> None:
    response = http.post("/api/articles/", json={"title": "x"})
    problem(response, 401, "not_authenticated")
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_401_for_a_wrong_password(http: httpx.Client) -> None:
    response = http.get("/api/articles/", headers={"Authorization": basic("alice", "wrong")})
    problem(response, 401, "authentication_failed")


def test_429_with_retry_after_past_ten_failed_logins_a_minute(http: httpx.Client) -> None:
    # A user name of its own: the count is per client address and user name.
    guesses = [
        http.get("/api/articles/", headers={"Authorization": basic("mallory", f"guess {n}")})
        for n in range(11)
    ]
    for response in guesses[:10]:
        problem(response, 401, "authentication_failed")
    problem(guesses[10], 429, "throttled")
    assert 0 < int(guesses[10].headers["Retry-After"]) <= 60
    # Others are not held up by it.
    assert http.get("/api/articles/", headers=ALICE_BASIC).status_code == 200


def test_403_for_someone_elses_article(http: httpx.Client, bob: dict[str, str]) -> None:
    etag = http.get("/api/articles/1/").headers["ETag"]  # alice's, published
    response = http.patch(
        "/api/articles/1/", json={"title": "mine"}, headers={**bob, "If-Match": etag}
    )
    problem(response, 403, "not_owner")


def test_404_for_a_hidden_draft_as_for_a_missing_article(
    http: httpx.Client, bob: dict[str, str]
) -> None:
    problem(http.get("/api/articles/2/", headers=bob), 404, "not_found")
    problem(http.get("/api/articles/999999/", headers=bob), 404, "not_found")


def test_304_carries_the_etag_and_no_body(http: httpx.Client) -> None:
    etag = http.get("/api/articles/1/").headers["ETag"]
    response = http.get("/api/articles/1/", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == etag
    assert "Content-Type" not in response.headers
    assert "Content-Length" not in response.headers


def test_304_carries_no_content_language(http: httpx.Client) -> None:
    etag = http.get("/api/articles/1/").headers["ETag"]
    response = http.get("/api/articles/1/", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert "Content-Language" not in response.headers


def test_412_with_the_current_etag_for_a_stale_if_match(
    http: httpx.Client, alice: dict[str, str]
) -> None:
    url, etag = new_article(http, alice)
    changed = http.patch(url, json={"title": "first"}, headers={**alice, "If-Match": etag})
    assert changed.status_code == 200, changed.text
    stale = http.patch(url, json={"title": "lost?"}, headers={**alice, "If-Match": etag})
    assert problem(stale, 412, "precondition_failed")["etag"] == changed.headers["ETag"]


def test_428_for_a_write_without_a_precondition(http: httpx.Client, alice: dict[str, str]) -> None:
    url, _ = new_article(http, alice)
    response = http.patch(url, json={"title": "blind"}, headers=alice)
    assert "If-Match" in problem(response, 428, "precondition_required")["required_headers"]


@pytest.mark.parametrize(
    ("mode", "status", "code"), [("error", 502, "bad_gateway"), ("stall", 504, "gateway_timeout")]
)
def test_publishing_when_the_index_fails_leaves_the_article_unpublished(
    http: httpx.Client,
    alice: dict[str, str],
    index: SearchIndex,
    mode: str,
    status: int,
    code: str,
) -> None:
    url, _ = new_article(http, alice)
    index.mode = mode
    problem(http.post(f"{url}publish/", headers=alice), status, code)
    assert http.get(url, headers=alice).json()["published"] is False


def test_publishing_notifies_the_index(http: httpx.Client, alice: dict[str, str]) -> None:
    url, _ = new_article(http, alice)
    response = http.post(f"{url}publish/", headers=alice)
    assert response.status_code == 200, response.text
    assert response.json()["published"] is True


def test_an_action_under_a_format_suffix_answers_as_without(
    http: httpx.Client, alice: dict[str, str]
) -> None:
    # DRF's router serves every route with a format suffix too, and passes the action format=.
    problem(http.post("/api/articles/987654/publish.json", headers=alice), 404, "not_found")
    url, _ = new_article(http, alice)
    published = http.post(f"{url.rstrip('/')}/publish.json", headers=alice)
    assert (published.status_code, published.json()["published"]) == (200, True)


def test_the_api_root_answers_405_to_a_write_whoever_sends_it(
    http: httpx.Client, alice: dict[str, str]
) -> None:
    for credentials in ({}, alice):
        response = http.post("/api/", headers=credentials)
        problem(response, 405, "method_not_allowed")
        assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_the_docs_page_answers_options_with_what_it_allows(http: httpx.Client) -> None:
    response = http.options("/api/docs/")
    assert response.status_code == 200, response.text
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_a_schema_version_the_api_lacks_is_not_copied_into_a_header(http: httpx.Client) -> None:
    # A line break was a 500, a NUL a 500 page (gunicorn) or no answer at all (uvicorn), a
    # control character a header that carried it (each request generates the whole schema).
    for version in ("\n", "\x00", "\x01"):
        response = http.get("/api/schema/", params={"version": version})
        assert response.status_code == 200, (version, response.text)
        assert response.headers["Content-Disposition"] == (
            'inline; filename="django-http-errors demo: articles.yaml"'
        )


def test_503_with_retry_after_while_the_database_is_gone(demo: tuple[httpx.Client, Path]) -> None:
    http, directory = demo
    gone = directory.with_name(directory.name + "-gone")
    with _moved(directory, gone):
        for path in ("/api/health/", "/api/articles/"):
            response = http.get(path)
            problem(response, 503, "service_unavailable")
            assert int(response.headers["Retry-After"]) >= 0
    # Back without a restart.
    assert http.get("/api/health/").status_code == 200


@contextlib.contextmanager
def _moved(source: Path, target: Path) -> Iterator[None]:
    """The SQLite file cannot be opened while its directory is elsewhere."""
    source.rename(target)
    try:
        yield
    finally:
        target.rename(source)


@pytest.mark.parametrize("entry_point", ["wsgi", "asgi"])
def test_importing_the_demo_opens_no_connection_and_starts_no_thread(entry_point: str) -> None:
    """What gunicorn's ``--preload`` master imports, before it forks the workers that share it
    (demo_project.servers.THREADED_WSGI_ARGS): a connection or a thread made here would be
    shared by every worker. The URLconf is imported with it, and what it imported is frozen,
    out of the reach of the collector, whose writes would copy the shared pages into every
    worker (demo_project.preload); the collector, off while the entry point imported, is on."""
    probe = (
        f"import gc, sys, threading, demo_project.{entry_point}\n"
        "from django.db import connections\n"
        "print(threading.active_count(), [c.alias for c in connections.all() if c.connection])\n"
        "print('demo_project.urls' in sys.modules, gc.get_freeze_count() > 10_000, gc.isenabled())"
    )
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module()}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "[]", "True", "True", "True"]
