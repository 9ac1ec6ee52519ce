"""Fixtures shared by the tests.

The library's tests use the test app's own: ``users`` and ``alices_post``, with ``client_as`` and
``token_for``. The demo's tests (test_demo*.py) use the demo's: ``seeded`` (``seed_demo``),
``article``, ``draft``, ``as_user``, ``token_of``, the seeded SQLite file for servers and
``shared_demo``, the run's one server for tests that leave the seeded articles alone. What is
costly to make and only read is made once per run: the seeded file, that server, and the
schema a URLconf generates (``openapi``).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import functools
import gc
import io
import json
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from drf_spectacular.generators import SchemaGenerator
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token

from demo_project import servers
from demo_project.articles.models import Article
from demo_project.servers import sqlite_database
from tests.testapp.models import Post

# Property tests run 25 examples each where they name no number, 200 in CI (CI=true, which
# .ci/run sets) or as HYPOTHESIS_PROFILE names. No example database: runs must not leave a
# .hypothesis directory in the shared tree.
# What Hypothesis does keep (the constants it finds in the project's modules, which its first
# property test in a process reads from every module's source: 1.5 to 5.5 s) goes outside the
# tree, where the runs of one machine share it: CI's four, each from the same fresh clone.
HYPOTHESIS_STORE = Path(tempfile.gettempdir(), "django-http-errors-hypothesis")
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(HYPOTHESIS_STORE))
hypothesis_settings.register_profile("dev", max_examples=25, database=None, deadline=None)
hypothesis_settings.register_profile("ci", max_examples=200, database=None, deadline=None)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

# In an xdist worker (make test's in-process tests, which take the CPU the timed ones leave), no
# full collection unless a test asks for one (gc.collect()): each walks every object Django, DRF
# and the test modules made, and a worker ran 14 to 16 of them, 2.2 to 2.5 CPU-s in all. The
# young generations, where the tests' cycles die, are collected as usual; the larger worker then
# peaks at 284 MB resident rather than 219 MB. The timed tests' process runs as Python does.
if os.environ.get("PYTEST_XDIST_WORKER"):
    gc.set_threshold(*gc.get_threshold()[:2], 1_000_000)


#: The settings the demo's servers and commands run with in the tests: the demo's, with a fast
#: password hasher (tests/demo_settings.py). A run may name others.
os.environ.setdefault("DEMO_SETTINGS_MODULE", "tests.demo_settings")

#: The demo's own URLconf, for an in-process test of what the demo serves at its schema and API
#: root: the tests' URLconf routes the test app's views too, and a schema of them all takes
#: seconds to generate and is not the demo's.
DEMO_URLS = override_settings(ROOT_URLCONF="demo_project.urls")

#: The users both the library's and the demo's tests sign in as: name, staff and superuser.
USERS = [("alice", False), ("bob", False), ("admin", True)]


@pytest.fixture
def users(db: None) -> dict[str, User]:
    """alice, bob and admin (staff and superuser), each with password ``<name>-password`` and a
    DRF token: the demo's users, made directly."""
    made = {}
    for username, staff in USERS:
        user = User.objects.create_user(
            username, password=f"{username}-password", is_staff=staff, is_superuser=staff
        )
        Token.objects.create(user=user)
        made[username] = user
    return made


@pytest.fixture
def seeded(users: dict[str, User]) -> dict[str, User]:
    """The demo's users and articles, as ``seed_demo`` creates them (it keeps the users it finds:
    they are as it would make them)."""
    call_command("seed_demo", stdout=io.StringIO())
    # Last changed an hour ago, as stored articles usually are: a change in the second still
    # running has no Last-Modified yet (RFC 9110 §8.8.2.2).
    Article.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    return {u.username: u for u in User.objects.all()}


def basic(username: str, password: str) -> str:
    """An ``Authorization`` value for HTTP Basic (RFC 7617)."""
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def token_header(username: str) -> str:
    """``Authorization`` value for a user's DRF token."""
    return f"Token {Token.objects.get(user__username=username).key}"


def basic_client(username: str, **options: Any) -> Client:
    """A test client that sends a user's Basic credentials (``<name>-password``) on every
    request; ``options`` go to Django's ``Client``."""
    return Client(HTTP_AUTHORIZATION=basic(username, f"{username}-password"), **options)


@pytest.fixture
def token_for(users: dict[str, User]) -> Callable[[str], str]:
    """``Authorization`` value for one of ``users``' DRF token."""
    return token_header


@pytest.fixture
def client_as(users: dict[str, User]) -> Callable[[str], Client]:
    """A test client that sends one of ``users``' Basic credentials on every request."""
    return basic_client


