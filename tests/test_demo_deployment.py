"""The demo's deployments (docs/deployment.md): its DATABASE_* variables, the replica's router,
health over every database, and the connection pool's 503 when it has no connection to give.

The settings and the router are tested as plain values; the rest over real gunicorn servers.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import django
import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from rest_framework.authtoken.models import Token

from demo_project.articles.models import Article
from demo_project.routers import PRIMARY, REPLICA, PrimaryReplicaRouter
from demo_project.servers import serve
from demo_project.settings import database, databases
from django_http_errors.routing import READ_YOUR_WRITES_COOKIE, ReadYourWritesMiddleware
from tests.conftest import token_in
from tests.index_server import SearchIndex

POSTGRES = "postgres://postgres@127.0.0.1:5432/demo"
SQLITE = "sqlite:///demo.sqlite3"
POOL_DJANGO = pytest.mark.skipif(django.VERSION < (5, 1), reason="Django's pool is 5.1's")


# The DATABASE_* variables


def test_without_variables_connections_are_closed_after_each_request() -> None:
    config = database(POSTGRES, {})
    assert (config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"]) == (0, False)
    assert config["DISABLE_SERVER_SIDE_CURSORS"] is False
    assert "pool" not in config["OPTIONS"]


def test_sqlite_keeps_its_connections_unless_told_otherwise() -> None:
    assert database(SQLITE, {})["CONN_MAX_AGE"] is None
    assert database(SQLITE, {"DATABASE_CONN_MAX_AGE": "0"})["CONN_MAX_AGE"] == 0
    assert database(SQLITE, {"DATABASE_CONN_MAX_AGE": "30"})["CONN_MAX_AGE"] == 30


def test_conn_max_age_keeps_connections_and_checks_them_before_reuse() -> None:
    config = database(POSTGRES, {"DATABASE_CONN_MAX_AGE": "60"})
    assert (config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"]) == (60, True)
    assert "pool" not in config["OPTIONS"]


# Deadlines: a database that stops answering is a 503 within seconds (test_demo_hung_database.py)


@pytest.mark.parametrize(
    ("url", "environ", "options"),
    [
        (
            POSTGRES,
            {},
            {"connect_timeout": 3, "options": "-c statement_timeout=10000 -c TimeZone=UTC"},
        ),
        (
            POSTGRES,
            {"DATABASE_CONNECT_TIMEOUT": "5", "DATABASE_STATEMENT_TIMEOUT": "30"},
            {"connect_timeout": 5, "options": "-c statement_timeout=30000 -c TimeZone=UTC"},
        ),
        # 0: wait for ever, as libpq does; no statement_timeout sent (PgBouncer before 1.20).
        (
            POSTGRES,
            {"DATABASE_CONNECT_TIMEOUT": "0", "DATABASE_STATEMENT_TIMEOUT": "0"},
            {"connect_timeout": 0},
        ),
        # What the URL says is kept.
        (
            f"{POSTGRES}?connect_timeout=7&options=-c%20lock_timeout%3D1000",
            {"DATABASE_CONNECT_TIMEOUT": "5"},
            {"connect_timeout": 7, "options": "-c lock_timeout=1000"},
        ),
        # SQLite has its own wait for the write lock, and neither of these.
        (SQLITE, {"DATABASE_CONNECT_TIMEOUT": "5"}, {"timeout": 20}),
    ],
)
def test_deadlines(url: str, environ: dict[str, str], options: dict[str, Any]) -> None:
    given = database(url, environ)["OPTIONS"]
    assert {name: given[name] for name in options} == options
    assert set(given) - set(options) <= {"transaction_mode"}


@pytest.mark.django_db
def test_a_connection_starts_in_the_time_zone_django_wants() -> None:
    # Sent at startup, the zone's source is "client". Where it is not, Django sends SET TIME
    # ZONE to each new connection on a server whose default zone is named otherwise (Debian's
    # "Etc/UTC"), and the source is "session".
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...); CI runs it there")
    if "options" not in connection.settings_dict["OPTIONS"]:
        pytest.skip("DATABASE_STATEMENT_TIMEOUT=0 sends no startup parameter (PgBouncer < 1.20)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT setting, source FROM pg_settings WHERE name = 'TimeZone'")
        assert cursor.fetchone() == (connection.timezone_name, "client")


@pytest.mark.parametrize("name", ["DATABASE_CONNECT_TIMEOUT", "DATABASE_STATEMENT_TIMEOUT"])
def test_a_deadline_is_a_whole_number_of_seconds(name: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=f"{name} is a whole number of seconds"):
        database(POSTGRES, {name: "2.5"})


def test_disable_server_side_cursors_for_pgbouncer() -> None:
    config = database(POSTGRES, {"DATABASE_DISABLE_SERVER_SIDE_CURSORS": "1"})
    assert config["DISABLE_SERVER_SIDE_CURSORS"] is True


@POOL_DJANGO
@pytest.mark.parametrize(
    ("value", "pool"),
    [
        ("1", True),
        ("min_size=1,max_size=1,timeout=0.5", {"min_size": 1, "max_size": 1, "timeout": 0.5}),
        ("max_size=8, timeout=5", {"max_size": 8, "timeout": 5.0}),
    ],
)
def test_pool_options(value: str, pool: Any) -> None:
    config = database(POSTGRES, {"DATABASE_POOL": value})
    assert config["OPTIONS"]["pool"] == pool
    # The pool checks a connection before it lends it (psycopg_pool's check_connection).
    assert (config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"]) == (0, True)


def test_pool_zero_is_none() -> None:
    assert "pool" not in database(POSTGRES, {"DATABASE_POOL": "0"})["OPTIONS"]


@pytest.mark.parametrize(
    ("url", "environ", "names"),
    [
        # Django's own settings in the URL would reach psycopg as connection options.
        (f"{POSTGRES}?conn_max_age=60", {}, "DATABASE_CONN_MAX_AGE"),
        (f"{POSTGRES}?disable_server_side_cursors=true", {}, "DATABASE_DISABLE_SERVER_SIDE"),
        (f"{POSTGRES}?pool=true", {}, "DATABASE_POOL"),
        (POSTGRES, {"DATABASE_CONN_MAX_AGE": "a minute"}, "whole number of seconds"),
        (POSTGRES, {"DATABASE_CONN_MAX_AGE": "-1"}, "whole number of seconds"),
        (POSTGRES, {"DATABASE_DISABLE_SERVER_SIDE_CURSORS": "true"}, "1 or 0"),
        (POSTGRES, {"DATABASE_POOL": "size=4"}, "min_size=N, max_size=N, timeout=N"),
        (POSTGRES, {"DATABASE_POOL": "max_size=many"}, "min_size=N, max_size=N, timeout=N"),
        (POSTGRES, {"DATABASE_POOL": "max_size=0"}, "positive"),
        (POSTGRES, {"DATABASE_POOL": "timeout=0"}, "positive"),
        # psycopg_pool's min_size is 4 unless set.
        (POSTGRES, {"DATABASE_POOL": "max_size=2"}, "below its min_size (4 unless set)"),
        (SQLITE, {"DATABASE_POOL": "1"}, "for PostgreSQL"),
    ],
)
def test_misconfigurations_are_refused_with_the_variable_to_set(
    url: str, environ: dict[str, str], names: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=re.escape(names)):
        database(url, environ)


@POOL_DJANGO
def test_a_pool_does_not_go_with_persistent_connections() -> None:
    environ = {"DATABASE_POOL": "1", "DATABASE_CONN_MAX_AGE": "60"}
    with pytest.raises(ImproperlyConfigured, match="unset DATABASE_CONN_MAX_AGE"):
        database(POSTGRES, environ)


@pytest.mark.skipif(django.VERSION >= (5, 1), reason="Django 5.1 has its pool")
def test_a_pool_needs_django_5_1() -> None:
    with pytest.raises(ImproperlyConfigured, match=re.escape("on Django 5.1 or later")):
        database(POSTGRES, {"DATABASE_POOL": "1"})


def test_a_replica_is_a_second_database_connected_alike_and_mirrored_in_tests() -> None:
    found = databases(
        {
            "DATABASE_URL": POSTGRES,
            "DATABASE_REPLICA_URL": "postgres://postgres@replica.invalid:5432/demo",
            "DATABASE_CONN_MAX_AGE": "30",
            "DATABASE_DISABLE_SERVER_SIDE_CURSORS": "1",
        }
    )
    assert set(found) == {PRIMARY, REPLICA}
    assert found[REPLICA]["HOST"] == "replica.invalid"
    for config in found.values():
        assert (config["CONN_MAX_AGE"], config["DISABLE_SERVER_SIDE_CURSORS"]) == (30, True)
    # The test runner makes no second test database: the replica is the primary there.
    assert found[REPLICA]["TEST"] == {"MIRROR": PRIMARY}
    assert set(databases({"DATABASE_URL": POSTGRES})) == {PRIMARY}


# The router


def test_reads_go_to_the_replica_and_writes_to_the_primary() -> None:
    router = PrimaryReplicaRouter()
    assert router.db_for_read(Article) == REPLICA
    assert router.db_for_write(Article) == PRIMARY


@pytest.mark.django_db(transaction=True)
def test_reads_in_a_transaction_go_to_the_primary() -> None:
    with transaction.atomic():
        assert PrimaryReplicaRouter().db_for_read(Article) == PRIMARY
    assert PrimaryReplicaRouter().db_for_read(Article) == REPLICA


def test_a_client_that_has_just_written_reads_from_the_primary() -> None:
    router = PrimaryReplicaRouter()
    factory = RequestFactory()
    with override_settings(HTTP_ERRORS={"READ_YOUR_WRITES": 5}):
        written = ReadYourWritesMiddleware(lambda request: HttpResponse(status=201))(
            factory.post("/api/articles/")
        )
        cookie = written.cookies[READ_YOUR_WRITES_COOKIE].value
        answer_where = ReadYourWritesMiddleware(
            lambda request: HttpResponse(router.db_for_read(Article))
        )
        writers = answer_where(
            factory.get("/api/articles/1/", HTTP_COOKIE=f"{READ_YOUR_WRITES_COOKIE}={cookie}")
        )
        others = answer_where(factory.get("/api/articles/1/"))
    assert (writers.content.decode(), others.content.decode()) == (PRIMARY, REPLICA)


def test_migrations_run_on_the_primary_only() -> None:
    router = PrimaryReplicaRouter()
    assert router.allow_migrate(PRIMARY, "articles") is True
    assert router.allow_migrate(REPLICA, "articles") is False


# A primary and a replica under gunicorn: two SQLite files, the replica's a copy of its own


@pytest.fixture(scope="module")
def replicated(
    tmp_path_factory: pytest.TempPathFactory, seeded_sqlite_file: Path
) -> Iterator[tuple[httpx.Client, Path, Path]]:
    """A client of the demo with a replica, the primary's directory and the replica's."""
    primary, replica = (tmp_path_factory.mktemp(name) for name in (PRIMARY, REPLICA))
    for directory in (primary, replica):
        shutil.copyfile(seeded_sqlite_file, directory / "db.sqlite3")
    with (
        serve(
            "gunicorn",
            f"sqlite:///{primary / 'db.sqlite3'}",
            DATABASE_REPLICA_URL=f"sqlite:///{replica / 'db.sqlite3'}",
            SEARCH_INDEX_URL="",
        ) as base,
        httpx.Client(base_url=base, timeout=30) as http,
    ):
        yield http, primary, replica


def titles(directory: Path) -> set[str]:
    """The titles of the articles in the database file of ``directory``."""
    with contextlib.closing(sqlite3.connect(directory / "db.sqlite3")) as db:
        return {title for (title,) in db.execute("SELECT title FROM articles_article")}


@pytest.mark.slow
def test_the_demo_reads_from_the_replica_and_writes_to_the_primary(
    replicated: tuple[httpx.Client, Path, Path],
) -> None:
    http, primary, replica = replicated
    # What only the replica holds is what a read shows.
    with contextlib.closing(sqlite3.connect(replica / "db.sqlite3")) as db, db:
        db.execute("UPDATE articles_article SET title = 'As the replica has it' WHERE id = 1")
    assert http.get("/api/articles/1/").json()["title"] == "As the replica has it"

    token = token_in(f"sqlite:///{replica / 'db.sqlite3'}", "alice")
    created = http.post(
        "/api/articles/", json={"title": "Written"}, headers={"Authorization": token}
    )
    assert created.status_code == 201, created.text
    assert "Written" in titles(primary)
    assert "Written" not in titles(replica)


@pytest.mark.slow
def test_health_is_503_when_either_database_is_unreachable(
    replicated: tuple[httpx.Client, Path, Path],
) -> None:
    http, primary, replica = replicated
    assert http.get("/api/health/").json() == {"status": "ok"}
    for directory in (replica, primary):
        gone = directory.with_name(directory.name + "-gone")
        directory.rename(gone)  # SQLite cannot open a file whose directory is elsewhere
        try:
            response = http.get("/api/health/")
        finally:
            gone.rename(directory)
        assert response.status_code == 503, (directory.name, response.text)
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "service_unavailable"
        assert int(response.headers["Retry-After"]) >= 0
    # Back without a restart.
    assert http.get("/api/health/").status_code == 200


# Django's psycopg 3 pool, exhausted


@pytest.fixture
def on_test_database(transactional_db: None) -> tuple[str, str]:
    """The committed test database, seeded: its URL, and alice's token."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...); CI runs it there")
    call_command("seed_demo", stdout=io.StringIO())
    url = urlsplit(os.environ["DATABASE_URL"])
    test_database = url._replace(path=f"/{connection.settings_dict['NAME']}").geturl()
    return test_database, f"Token {Token.objects.get(user__username='alice').key}"


