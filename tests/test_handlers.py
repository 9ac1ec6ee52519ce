"""The exception handler over real requests: every row of the mapping, on either database."""

from __future__ import annotations

import logging
import socket
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.signals import got_request_exception
from django.db import IntegrityError, connection, connections
from django.test import Client, override_settings
from rest_framework import exceptions

from django_http_errors import exceptions as ours
from tests.conftest import basic, problem
from tests.testapp import views as testviews
from tests.testapp.models import Book, Label, Post, Shelf

pytestmark = pytest.mark.django_db

POSTS = "/test/conditional/posts/"

JSON = "application/json"
LEAKS = (testviews.SECRET, "hunter2", "RuntimeError", "DatabaseError", "Traceback", "testapp")


def assert_leaks_nothing(response: Any) -> None:
    """Nothing of the exception (message, class, path, SQL) is in the body."""
    text = response.content.decode()
    for leak in LEAKS:
        assert leak not in text, leak


def unsafe_client(**defaults: Any) -> Client:
    """A client that answers with the 500 instead of re-raising the view's exception."""
    return Client(raise_request_exception=False, **defaults)


def closed_port() -> int:
    """A local TCP port nothing listens on: bound once by us, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# --- DRF's own exceptions, through the demo ---------------------------------------------------


def test_invalid_fields_are_400_with_pointers(client_as: Callable[[str], Client]) -> None:
    response = client_as("alice").post(POSTS, {"title": ""}, content_type=JSON)
    assert response.status_code == 400
    body = problem(response)
    assert body["code"] == "invalid"
    assert body["type"] == "/api/problems/invalid/"
    assert body["title"] == "Invalid input"
    assert body["instance"] == POSTS
    assert body["errors"] == [
        {"pointer": "#/title", "detail": "This field may not be blank.", "code": "blank"}
    ]
    assert body["detail"] == "This field may not be blank."


def test_no_credentials_is_401_with_a_challenge(users: object) -> None:
    response = Client().post(POSTS, {"title": "x"}, content_type=JSON)
    assert response.status_code == 401
    assert response["WWW-Authenticate"]
    assert problem(response)["code"] == "not_authenticated"


def test_wrong_password_is_401_with_the_basic_challenge(users: object) -> None:
    client = Client(HTTP_AUTHORIZATION=basic("alice", "wrong"))
    response = client.post(POSTS, {"title": "x"}, content_type=JSON)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert problem(response)["code"] == "authentication_failed"


def test_writing_someone_elses_post_is_403(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    bob = client_as("bob")
    url = f"{POSTS}{alices_post.pk}/"
    # With the ETag bob read: refused for who he is, not for a missing precondition.
    etag = bob.get(url)["ETag"]
    response = bob.patch(url, {"title": "mine"}, content_type=JSON, HTTP_IF_MATCH=etag)
    assert response.status_code == 403
    assert problem(response)["code"] == "not_owner"  # the code of the permission that denied


def test_unknown_id_is_404_with_instance(users: object) -> None:
    response = Client().get(f"{POSTS}999999/")
    assert response.status_code == 404
    body = problem(response)
    assert body["code"] == "not_found"
    assert body["instance"] == f"{POSTS}999999/"


def test_wrong_method_is_405_with_allow(client_as: Callable[[str], Client]) -> None:
    response = client_as("alice").put(POSTS, {}, content_type=JSON)
    assert response.status_code == 405
    assert {"GET", "POST"} <= {m.strip() for m in response["Allow"].split(",")}
    assert problem(response)["code"] == "method_not_allowed"


def test_unservable_accept_is_406_still_a_problem(users: object) -> None:
    response = Client().get(POSTS, HTTP_ACCEPT="text/csv")
    assert response.status_code == 406
    assert problem(response)["code"] == "not_acceptable"


@pytest.mark.parametrize(
    ("url", "accept", "status"),
    [("/test/html-first/", "text/csv", 406), ("/test/html-first/?format=csv", "*/*", 404)],
)
def test_a_view_whose_first_renderer_is_html_answers_errors_as_problems(
    url: str, accept: str, status: int
) -> None:
    # Before content negotiation DRF would render the error with the view's first renderer,
    # here HTML templates; a problem is JSON whatever the view renders.
    response = Client().get(url, HTTP_ACCEPT=accept)
    assert response.status_code == status
    assert problem(response)["status"] == status


def test_unsupported_content_type_is_415(client_as: Callable[[str], Client]) -> None:
    response = client_as("alice").post(POSTS, "title=x", content_type="text/csv")
    assert response.status_code == 415
    assert problem(response)["code"] == "unsupported_media_type"


def test_malformed_json_is_400_parse_error(client_as: Callable[[str], Client]) -> None:
    response = client_as("alice").post(POSTS, '{"title": ', content_type=JSON)
    assert response.status_code == 400
    body = problem(response)
    assert body["code"] == "parse_error"
    assert "errors" not in body


def test_throttled_is_429_with_retry_after(db: None) -> None:
    cache.clear()
    client = Client()
    assert client.get("/test/throttled/").status_code == 200
    response = client.get("/test/throttled/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert problem(response)["code"] == "throttled"
    cache.clear()


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (exceptions.APIException(), 500, "error"),
        (exceptions.ValidationError("Whole body."), 400, "invalid"),
        (exceptions.ParseError(), 400, "parse_error"),
        (exceptions.AuthenticationFailed(), 401, "authentication_failed"),
        (exceptions.NotAuthenticated(), 401, "not_authenticated"),
        (exceptions.PermissionDenied(), 403, "permission_denied"),
        (exceptions.NotFound(), 404, "not_found"),
        (exceptions.MethodNotAllowed("PATCH"), 405, "method_not_allowed"),
        (exceptions.NotAcceptable(), 406, "not_acceptable"),
        (exceptions.UnsupportedMediaType("text/csv"), 415, "unsupported_media_type"),
        (exceptions.Throttled(wait=2.5), 429, "throttled"),
        (ours.Conflict(), 409, "conflict"),
        (ours.PreconditionFailed(etag='"v2"'), 412, "precondition_failed"),
        (ours.PreconditionRequired(), 428, "precondition_required"),
        (ours.InsufficientScope(scope="write"), 403, "insufficient_scope"),
        (ours.BadGateway(), 502, "bad_gateway"),
        (ours.ServiceUnavailable(retry_after=7), 503, "service_unavailable"),
        (ours.GatewayTimeout(), 504, "gateway_timeout"),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None,
)
def test_every_api_exception_is_a_problem_with_its_status(
    monkeypatch: pytest.MonkeyPatch, exc: Exception, status: int, code: str
) -> None:
    monkeypatch.setitem(testviews.RAISED, "it", lambda: testviews._raise(exc))
    response = Client().get("/test/raise/it/")
    assert response.status_code == status
    body = problem(response)
    assert body["code"] == code
    # Each row's own headers and members, and no other row's.
    challenged = status == 401 or code == "insufficient_scope"
    assert ("WWW-Authenticate" in response) == challenged, response.headers
    assert response.get("Retry-After") == {429: "3", 503: "7"}.get(status)
    assert body.get("etag") == ('"v2"' if code == "precondition_failed" else None)
    required = ["If-Match", "If-Unmodified-Since"] if code == "precondition_required" else None
    assert body.get("required_headers") == required
    if code == "insufficient_scope":
        assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
        assert 'scope="write"' in response["WWW-Authenticate"]
    if code == "error":
        # A bare APIException has no documented type: about:blank and the reason phrase.
        assert body["type"] == "about:blank"
        assert body["title"] == "Internal Server Error"
    else:
        assert body["type"] == f"/api/problems/{code.replace('_', '-')}/"


@pytest.mark.parametrize(
    ("host", "secure"),
    [("testserver", False), ("localhost", False), ("127.0.0.1:8000", True), ("[::1]", False)],
)
def test_type_uris_are_the_same_whatever_host_or_scheme(host: str, secure: bool) -> None:
    with override_settings(ALLOWED_HOSTS=["*"]):
        response = Client().get(f"{POSTS}999999/", HTTP_HOST=host, secure=secure)
    assert problem(response)["type"] == "/api/problems/not-found/"


@override_settings(HTTP_ERRORS={"PROBLEM_TYPE_BASE_URL": "https://errors.example.com/types/"})
def test_a_configured_base_makes_type_uris_absolute() -> None:
    body = problem(Client().get(f"{POSTS}999999/"))
    assert body["type"] == "https://errors.example.com/types/not-found"


class _TokenExpired(exceptions.APIException):
    """A project's own 401: neither of DRF's two authentication exceptions."""

    status_code = 401
    default_detail = "The token has expired."
    default_code = "token_expired"


def test_a_projects_own_401_carries_a_challenge_too(monkeypatch: pytest.MonkeyPatch) -> None:
    # RFC 9110 §15.5.2: a 401 MUST carry WWW-Authenticate, whichever exception class made it.
    monkeypatch.setitem(testviews.RAISED, "it", lambda: testviews._raise(_TokenExpired()))
    response = Client().get("/test/raise/it/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Session realm="api"'
    assert problem(response)["code"] == "token_expired"


# --- Django's and the database's exceptions, raised inside a DRF view -------------------------


def test_django_http404_keeps_its_message() -> None:
    response = Client().get("/test/raise/http404/")
    assert response.status_code == 404
    assert problem(response)["detail"] == "No such label."


def test_django_permission_denied_keeps_its_message() -> None:
    response = Client().get("/test/raise/django-permission-denied/")
    assert response.status_code == 403
    body = problem(response)
    assert (body["code"], body["detail"]) == ("permission_denied", "Labels are read-only.")


def test_model_full_clean_is_400_with_errors() -> None:
    body = problem(Client().get("/test/raise/full-clean/"))
    assert body["status"] == 400
    assert body["errors"] == [
        {"pointer": "#/name", "detail": "This field cannot be blank.", "code": "blank"},
        {"pointer": "#/post", "detail": "This field cannot be blank.", "code": "blank"},
    ]


def test_validator_error_is_400_on_the_whole_body() -> None:
    body = problem(Client().get("/test/raise/validator/"))
    assert body["status"] == 400
    [error] = body["errors"]
    assert (error["pointer"], error["code"]) == ("#", "invalid")
    assert "slug" in error["detail"]


@pytest.mark.parametrize("name", ["protected", "restricted"])
def test_protected_and_restricted_deletes_are_409(name: str) -> None:
    response = Client().get(f"/test/raise/{name}/")
    assert response.status_code == 409
    body = problem(response)
    assert body["code"] == "conflict"
    assert "Label" not in body["detail"]
    assert "Restricted." not in body["detail"]


@pytest.mark.parametrize(("name", "status"), [("http-connect", 502), ("http-timeout", 504)])
def test_upstream_errors_in_a_view_are_502_and_504(name: str, status: int) -> None:
    response = Client().get(f"/test/raise/{name}/")
    assert response.status_code == status
    assert_leaks_nothing(response)


# --- Integrity errors: 409 for the state the request met, 500 for the server's own bug -------
# Real transactions: PostgreSQL and SQLite check a foreign key as its transaction commits, which
# the transaction of a test that is not transactional never does.


def only_on(vendor: str) -> None:
    """Skip the test unless the suite's database is ``vendor``'s."""
    if connection.vendor != vendor:
        pytest.skip(f"needs {vendor} (DATABASE_URL); CI runs the suite on SQLite and PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_a_unique_violation_is_409_with_a_generic_detail() -> None:
    client = Client()
    assert client.post("/test/labels/", {"name": "twice"}, content_type=JSON).status_code == 201
    response = client.post("/test/labels/", {"name": "twice"}, content_type=JSON)
    assert response.status_code == 409
    body = problem(response)
    assert body["code"] == "conflict"
    assert body["detail"] == "The request conflicts with the current state of the resource."
    assert Label.objects.filter(name="twice").count() == 1


#: PostgreSQL and SQLite check a foreign key as its transaction commits: in autocommit at the
#: DELETE, inside the view; with ATOMIC_REQUESTS after it, so that handler500 answers.
TRANSACTION_MODES = pytest.mark.parametrize("atomic", [False, True], ids=["autocommit", "atomic"])


def delete_referenced_shelf(request: pytest.FixtureRequest, *, atomic: bool) -> Any:
    """DELETE a shelf that a book still references (DO_NOTHING: only the database refuses)."""
    shelf = Shelf.objects.create(name="Referenced")
    Book.objects.create(title="On the shelf", shelf=shelf)
    if atomic:
        request.getfixturevalue("atomic_requests")
    response = unsafe_client().delete(f"/test/shelves/{shelf.pk}/")
    assert Shelf.objects.filter(pk=shelf.pk).exists()
    return response


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@TRANSACTION_MODES
def test_deleting_a_row_the_database_still_references_is_409(
    request: pytest.FixtureRequest, atomic: bool
) -> None:
    only_on("postgresql")
    response = delete_referenced_shelf(request, atomic=atomic)
    assert response.status_code == 409
    body = problem(response)
    assert body["code"] == "conflict"
    assert body["detail"] == "The resource is referenced by other resources and cannot be deleted."


def assert_reported_500(response: Any, records: list[logging.LogRecord]) -> None:
    """A generic 500 problem, logged once on django.request with the IntegrityError's
    traceback."""
    assert response.status_code == 500
    body = problem(response)
    assert body["code"] == "server_error"
    assert body["detail"] == "The server met an unexpected condition. It has been logged."
    assert_leaks_nothing(response)
    [record] = [r for r in records if r.name == "django.request"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], IntegrityError), record.exc_info


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["not-null", "check", "missing-reference"])
def test_a_write_the_database_refuses_as_a_bug_is_a_500_logged_and_signalled(
    caplog: pytest.LogCaptureFixture, name: str
) -> None:
    # A row without its owner, a count below the CHECK's minimum, a reference to no row: the
    # server's own writes, not a conflict the client could resolve.
    signalled: list[Any] = []
    receiver = lambda sender, request, **kwargs: signalled.append(request.path)  # noqa: E731
    got_request_exception.connect(receiver)
    try:
        with caplog.at_level(logging.ERROR, logger="django.request"):
            response = unsafe_client().get(f"/test/raise/{name}/")
    finally:
        got_request_exception.disconnect(receiver)
    assert_reported_500(response, caplog.records)
    assert signalled == [f"/test/raise/{name}/"]


@pytest.mark.django_db(transaction=True)
@TRANSACTION_MODES
def test_sqlite_names_no_direction_so_a_referenced_rows_delete_is_a_500(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture, atomic: bool
) -> None:
    # "FOREIGN KEY constraint failed" is all SQLite says, for a delete as for a dangling
    # reference: not known to be the client's doing, so reported as a bug.
    only_on("sqlite")
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = delete_referenced_shelf(request, atomic=atomic)
    assert_reported_500(response, caplog.records)


# --- Validation errors as JSON Pointers -------------------------------------------------------


def test_nested_serializers_and_lists_are_pointed_at() -> None:
    order = {
        "items": [{"name": "ok", "quantity": 1}, {"name": "toolong", "quantity": 0}],
        "tags": ["ab", "toolong"],
    }
    body = problem(Client().post("/test/orders/", order, content_type=JSON))
    assert [(e["pointer"], e["code"]) for e in body["errors"]] == [
        ("#/items/1/name", "max_length"),
        ("#/items/1/quantity", "min_value"),
        ("#/tags/1", "max_length"),
    ]
    assert body["detail"] == "The request content is invalid: each error is listed in errors."


def test_non_field_errors_point_at_the_whole_body() -> None:
    order = {"items": [], "tags": [], "note": "reject"}
    body = problem(Client().post("/test/orders/", order, content_type=JSON))
    assert body["errors"] == [
        {"pointer": "#", "detail": "The order as a whole is rejected.", "code": "invalid"}
    ]


def test_ten_thousand_errors_in_one_request() -> None:
    items = [{"name": "toolong", "quantity": 0}] * 5000
    response = Client().post("/test/orders/?bulk", items, content_type=JSON)
    body = problem(response)
    assert len(body["errors"]) == 10_000
    assert body["errors"][0]["pointer"] == "#/0/name"
    assert body["errors"][-1]["pointer"] == "#/4999/quantity"


# --- Unexpected errors ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/test/boom/", "/test/raise/database-error/"])
def test_unexpected_error_is_a_500_that_leaks_nothing_logged_once_and_signalled(
    caplog: pytest.LogCaptureFixture, url: str
) -> None:
    signalled: list[Any] = []

    def receiver(sender: Any, request: Any, **kwargs: Any) -> None:
        signalled.append(request.path)

    got_request_exception.connect(receiver)
    try:
        with caplog.at_level(logging.ERROR, logger="django.request"):
            response = unsafe_client().get(url)
    finally:
        got_request_exception.disconnect(receiver)
    assert response.status_code == 500
    body = problem(response)
    assert body["code"] == "server_error"
    assert body["detail"] == "The server met an unexpected condition. It has been logged."
    assert_leaks_nothing(response)
    assert signalled == [url]
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].exc_info is not None
    assert testviews.SECRET in str(records[0].exc_info[1])


def test_upstream_failure_is_logged_with_traceback_but_not_signalled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    signalled: list[Any] = []
    receiver = lambda sender, **kwargs: signalled.append(sender)  # noqa: E731
    got_request_exception.connect(receiver)
    try:
        with caplog.at_level(logging.ERROR, logger="django.request"):
            response = Client().get("/test/raise/http-connect/")
    finally:
        got_request_exception.disconnect(receiver)
    assert response.status_code == 502
    assert signalled == []
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None


def test_deliberate_api_exceptions_are_not_reported_with_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = Client().get("/test/raise/bad-gateway/")
    assert response.status_code == 502
    assert all(r.exc_info is None for r in caplog.records)


def test_technical_500_in_debug_when_asked() -> None:
    with override_settings(DEBUG=True, HTTP_ERRORS={"TECHNICAL_500_IN_DEBUG": True}):
        response = unsafe_client().get("/test/boom/")
    assert response.status_code == 500
    assert response["Content-Type"] != "application/problem+json"
    assert testviews.SECRET in response.content.decode()


def test_debug_alone_keeps_the_generic_500() -> None:
    with override_settings(DEBUG=True):
        response = unsafe_client().get("/test/boom/")
    assert response.status_code == 500
    assert_leaks_nothing(response)


# --- Rollback: real transactions, so that a commit would really persist the row -------------


@pytest.fixture
def atomic_requests() -> Iterator[None]:
    """Every database with ``ATOMIC_REQUESTS``, as a project that chose it has them."""
    saved = {c.alias: c.settings_dict["ATOMIC_REQUESTS"] for c in connections.all()}
    for c in connections.all():
        c.settings_dict["ATOMIC_REQUESTS"] = True
    yield
    for c in connections.all():
        c.settings_dict["ATOMIC_REQUESTS"] = saved[c.alias]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("atomic_requests")
@pytest.mark.parametrize(
    ("url", "status"), [("/test/write-then-fail/", 500), ("/test/write-then-invalid/", 400)]
)
def test_an_error_after_a_write_leaves_no_row(url: str, status: int) -> None:
    response = unsafe_client().post(url, {"name": "half"}, content_type=JSON)
    assert response.status_code == status
    assert not Label.objects.filter(name="half").exists()


@pytest.mark.django_db(transaction=True)
def test_a_write_without_error_is_committed() -> None:
    """The control of the test above: the same setup does keep a row that was committed."""
    response = Client().post("/test/labels/", {"name": "kept"}, content_type=JSON)
    assert response.status_code == 201
    assert Label.objects.filter(name="kept").exists()


# --- A database that cannot be reached --------------------------------------------------------


@contextmanager
def unreachable_database(tmp_path: Path) -> Iterator[None]:
    """Point the default connection at a database that refuses, then put it back."""
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    keeper = None
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            # An in-memory database lives only while a connection holds it.
            keeper = sqlite3.connect(saved["NAME"], uri=True)
        connection.settings_dict["NAME"] = str(tmp_path / "missing" / "db.sqlite3")
    else:
        connection.settings_dict["HOST"] = "127.0.0.1"
        connection.settings_dict["PORT"] = str(closed_port())
    connection.close()
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)
        if keeper is not None:
            connection.ensure_connection()
            keeper.close()


@pytest.mark.django_db(transaction=True)
def test_unreachable_database_is_503_and_recovers(tmp_path: Path) -> None:
    client = unsafe_client()
    with unreachable_database(tmp_path):
        # A generic view's lookup and a query of the view's own, inside the DRF view.
        for url in (POSTS, "/test/database/"):
            response = client.get(url)
            assert response.status_code == 503, url
            assert response["Retry-After"] == "5"
            body = problem(response)
            assert body["code"] == "service_unavailable"
            assert body["instance"] == url
            assert_leaks_nothing(response)
    for url in (POSTS, "/test/database/"):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db(transaction=True)
def test_unreachable_database_retry_after_is_a_setting(tmp_path: Path) -> None:
    with (
        override_settings(HTTP_ERRORS={"DATABASE_RETRY_AFTER": 30}),
        unreachable_database(tmp_path),
    ):
        response = unsafe_client().get("/test/database/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


# --- Negotiation and i18n ---------------------------------------------------------------------


def test_browsable_api_renders_errors_as_html(users: object) -> None:
    response = Client().get(f"{POSTS}999999/", HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"not_found" in response.content


def test_german_client_gets_german_titles_and_drf_details(users: object) -> None:
    response = Client().post(POSTS, {"title": "x"}, content_type=JSON, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 401
    body = problem(response)
    assert body["title"] == "Anmeldung erforderlich"
    assert body["detail"] == "Anmeldedaten fehlen."
    assert body["code"] == "not_authenticated"


# Django's suspicious operations and a recursion error, raised inside a DRF view


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        pytest.param(RequestDataTooBig("Too big."), 413, "content_too_large", id="data-too-big"),
        pytest.param(TooManyFieldsSent("Too many."), 400, "bad_request", id="too-many-fields"),
        pytest.param(SuspiciousOperation("Odd: hunter2"), 400, "bad_request", id="suspicious"),
    ],
)
def test_suspicious_operations_in_a_drf_view_are_4xx_and_logged(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    exc: Exception,
    status: int,
    code: str,
) -> None:
    """As Django's handler400 answers them for a plain view, logged to ``django.security``."""
    monkeypatch.setitem(testviews.RAISED, "it", lambda: testviews._raise(exc))
    with caplog.at_level(logging.ERROR, logger="django.security"):
        response = Client().get("/test/raise/it/")
    assert response.status_code == status
    body = problem(response)
    assert body["code"] == code
    assert "hunter2" not in response.content.decode()
    [record] = [r for r in caplog.records if r.name.startswith("django.security.")]
    assert record.name == f"django.security.{type(exc).__name__}"


def test_a_recursion_error_outside_a_parser_is_still_a_500(db: None) -> None:
    """Only content nested too deeply for the parser is the client's fault."""
    response = Client(raise_request_exception=False).get("/test/raise/recursion/")
    assert response.status_code == 500
    assert problem(response)["code"] == "server_error"
