"""The demo's schema: the stored file, what the demo serves, and what real requests get.

The demo's whole schema is compared with ``tests/schema/demo.yaml``: the demo as shipped (the
test app touches none of its models). After a deliberate change, regenerate that file with::

    python manage.py spectacular --file tests/schema/demo.yaml

and review the diff.
"""

from __future__ import annotations

import socket
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, ProgrammingError, connection
from django.test import Client, override_settings
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

from demo_project import settings as demo_settings
from demo_project.articles.models import Article
from django_http_errors.models import IdempotencyKey
from tests.conftest import DEMO_URLS, basic, load_yaml, problem

EXPECTED = Path(__file__).parent / "schema" / "demo.yaml"


# The demo's schema


def demo_schema() -> dict[str, Any]:
    """The demo's schema, as ``manage.py spectacular`` writes it (without the test routes)."""
    document: dict[str, Any] = SchemaGenerator(urlconf="demo_project.urls").get_schema(
        request=None, public=True
    )
    # Through YAML as the stored file, so both sides have the same plain types.
    rendered: dict[str, Any] = load_yaml(OpenApiYamlRenderer().render(document))
    return rendered


@pytest.mark.django_db
def test_demo_schema_is_valid_openapi() -> None:
    # Imported here: every pytest process collects this module (and the two that import it).
    from openapi_spec_validator import validate

    validate(demo_schema())


@DEMO_URLS
@pytest.mark.django_db
def test_demo_serves_its_schema() -> None:
    # In English, whatever Accept-Language says: its descriptions are not translated.
    response = Client().get(
        "/api/schema/", headers={"Accept": "application/vnd.oai.openapi", "Accept-Language": "de"}
    )
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert "articles auflisten" not in response.content.decode()
    served = load_yaml(response.content)["paths"]["/api/articles/{id}/"]["get"]
    with translation.override("en"):
        expected = demo_schema()["paths"]["/api/articles/{id}/"]["get"]
    assert served["responses"] == expected["responses"]


@pytest.mark.django_db
def test_demo_schema_matches_the_stored_file() -> None:
    expected = yaml.safe_load(EXPECTED.read_text())
    assert demo_schema() == expected, (
        "The demo's schema changed; if on purpose, regenerate it: "
        "python manage.py spectacular --file tests/schema/demo.yaml"
    )


# The demo serves its static files itself (WhiteNoise); the tests' middleware does not.
@override_settings(MIDDLEWARE=demo_settings.MIDDLEWARE, WHITENOISE_USE_FINDERS=True)
@pytest.mark.django_db
def test_docs_page_uses_local_assets_only() -> None:
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assets = [part.split('"', 1)[0] for part in page.split('src="')[1:] + page.split('href="')[1:]]
    assert assets, page
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert Client().get(asset).status_code == 200, asset


@pytest.mark.parametrize(
    ("method", "path", "accept", "status"),
    [
        ("get", "/api/schema/", "text/html", 406),
        ("post", "/api/schema/", "*/*", 405),
        ("post", "/api/docs/", "*/*", 405),
        ("delete", "/api/docs/", "text/html", 405),
    ],
)
def test_the_schema_and_docs_answer_their_errors_as_problems(
    method: str, path: str, accept: str, status: int
) -> None:
    response = getattr(Client(), method)(path, headers={"Accept": accept})
    assert problem(response)["status"] == status
    if status == 405:
        assert "GET" in response["Allow"]


# The demo: what the schema lists is what real requests get, in both directions

DETAIL = "/api/articles/{id}/"
LIST = "/api/articles/"
PUBLISH = "/api/articles/{id}/publish/"
HEALTH = "/api/health/"
XML = {"HTTP_ACCEPT": "application/xml"}