@pytest.mark.slow
@pytest.mark.timed
@POOL_DJANGO
def test_an_exhausted_pool_is_503_with_retry_after_never_500(
    on_test_database: tuple[str, str],
) -> None:
    database_url, token = on_test_database
    draft = Article.objects.get(title="Alice's draft")
    with (
        # Publishing holds the pool's one connection while the index holds its answer: until
        # the test has timed the waits and releases it, or 4 s.
        SearchIndex(mode="slow", delay=4) as index,
        serve(
            "gunicorn",
            database_url,
            *("--worker-class", "gthread", "--workers", "1", "--threads", "4"),
            DATABASE_POOL="min_size=1,max_size=1,timeout=1",
            SEARCH_INDEX_URL=index.url,
            SEARCH_INDEX_TIMEOUT="10",
        ) as base,
        httpx.Client(base_url=base, timeout=30) as http,
    ):
        publishing = _in_background(
            lambda: http.post(
                f"/api/articles/{draft.pk}/publish/", headers={"Authorization": token}
            )
        )
        _wait_for(lambda: bool(index.requests("POST")))
        started = time.monotonic()
        waited = [http.get(path) for path in ("/api/articles/1/", "/api/health/")]
        elapsed = time.monotonic() - started
        index.release()
        published = publishing()
        after = http.get("/api/articles/1/")

    for response in waited:
        assert response.status_code == 503, response.text
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "service_unavailable"
        assert response.headers["Retry-After"] == "5"  # DATABASE_RETRY_AFTER's default
    assert elapsed < 4, "each waited about the pool's timeout, not for the connection"
    assert published.status_code == 200, published.text
    assert after.status_code == 200, "the connection went back to the pool"


def _in_background(call: Callable[[], httpx.Response]) -> Callable[[], httpx.Response]:
    """Start ``call`` in a thread; the returned function waits for its answer."""
    answers: list[httpx.Response] = []
    thread = threading.Thread(target=lambda: answers.append(call()))
    thread.start()

    def answer() -> httpx.Response:
        thread.join()
        assert answers, "the request failed"
        return answers[0]

    return answer


def _wait_for(condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
