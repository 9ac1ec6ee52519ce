"""A cache shared by several users never gives one of them another's answer.

requests-cache in its default mode keeps every 200 for ever and honours ``Vary`` (not
``Cache-Control``): the demo, served by gunicorn, must name in ``Vary`` every request header
that selects its answers. alice, bob and anonymous share one cache, in every order; alice's
draft reaches alice alone.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests

from tests.conftest import token_in

if TYPE_CHECKING:
    import requests_cache

pytestmark = [pytest.mark.slow, pytest.mark.own_database]

LIST = "/api/articles/"
DRAFT = "/api/articles/2/"  # alice's draft
DRAFT_TITLE = "Alice's draft"

#: Who asks: alice and bob with their tokens (a Basic password costs the demo a hash a
#: request; Vary: Authorization is the same for both), or no one.
USERS = ("alice", "bob", "anonymous")


@pytest.fixture(scope="module")
def base_url(shared_demo: str) -> str:
    """The demo as shipped, served by gunicorn (the run's shared server: these tests only read,
    and alice's draft stays hers whatever others create)."""
    return shared_demo


def sees_the_draft(response: requests.Response) -> bool:
    """Whether a list or the draft's detail showed the draft."""
    if response.url.endswith(DRAFT):
        return response.status_code == 200
    assert response.status_code == 200
    return any(item["title"] == DRAFT_TITLE for item in response.json()["results"])


def shared_cache() -> requests_cache.CachedSession:
    """A cache shared by whoever sends through it, as a proxy's is: requests-cache in memory."""
    # Imported here, not at the top: every pytest-xdist process imports every test module.
    import requests_cache

    return requests_cache.CachedSession(backend="memory")


@pytest.mark.parametrize("order", list(itertools.permutations(USERS)), ids="-".join)
def test_a_shared_cache_gives_no_draft_to_the_wrong_user(
    base_url: str, seeded_sqlite_file: Path, order: tuple[str]
) -> None:
    url = f"sqlite:///{seeded_sqlite_file}"
    credentials = {name: {"Authorization": token_in(url, name)} for name in ("alice", "bob")}
    credentials["anonymous"] = {}
    cache = shared_cache()
    # Twice over, so that every user's second request meets every other's stored answer.
    for username in order * 2:
        for path in (LIST, DRAFT):
            response = cache.get(base_url + path, headers=credentials[username], timeout=30)
            assert sees_the_draft(response) == (username == "alice"), (username, path)


def test_the_shared_cache_reuses_an_answer(base_url: str) -> None:
    # What makes the test above mean something: the cache does serve what it keeps.
    cache = shared_cache()
    first, second = (cache.get(base_url + LIST, timeout=30) for _ in range(2))
    assert not first.from_cache
    assert second.from_cache


@pytest.mark.parametrize(
    "path", ["/api/problems/invalid-query/", "/api/problems/", "/api/nonexistent/"]
)
def test_a_language_the_cookie_chose_is_named_in_vary(base_url: str, path: str) -> None:
    """Django's LocaleMiddleware reads the language cookie before Accept-Language: a cache
    keyed on Accept-Language alone would give the German page to an English client."""
    response = requests.get(
        base_url + path,
        headers={"Accept-Language": "en"},
        cookies={"django_language": "de"},
        timeout=10,
    )
    assert response.headers["Content-Language"] == "de"
    vary = {name.strip().lower() for name in response.headers["Vary"].split(",")}
    assert {"accept-language", "cookie"} <= vary


def test_a_language_the_client_refused_is_not_chosen(base_url: str) -> None:
    """``de;q=0`` refuses German (a weight of 0 is "not acceptable"): English."""
    response = requests.get(
        base_url + "/api/problems/", headers={"Accept-Language": "de;q=0"}, timeout=10
    )
    assert response.headers["Content-Language"] == "en"