class Demo:
    """Clients and fresh articles for one request each, so that no request depends on another."""

    def __init__(self, users: dict[str, Any]) -> None:
        self.users = users

    def client(self, username: str | None = None, password: str | None = None) -> Client:
        """A client sending Basic credentials (or none); server errors are answered, not raised."""
        headers = {}
        if username is not None:
            headers["HTTP_AUTHORIZATION"] = basic(username, password or f"{username}-password")
        return Client(raise_request_exception=False, **headers)

    def article(self) -> Article:
        """A new published article of alice's."""
        return Article.objects.create(owner=self.users["alice"], title="Fresh", published=True)

    def url(self, template: str, article: Article | None = None) -> str:
        """``template`` with a fresh article's id (or the given one's)."""
        return template.replace("{id}", str((article or self.article()).pk))

    def etag(self, article: Article) -> str:
        """The article's current ETag, as a client gets it."""
        response = self.client("alice").get(self.url(DETAIL, article))
        etag: str = response["ETag"]
        return etag

    def write(
        self,
        method: str,
        template: str,
        data: Any = None,
        article: Article | None = None,
        **extra: Any,
    ) -> Any:
        """Alice writing her own (fresh) article with its current ETag in If-Match."""
        article = article or self.article()
        extra.setdefault("HTTP_IF_MATCH", self.etag(article))
        extra.setdefault("content_type", "application/json")
        send = getattr(self.client("alice"), method)
        return send(self.url(template, article), data, **extra)

    def session_without_csrf(self) -> Client:
        """Alice logged in by session, sending no CSRF token."""
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.users["alice"])
        return client


