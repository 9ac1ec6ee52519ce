"""The demo's publish over a real search index, in process: 502 and 504, and nothing changes."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client, override_settings

from demo_project.articles.models import Article
from demo_project.servers import free_port
from tests.conftest import problem

JSON = "application/json"


class _SearchIndex(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        server: Any = self.server
        if server.mode == "stall":
            server.release.wait(10)
        self.send_response(500 if server.mode == "fail" else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def search_index() -> Iterator[Any]:
    """A real HTTP server on localhost whose ``mode`` is ok, fail or stall."""
    server: Any = ThreadingHTTPServer(("127.0.0.1", 0), _SearchIndex)
    server.daemon_threads = True
    server.mode = "ok"
    server.release = threading.Event()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/index"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join()


def publish(client: Client, article: Article) -> Any:
    """POST publish, with the article's current ETag in If-Match."""
    url = f"/api/articles/{article.pk}/"
    etag = client.get(url)["ETag"]
    return client.post(f"{url}publish/", content_type=JSON, HTTP_IF_MATCH=etag)


@pytest.mark.django_db(transaction=True)  # publish commits its own transaction
@pytest.mark.parametrize(("mode", "status"), [("ok", 200), ("fail", 502), ("stall", 504)])
def test_publish_answers_for_the_search_index(
    as_user: Callable[[str], Client], draft: Article, search_index: Any, mode: str, status: int
) -> None:
    search_index.mode = mode
    with override_settings(SEARCH_INDEX_URL=search_index.url, SEARCH_INDEX_TIMEOUT=0.3):
        response = publish(as_user("alice"), draft)
    assert response.status_code == status, response.content
    version = draft.version
    draft.refresh_from_db()
    if status == 200:
        assert draft.published
    else:
        assert problem(response)["code"] == {502: "bad_gateway", 504: "gateway_timeout"}[status]
        assert (draft.published, draft.version) == (False, version)


@pytest.mark.django_db(transaction=True)  # publish commits its own transaction
def test_publish_when_the_search_index_refuses_is_502(
    as_user: Callable[[str], Client], draft: Article
) -> None:
    url = f"http://127.0.0.1:{free_port()}/index"
    with override_settings(SEARCH_INDEX_URL=url, SEARCH_INDEX_TIMEOUT=0.3):
        response = publish(as_user("alice"), draft)
    assert response.status_code == 502
    assert problem(response)["code"] == "bad_gateway"
    draft.refresh_from_db()
    assert not draft.published
