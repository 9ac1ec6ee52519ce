"""The demo's publish over a real search index, in process: 502 and 504, and nothing changes;
the records of what was sent, and the recovery of what a publication left behind."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.utils import timezone

from demo_project.articles.models import Article, SentCopy
from demo_project.articles.search_index import withdraw_left_behind
from demo_project.servers import free_port
from tests.conftest import problem
from tests.index_server import SearchIndex

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
    # Polled every 0.05 s rather than 0.5: shutdown() waits for the next poll.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
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


#: The deadline of a notification the index stalls: the 504 comes after it.
STALLED = 0.3
#: The deadline of one the index answers at once, or refuses: long enough that a loaded machine
#: (these tests run at nice 19 beside the timed ones) cannot turn its answer into a 504.
ANSWERED = 5.0


@pytest.mark.django_db(transaction=True)  # publish commits its own transaction
@pytest.mark.parametrize(("mode", "status"), [("ok", 200), ("fail", 502), ("stall", 504)])
def test_publish_answers_for_the_search_index(
    as_user: Callable[[str], Client], draft: Article, search_index: Any, mode: str, status: int
) -> None:
    search_index.mode = mode
    timeout = STALLED if mode == "stall" else ANSWERED
    with override_settings(SEARCH_INDEX_URL=search_index.url, SEARCH_INDEX_TIMEOUT=timeout):
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
    with override_settings(SEARCH_INDEX_URL=url, SEARCH_INDEX_TIMEOUT=ANSWERED):
        response = publish(as_user("alice"), draft)
    assert response.status_code == 502
    assert problem(response)["code"] == "bad_gateway"
    draft.refresh_from_db()
    assert not draft.published


# What was sent, and what a publication left behind


@pytest.fixture
def index() -> Iterator[SearchIndex]:
    with (
        SearchIndex() as index,
        override_settings(SEARCH_INDEX_URL=index.url, SEARCH_INDEX_TIMEOUT=ANSWERED),
    ):
        yield index


def left_behind(article: Article, *, seconds_ago: float) -> SentCopy:
    """The record a publication killed ``seconds_ago`` left, with the copy in the index."""
    sent_at = timezone.now() - timedelta(seconds=seconds_ago)
    sent: SentCopy = SentCopy.objects.create(article_id=article.pk, sent_at=sent_at)
    return sent


@pytest.mark.django_db(transaction=True)  # publish commits its own transaction
@pytest.mark.parametrize(("mode", "status"), [("ok", 200), ("fail", 502)])
def test_a_publication_leaves_no_record(
    as_user: Callable[[str], Client], draft: Article, index: SearchIndex, mode: str, status: int
) -> None:
    index.mode = mode
    assert publish(as_user("alice"), draft).status_code == status
    assert not SentCopy.objects.exists()
    assert (draft.pk in index.documents) is (status == 200)


@pytest.mark.django_db(transaction=True)
def test_the_next_publication_withdraws_what_an_earlier_one_left(
    as_user: Callable[[str], Client], draft: Article, index: SearchIndex
) -> None:
    left_behind(draft, seconds_ago=600)
    index.mode = "fail"
    assert publish(as_user("alice"), draft).status_code == 502
    assert not SentCopy.objects.exists()
    assert index.requests("DELETE") == [draft.pk]


@pytest.mark.django_db
def test_the_recovery_withdraws_old_records_and_leaves_a_publication_in_flight(
    seeded: dict[str, Any], draft: Article, article: Article, index: SearchIndex
) -> None:
    left_behind(draft, seconds_ago=600)
    # Alice's published article: a later publication sent its copy anew, which stays.
    left_behind(article, seconds_ago=600)
    # Another draft, left behind, then being published again right now.
    bobs = Article.objects.get(title="Bob's notes")
    Article.objects.filter(pk=bobs.pk).update(published=False)
    earlier = left_behind(bobs, seconds_ago=600)
    in_flight = left_behind(bobs, seconds_ago=1)

    recovered = withdraw_left_behind(timedelta(seconds=60))

    assert (recovered.withdrawn, recovered.kept, recovered.failed) == ([draft.pk], [article.pk], [])
    assert index.requests("DELETE") == [draft.pk]
    assert set(SentCopy.objects.values_list("pk", flat=True)) == {earlier.pk, in_flight.pk}


@pytest.mark.django_db
def test_a_withdrawal_the_index_refuses_keeps_its_record_for_the_next_run(
    seeded: dict[str, Any], draft: Article, index: SearchIndex
) -> None:
    left_behind(draft, seconds_ago=600)
    refusing = f"http://127.0.0.1:{free_port()}/documents/"
    with (
        override_settings(SEARCH_INDEX_URL=refusing),
        pytest.raises(CommandError, match=f"articles {draft.pk}:"),
    ):
        call_command("withdraw_unpublished_copies", stdout=io.StringIO())
    assert SentCopy.objects.count() == 1
    out = io.StringIO()
    call_command("withdraw_unpublished_copies", stdout=out)
    assert "Withdrew 1 copies of drafts; kept 0" in out.getvalue()
    assert not SentCopy.objects.exists()
    assert index.requests("DELETE") == [draft.pk]
