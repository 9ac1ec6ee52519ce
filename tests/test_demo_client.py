"""A client generated from the demo's schema drives the live demo: the schema is the contract.

openapi-python-client generates a typed client from the schema the demo serves, into the test's
temporary directory (never committed); the client then lists, creates, retrieves, updates with
If-Match and deletes an article over gunicorn, and parses each error into its typed model:
``ValidationProblem.errors``, ``NotFoundProblem``, ``PreconditionFailedProblem.etag`` and
``PreconditionRequiredProblem.required_headers``.
"""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.conftest import token_in

# openapi-python-client needs Python 3.11+: on 3.10 (CI's oldest corner) this file is skipped.
# Looked up, not imported: the tests run its command, and every pytest process collects this
# file (importing the generator would cost each a third of a CPU-second).
pytestmark = [
    pytest.mark.slow,
    pytest.mark.own_database,
    pytest.mark.skipif(
        importlib.util.find_spec("openapi_python_client") is None,
        reason="openapi-python-client is not installed (it needs Python 3.11+)",
    ),
]

PACKAGE = "demo_api_client"


@pytest.fixture(scope="module")
def demo(shared_demo: str) -> str:
    """The demo as shipped, served by gunicorn (the run's shared server: the client writes only
    articles it creates, and no test that shares it publishes one)."""
    return shared_demo


@pytest.fixture(scope="module")
def api(demo: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client package generated from the schema the demo serves."""
    directory = tmp_path_factory.mktemp("generated")
    schema = directory / "schema.yaml"
    response = httpx.get(f"{demo}/api/schema/", headers={"Accept": "application/vnd.oai.openapi"})
    assert response.status_code == 200
    schema.write_bytes(response.content)
    generator = Path(sys.executable).with_name("openapi-python-client")
    command = [str(generator), "generate", "--path", str(schema), "--meta", "none"]
    subprocess.run(
        [*command, "--output-path", str(directory / PACKAGE)],
        check=True,
        capture_output=True,
    )
    sys.path.insert(0, str(directory))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(directory))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def use(api: ModuleType) -> Callable[[str], Any]:
    """A module of the generated package by its dotted name (``api.articles.articles_list``)."""
    return lambda name: importlib.import_module(f"{PACKAGE}.{name}")


@pytest.fixture(scope="module")
def alice(api: ModuleType, demo: str, seeded_sqlite_file: Path) -> Any:
    """Alice's client, with her token: a Basic password costs the demo a hash a request."""
    token = token_in(f"sqlite:///{seeded_sqlite_file}", "alice").removeprefix("Token ")
    return api.AuthenticatedClient(base_url=demo, token=token, prefix="Token")


def test_list_create_retrieve_update_delete(use: Callable[[str], Any], alice: Any) -> None:
    models = use("models")

    listed = use("api.articles.articles_list").sync_detailed(client=alice)
    assert listed.status_code == 200
    assert isinstance(listed.parsed, models.PaginatedArticleList)
    assert all(isinstance(a, models.Article) for a in listed.parsed.results)

    body = models.ArticleRequest(title="Generated")
    created = use("api.articles.articles_create").sync_detailed(client=alice, body=body)
    assert created.status_code == 201
    assert isinstance(created.parsed, models.Article)
    article_id = created.parsed.id
    assert created.headers["Location"].endswith(f"/api/articles/{article_id}/")
    assert created.headers["ETag"] == created.parsed.etag

    retrieved = use("api.articles.articles_retrieve").sync_detailed(article_id, client=alice)
    assert retrieved.status_code == 200
    assert retrieved.parsed.title == "Generated"
    etag = retrieved.headers["ETag"]

    update = use("api.articles.articles_update")
    changed = models.ArticleRequest(title="Changed")
    updated = update.sync_detailed(article_id, client=alice, body=changed, if_match=etag)
    assert updated.status_code == 200
    assert updated.parsed.title == "Changed"
    assert updated.parsed.version == 2

    destroy = use("api.articles.articles_destroy")
    deleted = destroy.sync_detailed(article_id, client=alice, if_match=updated.parsed.etag)
    assert deleted.status_code == 204


def test_errors_parse_into_their_typed_models(use: Callable[[str], Any], alice: Any) -> None:
    models = use("models")
    body = models.ArticleRequest(title="Errors")
    created = use("api.articles.articles_create").sync_detailed(client=alice, body=body).parsed
    update = use("api.articles.articles_update")

    invalid = update.sync_detailed(
        created.id, client=alice, body=models.ArticleRequest(title=""), if_match=created.etag
    )
    assert invalid.status_code == 400
    assert isinstance(invalid.parsed, models.ValidationProblem)
    (error,) = invalid.parsed.errors
    assert isinstance(error, models.InvalidMember)
    assert (error.pointer, error.code) == ("#/title", "blank")

    missing = use("api.articles.articles_retrieve").sync_detailed(999999, client=alice)
    assert missing.status_code == 404
    # Each status has its problem component, whose status is that status alone.
    assert isinstance(missing.parsed, models.NotFoundProblem)
    assert (missing.parsed.status, missing.parsed.code) == (404, "not_found")

    stale = update.sync_detailed(created.id, client=alice, body=body, if_match='"stale"')
    assert stale.status_code == 412
    assert isinstance(stale.parsed, models.PreconditionFailedProblem)
    assert stale.parsed.etag == created.etag

    unguarded = use("api.articles.articles_partial_update").sync_detailed(
        created.id, client=alice, body=models.PatchedArticleRequest(title="x")
    )
    assert unguarded.status_code == 428
    assert isinstance(unguarded.parsed, models.PreconditionRequiredProblem)
    assert "If-Match" in unguarded.parsed.required_headers


def test_a_query_error_parses_into_its_typed_model(use: Callable[[str], Any], alice: Any) -> None:
    models = use("models")
    articles_list = use("api.articles.articles_list")
    refused = articles_list.sync_detailed(client=alice, page=0)
    assert refused.status_code == 400
    assert isinstance(refused.parsed, models.InvalidQueryProblem)
    (error,) = refused.parsed.errors
    assert isinstance(error, models.InvalidParameter)
    assert (error.parameter, error.code) == ("page", "min_value")

    ordering = [models.ArticlesListOrderingItem("-id")]
    ordered = articles_list.sync_detailed(client=alice, ordering=ordering, published=True)
    assert ordered.status_code == 200
    assert [a.id for a in ordered.parsed.results] == [3, 1]
