"""REDbot's checks (httplint) find nothing to warn about in the demo's article responses.

Each response comes from the demo as shipped, served by gunicorn; httplint reads its raw status
line, header fields and content, with the request that asked for it, as REDbot would.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.own_database]

DETAIL = "/api/articles/1/"  # alice's published article
LIST = "/api/articles/"


@pytest.fixture(scope="module")
def http(shared_demo: str) -> Iterator[httpx.Client]:
    """A client of the demo as shipped, served by gunicorn (the run's shared server: these tests
    only read)."""
    with httpx.Client(base_url=shared_demo, timeout=30) as client:
        yield client


#: httplint's warnings that state a cost the demo pays on purpose. VARY_COMPLEX: more than three
#: fields in Vary. The answers depend on Accept, Accept-Language and the credentials, which come
#: in Cookie or Authorization; naming fewer would let a cache shared by several users give one
#: user's draft to another (RFC 9110 §12.5.5; tests/test_demo_caches.py).
ACCEPTED = frozenset({"VARY_COMPLEX"})


def warnings_of(response: httpx.Response) -> list[str]:
    """httplint's warnings and errors about one exchange, as ``Note: summary``, but those
    ``ACCEPTED``."""
    # Imported here, not at the top: every pytest-xdist process imports every test module.
    from httplint import HttpRequestLinter, HttpResponseLinter, levels

    request = HttpRequestLinter()
    request.process_request_topline(
        response.request.method.encode(), str(response.request.url).encode(), b"HTTP/1.1"
    )
    request.process_headers(list(response.request.headers.raw))
    request.finish_content(True)
    linter = HttpResponseLinter()
    linter.request = request
    linter.process_response_topline(
        response.http_version.encode(),
        str(response.status_code).encode(),
        response.reason_phrase.encode(),
    )
    linter.process_headers(list(response.headers.raw))
    linter.feed_content(response.content)
    linter.finish_content(True)
    # It judged the exchange (freshness, validators...): an empty list means no warning.
    assert list(linter.notes)
    return [
        f"{type(note).__name__}: {note.summary}"
        for note in linter.notes
        if note.level in (levels.WARN, levels.BAD) and type(note).__name__ not in ACCEPTED
    ]


@pytest.mark.parametrize("path", [DETAIL, LIST])
def test_a_read_has_no_warning(http: httpx.Client, path: str) -> None:
    response = http.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert warnings_of(response) == []


@pytest.mark.parametrize("path", [DETAIL, LIST])
def test_a_revalidation_has_no_warning(http: httpx.Client, path: str) -> None:
    etag = http.get(path, headers={"Accept": "application/json"}).headers["ETag"]
    response = http.get(path, headers={"Accept": "application/json", "If-None-Match": etag})
    assert response.status_code == 304
    assert warnings_of(response) == []