def failing_database(error: type[Exception]) -> Any:
    """An execute wrapper that fails every query as an unreachable or broken database would."""

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip().split(" ", 1)[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE"}:
            raise error("injected by the test")
        return execute(sql, params, many, context)

    return connection.execute_wrapper(wrapper)


def concurrent_change(article: Article) -> Any:
    """An execute wrapper that, just before the compare-and-swap, lets another writer win."""
    table = connection.ops.quote_name(Article._meta.db_table)
    done = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not done and sql.lstrip().upper().startswith("UPDATE") and "version" in sql:
            done.append(True)
            execute(
                f"UPDATE {table} SET version = version + 1 WHERE id = %s",
                [article.pk],
                False,
                context,
            )
        return execute(sql, params, many, context)

    return connection.execute_wrapper(wrapper)


def closed_port() -> int:
    """A local port nobody listens on: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def observe(demo: Demo) -> dict[tuple[str, str], dict[int, int]]:
    """Real requests to every operation of the demo: the status each got, by intended status."""
    d = demo
    anonymous = d.client
    alice = lambda: d.client("alice")  # noqa: E731
    bob = lambda: d.client("bob")  # noqa: E731
    wrong = lambda: d.client("alice", "wrong-password")  # noqa: E731
    drafts = lambda: Article.objects.create(owner=d.users["alice"], title="Draft")  # noqa: E731

    def not_modified(template: str) -> Any:
        url = d.url(template)
        etag = anonymous().get(url)["ETag"]
        return anonymous().get(url, HTTP_IF_NONE_MATCH=etag)

    def publish_with_search_index(url: str, timeout: float = 5) -> Any:
        with override_settings(SEARCH_INDEX_URL=url, SEARCH_INDEX_TIMEOUT=timeout):
            article = d.article()
            return alice().post(d.url(PUBLISH, article))

    def publish_raced() -> Any:
        article = d.article()
        with concurrent_change(article):
            return alice().post(d.url(PUBLISH, article))

    def publish_unanswered() -> Any:
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen()
            port = listener.getsockname()[1]
            # Accepted by the kernel, never answered: the notification times out.
            return publish_with_search_index(f"http://127.0.0.1:{port}/", timeout=0.2)

    def keyed(url: str, first: Any, again: Any, *, in_flight: bool = False) -> Any:
        # Alice sends ``first``, then ``again`` with the same Idempotency-Key.
        key = f'"{uuid.uuid4()}"'
        alice().post(url, first, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
        if in_flight:
            IdempotencyKey.objects.filter(key=key.strip('"')).update(
                state=IdempotencyKey.State.IN_FLIGHT
            )
        return alice().post(url, again, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)

    def past_failed_logins(method: str, template: str) -> list[tuple[int, Any]]:
        # Credentials from an address that failed too often for the user name: 429.
        def send() -> Any:
            url = d.url(template)
            rates = {"failed_authentication": "1/min"}
            rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
            with override_settings(REST_FRAMEWORK=rest):
                cache.clear()
                d.client("mallory", "wrong").get(LIST)
                response = getattr(d.client("mallory", "wrong"), method)(url)
                cache.clear()
            return response

        return [(429, send)]

    def server_errors(method: str, template: str, **extra: Any) -> list[tuple[int, Any]]:
        def send(error: type[Exception]) -> Any:
            url = d.url(template)
            with failing_database(error):
                return getattr(alice(), method)(url, **extra)

        return [(500, lambda: send(ProgrammingError)), (503, lambda: send(OperationalError))]

    invalid = {"title": ""}
    valid = {"title": "Changed"}
    table: dict[tuple[str, str], list[tuple[int, Any]]] = {
        ("get", LIST): [
            (200, lambda: anonymous().get(LIST)),
            (304, lambda: not_modified(LIST)),
            (400, lambda: anonymous().get(LIST, {"page": "abc"})),
            (401, lambda: wrong().get(LIST)),
            (404, lambda: anonymous().get(LIST, {"page": 999})),
            (406, lambda: anonymous().get(LIST, **XML)),
            (412, lambda: anonymous().get(LIST, HTTP_IF_MATCH='"stale"')),
            *server_errors("get", LIST),
            *past_failed_logins("get", LIST),
        ],
        ("post", LIST): [
            (201, lambda: alice().post(LIST, valid, content_type="application/json")),
            (400, lambda: alice().post(LIST, invalid, content_type="application/json")),
            (401, lambda: anonymous().post(LIST, valid, content_type="application/json")),
            (403, lambda: d.session_without_csrf().post(LIST, valid)),
            (406, lambda: alice().post(LIST, valid, content_type="application/json", **XML)),
            (
                412,
                lambda: alice().post(
                    LIST, valid, content_type="application/json", HTTP_IF_MATCH='"stale"'
                ),
            ),
            (409, lambda: keyed(LIST, valid, valid, in_flight=True)),
            (415, lambda: alice().post(LIST, "title", content_type="text/plain")),
            (422, lambda: keyed(LIST, valid, {"title": "Other"})),
            *server_errors("post", LIST, data=valid, content_type="application/json"),
            *past_failed_logins("post", LIST),
        ],
        ("get", DETAIL): [
            (200, lambda: anonymous().get(d.url(DETAIL))),
            (304, lambda: not_modified(DETAIL)),
            (401, lambda: wrong().get(d.url(DETAIL))),
            (404, lambda: bob().get(d.url(DETAIL, drafts()))),
            (406, lambda: anonymous().get(d.url(DETAIL), **XML)),
            (412, lambda: anonymous().get(d.url(DETAIL), HTTP_IF_MATCH='"stale"')),
            *server_errors("get", DETAIL),
            *past_failed_logins("get", DETAIL),
        ],
        **{
            (method, DETAIL): [
                (200, lambda m=method: d.write(m, DETAIL, valid)),
                (400, lambda m=method: d.write(m, DETAIL, invalid)),
                (401, lambda m=method: getattr(anonymous(), m)(d.url(DETAIL), valid)),
                (
                    403,
                    lambda m=method: getattr(bob(), m)(
                        d.url(DETAIL), valid, content_type="application/json"
                    ),
                ),
                (404, lambda m=method: getattr(alice(), m)("/api/articles/999999/", valid)),
                (406, lambda m=method: d.write(m, DETAIL, valid, **XML)),
                (412, lambda m=method: d.write(m, DETAIL, valid, HTTP_IF_MATCH='"stale"')),
                (415, lambda m=method: d.write(m, DETAIL, "title", content_type="text/plain")),
                (
                    428,
                    lambda m=method: getattr(alice(), m)(
                        d.url(DETAIL), valid, content_type="application/json"
                    ),
                ),
                *server_errors(method, DETAIL),
                *past_failed_logins(method, DETAIL),
            ]
            for method in ("put", "patch")
        },
        ("delete", DETAIL): [
            (204, lambda: d.write("delete", DETAIL)),
            (401, lambda: anonymous().delete(d.url(DETAIL))),
            (403, lambda: d.session_without_csrf().delete(d.url(DETAIL))),
            (404, lambda: alice().delete("/api/articles/999999/")),
            (406, lambda: d.write("delete", DETAIL, **XML)),
            (412, lambda: d.write("delete", DETAIL, HTTP_IF_MATCH='"stale"')),
            (428, lambda: alice().delete(d.url(DETAIL))),
            *server_errors("delete", DETAIL),
            *past_failed_logins("delete", DETAIL),
        ],
        ("post", PUBLISH): [
            (200, lambda: alice().post(d.url(PUBLISH))),
            (400, lambda: alice().post(d.url(PUBLISH), HTTP_IDEMPOTENCY_KEY='"unterminated')),
            (401, lambda: anonymous().post(d.url(PUBLISH))),
            (403, lambda: bob().post(d.url(PUBLISH))),
            (404, lambda: alice().post("/api/articles/999999/publish/")),
            (406, lambda: alice().post(d.url(PUBLISH), **XML)),
            (409, publish_raced),
            (412, lambda: alice().post(d.url(PUBLISH), HTTP_IF_MATCH='"stale"')),
            (502, lambda: publish_with_search_index(f"http://127.0.0.1:{closed_port()}/")),
            (422, lambda: keyed(d.url(PUBLISH), None, {"other": "content"})),
            (504, publish_unanswered),
            *server_errors("post", PUBLISH),
            *past_failed_logins("post", PUBLISH),
        ],
        ("get", HEALTH): [
            (200, lambda: anonymous().get(HEALTH)),
            (406, lambda: anonymous().get(HEALTH, **XML)),
            *server_errors("get", HEALTH),
        ],
    }
    return {
        operation: {intended: send().status_code for intended, send in requests}
        for operation, requests in table.items()
    }


# Publishing commits its own transaction (a failed one rolls it back): no test transaction.
@pytest.mark.django_db(transaction=True)
def test_demo_statuses_in_the_schema_are_the_statuses_requests_get(
    seeded: dict[str, Any],
) -> None:
    observed = observe(Demo(seeded))
    for operation, got in observed.items():
        # Each request gets the status it was written to provoke...
        assert {s: s for s in got} == got, operation
    listed = {
        (method, route): {int(code) for code in operation["responses"]}
        for route, operations in demo_schema()["paths"].items()
        for method, operation in operations.items()
    }
    # ...and the statuses observed per operation are exactly those the schema lists.
    assert set(listed) == set(observed)
    for operation in listed:
        assert listed[operation] == set(observed[operation].values()), operation


@DEMO_URLS
@pytest.mark.django_db
def test_the_schema_in_another_language_is_labelled_with_both() -> None:
    """drf-spectacular's ``lang`` translates its own strings; the descriptions stay English."""
    response = Client().get("/api/schema/?lang=de")
    assert response.status_code == 200
    assert response["Content-Language"] == "de, en"
    assert "articles auflisten" in response.content.decode()


@DEMO_URLS
@pytest.mark.django_db
def test_a_schema_language_the_demo_does_not_have_is_400_naming_lang() -> None:
    response = Client().get("/api/schema/?lang=xx")
    assert response.status_code == 400
    assert problem(response)["errors"][0]["parameter"] == "lang"
