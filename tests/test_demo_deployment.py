"""The demo's deployments (docs/deployment.md): its DATABASE_* variables, the replica's router,
and health over every database.

The settings and the router are tested as plain values; the rest over real gunicorn servers.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import django
import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from demo_project.articles.models import Article
from demo_project.routers import PRIMARY, REPLICA, PrimaryReplicaRouter
from demo_project.servers import serve, token_of
from demo_project.settings import database, databases

POSTGRES = "postgres://postgres@127.0.0.1:5432/demo"
SQLITE = "sqlite:///demo.sqlite3"
POOL_DJANGO = pytest.mark.skipif(django.VERSION < (5, 1), reason="Django's pool is 5.1's")


# The DATABASE_* variables


def test_without_variables_connections_are_closed_after_each_request() -> None:
    config = database(POSTGRES, {})
    assert (config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"]) == (0, False)
    assert config["DISABLE_SERVER_SIDE_CURSORS"] is False
    assert "pool" not in config["OPTIONS"]


def test_conn_max_age_keeps_connections_and_checks_them_before_reuse() -> None:
    config = database(POSTGRES, {"DATABASE_CONN_MAX_AGE": "60"})
    assert (config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"]) == (60, True)
    assert config["OPTIONS"] == {}


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
            settings="demo_project.settings",
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

    token = token_of(f"sqlite:///{replica / 'db.sqlite3'}", "alice")
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
