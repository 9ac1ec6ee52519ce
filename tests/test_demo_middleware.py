"""The middleware on the demo served by gunicorn: content without a length is refused with 411.

Django's test client sends no chunked body: this takes a real server and a real client.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.conftest import token_in

pytestmark = [pytest.mark.slow, pytest.mark.own_database]


def test_a_chunked_body_is_411_on_a_real_server_and_changes_nothing(
    shared_demo: str, seeded_sqlite_file: Path
) -> None:
    # Its own article: the run's shared server keeps the seeded ones as seeded.
    authorization = token_in(f"sqlite:///{seeded_sqlite_file}", "alice")
    created = httpx.post(
        f"{shared_demo}/api/articles/",
        json={"title": "Before the chunks"},
        headers={"Authorization": authorization},
    )
    assert created.status_code == 201, created.text
    path = created.headers["Location"]
    etag = created.headers["ETag"]
    content = json.dumps({"title": "sent in chunks"}).encode()
    headers = {
        "Authorization": authorization,
        "If-Match": etag,
        "Content-Type": "application/json",
        "X-Request-ID": "chunked-1",
    }
    # httpx sends content of unknown length chunked, without Content-Length.
    chunked = httpx.patch(path, headers=headers, content=iter([content[:5], content[5:]]))
    after_chunked = httpx.get(path, headers={"Authorization": authorization})
    # The same request with a length is a valid one.
    with_length = httpx.patch(path, headers=headers, content=content)

    assert chunked.request.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in chunked.request.headers
    assert chunked.status_code == 411
    assert chunked.headers["Content-Type"] == "application/problem+json"
    problem = chunked.json()
    assert (problem["status"], problem["code"]) == (411, "length_required")
    assert problem["request_id"] == "chunked-1"
    assert after_chunked.headers["ETag"] == etag
    assert after_chunked.json()["title"] == "Before the chunks"
    assert with_length.status_code == 200
    assert with_length.json()["title"] == "sent in chunks"