@pytest.fixture
def token_of(seeded: dict[str, User]) -> Callable[[str], str]:
    """``Authorization`` value for a seeded demo user's DRF token."""
    return token_header


@pytest.fixture
def as_user(seeded: dict[str, User]) -> Callable[[str], Client]:
    """A test client that sends a seeded demo user's Basic credentials on every request."""
    return basic_client


@pytest.fixture
def article(seeded: dict[str, User]) -> Article:
    """Alice's published article in the demo."""
    return Article.objects.get(title="Hello from alice")


@pytest.fixture
def draft(seeded: dict[str, User]) -> Article:
    """Alice's draft in the demo."""
    return Article.objects.get(title="Alice's draft")


@pytest.fixture
def alices_post(users: dict[str, User]) -> Post:
    """Alice's post in the test app (``/test/conditional/posts/``), last changed an hour ago."""
    post = Post.objects.create(
        owner=users["alice"], title="Hello from alice", body="A published article."
    )
    Post.objects.filter(pk=post.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    post.refresh_from_db()
    return post


def etag_of(versioned: Any) -> str:
    """The ETag ConditionalUpdateMixin gives a versioned object as stored now: key and version."""
    versioned.refresh_from_db()
    return f'"{versioned.pk}.{versioned.version}"'


def problem(response: Any) -> dict[str, Any]:
    """The problem body of a response, after checking it is one (RFC 9457 §3)."""
    assert response["Content-Type"] == "application/problem+json", response["Content-Type"]
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code
    for member in ("type", "title", "detail", "code"):
        assert member in body, member
    return body


def data_queries(queries: CaptureQueriesContext) -> list[str]:
    """The SQL statements that read or write data, without transaction control."""
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")
    return [q["sql"] for q in queries if not q["sql"].upper().startswith(control)]


def write(client: Client, method: str, path: str, data: Any = None, **headers: str) -> Any:
    """Send a JSON write with the given request headers."""
    send = getattr(client, method.lower())
    if data is None:
        return send(path, headers=headers)
    body = data if isinstance(data, str) else json.dumps(data)
    return send(path, body, content_type="application/json", headers=headers)


#: A directory the processes of one ``make test`` share (its two pytest runs, and their
#: xdist workers): the seeded files are made there once for all of them.
SEEDED_DIR = "DEMO_SEEDED_DIR"


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """The demo's SQLite file, migrated and seeded once per run for each settings module a
    server runs with (their password hasher must verify the seeded passwords), to copy.

    Made once for every process of the run: in ``DEMO_SEEDED_DIR`` when ``make test`` names
    one, else in the run's temporary directory, which xdist's workers share. The first process
    to want a file makes it under a lock; the others wait for it, then copy it.
    """
    base = tmp_path_factory.getbasetemp()
    run = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    shared = Path(os.environ.get(SEEDED_DIR) or run)
    made: dict[str, Path] = {}

    def _seeded(settings: str) -> Path:
        if settings not in made:
            path = shared / f"seeded-{settings}.sqlite3"
            with (shared / f"seeded-{settings}.lock").open("w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not path.exists():
                    building = tmp_path_factory.mktemp("seeded") / "db.sqlite3"
                    sqlite_database(building, settings=settings)
                    # Last-Modified is withheld during the second of the last change; the
                    # seeded articles' second is over before any server answers.
                    time.sleep(max(0.0, 1 - time.time() % 1))
                    shutil.copyfile(building, path.with_suffix(".part"))
                    path.with_suffix(".part").replace(path)
            made[settings] = path
        return made[settings]

    return _seeded


@pytest.fixture(scope="session")
def seeded_sqlite_file(seeded_sqlite: Callable[[str], Path]) -> Path:
    """A SQLite file of the demo, migrated and seeded once per run, for servers to start from a
    copy."""
    return seeded_sqlite(servers.settings_module())


@pytest.fixture(scope="session")
def shared_demo(
    tmp_path_factory: pytest.TempPathFactory, seeded_sqlite_file: Path
) -> Iterator[str]:
    """The demo as shipped (but for its password hasher), served by gunicorn on a copy of the
    seeded SQLite file, started once per run; its base URL.

    For tests that only read the seeded articles, or write only articles they create, and assert
    nothing another test's writes could change. A test that changes a seeded article, reads the
    server's log or stops the server or its database starts a server of its own (``serve()``).
    """
    database = tmp_path_factory.mktemp("shared-demo") / "db.sqlite3"
    shutil.copyfile(seeded_sqlite_file, database)
    with servers.serve("gunicorn", f"sqlite:///{database}") as base:
        yield base


@pytest.fixture(scope="session")
def fresh_sqlite(seeded_sqlite: Callable[[str], Path]) -> Callable[..., str]:
    """A fresh seeded SQLite database at the path given, as ``sqlite_database()`` makes it
    with the settings given (by default the run's: ``servers.settings_module()``), copied from
    the run's; its ``DATABASE_URL``."""

    def _copy(path: Path, settings: str | None = None) -> str:
        for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(seeded_sqlite(settings or servers.settings_module()), path)
        return f"sqlite:///{path}"

    return _copy


def token_in(database_url: str, username: str) -> str:
    """An ``Authorization`` value with a seeded user's DRF token: read from a SQLite file
    itself, from another database through the demo's shell (``token_of()``)."""
    if not database_url.startswith("sqlite:///"):
        return servers.token_of(database_url, username)
    with contextlib.closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as db:
        (key,) = db.execute(
            "SELECT t.key FROM authtoken_token t JOIN auth_user u ON u.id = t.user_id"
            " WHERE u.username = ?",
            (username,),
        ).fetchone()
    return f"Token {key}"


#: What a generated schema depends on besides its URLconf and the active language.
SCHEMA_SETTINGS = ("HTTP_ERRORS", "REST_FRAMEWORK", "SPECTACULAR_SETTINGS")


@pytest.fixture(scope="session")
def openapi() -> Callable[[str], dict[str, Any]]:
    """The OpenAPI document drf-spectacular generates for a URLconf without a request, as
    ``manage.py spectacular`` does; a copy of its own for each caller.

    Generated once per run for each URLconf, active language and value of the settings it
    reads (``override_settings`` in force included): the test app's schema takes one to two
    seconds, and the tests only read it. Kept as JSON, each copy parsed from it: a deep copy
    of the test app's 1.8 MB document took 160 ms, parsing it takes 30.
    """
    generated: dict[str, str] = {}

    def _openapi(urlconf: str) -> dict[str, Any]:
        key = repr(
            (
                urlconf,
                translation.get_language(),
                [getattr(settings, n, None) for n in SCHEMA_SETTINGS],
            )
        )
        if key not in generated:
            generator = SchemaGenerator(urlconf=urlconf)
            generated[key] = json.dumps(generator.get_schema(request=None, public=True))
        document: dict[str, Any] = json.loads(generated[key])
        return document

    return _openapi


def load_yaml(text: str | bytes) -> Any:
    """A YAML document, parsed by libyaml where PyYAML has it (the test app's served schema in
    one second rather than six), else by PyYAML's own parser: the same safe subset either way."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: a request served in this thread (Django's
    test client, an ASGI run) leaves the language it activated behind."""
    yield
    translation.deactivate()


#: The fixtures through which a test reaches the run's database (pytest-django's).
RUN_DATABASE_FIXTURES = frozenset({"db", "transactional_db", "django_db_setup", "live_server"})


#: How a file marks a test ``timed`` (a test or its module): what ``make test``'s run of the
#: timed tests looks for before it imports a file.
TIMED_MARK = "pytest.mark.timed"


def runs_only_timed(config: pytest.Config) -> bool:
    """Whether the run selects the timed tests alone (``-m timed``, as ``make test``'s first
    run does, or ``-m "timed and ..."``)."""
    expression = config.getoption("markexpr", "") or ""
    return expression == "timed" or expression.startswith("timed and ")


@functools.cache
def says_timed(path: Path) -> bool:
    """Whether the test file at ``path`` says ``TIMED_MARK``."""
    return TIMED_MARK in path.read_text(encoding="utf-8")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """A run of the timed tests alone leaves unread the files that mark none: importing the
    seventy others cost it one and a half CPU-seconds, before its first test. Every other run
    checks that no test is timed in a file without ``TIMED_MARK`` (below)."""
    if (
        collection_path.suffix == ".py"
        and collection_path.name.startswith("test_")
        and runs_only_timed(config)
        and not says_timed(collection_path)
    ):
        return True
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test marked ``own_database`` that reaches the run's database is refused: CI's
    PostgreSQL run leaves it out, and what it proves there would be proven nowhere. So is a
    test marked ``timed`` in a file that does not say ``TIMED_MARK``: the timed run would not
    read it (seen here, before ``-m`` deselects anything)."""
    for item in items:
        if item.get_closest_marker("timed") is not None and not says_timed(item.path):
            raise pytest.UsageError(
                f"{item.nodeid} is marked timed, but its file never says {TIMED_MARK}:"
                " make test's timed run would not collect it. Mark it with that decorator."
            )
        if item.get_closest_marker("own_database") is None:
            continue
        uses = RUN_DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") is not None or uses:
            raise pytest.UsageError(
                f"{item.nodeid} is marked own_database but uses the run's database"
                f" ({', '.join(sorted(uses)) or 'django_db'}): drop the mark."
            )
