"""Races over real server processes: of writes carrying the same If-Match, exactly one wins.

Each race starts gunicorn on a free local port against a committed database and lets 32
client threads read an article and write it back with the ETag they read, three rounds each;
in the first round all of them send the same If-Match at the same moment.
"""

from __future__ import annotations

import collections
import io
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import django
import httpx
import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.authtoken.models import Token

from bench.servers import gunicorn
from demo_project.articles.models import Article
from tests.conftest import basic

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 32
ROUNDS = 3
# The test views (a plain DRF viewset to compare with) are served beside the demo's.
SETTINGS = "tests.settings"

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Attempt:
    """One write of the race: the If-Match it carried and the status it got."""

    client: int
    round: int
    if_match: str
    status: int


def race(base_url: str, path: str, headers: dict[str, str]) -> list[Attempt]:
    """32 clients read ``path`` and write it back with If-Match, PUT and PATCH alike."""
    attempts: list[Attempt] = []
    lock = threading.Lock()
    start_together = threading.Barrier(CLIENTS)
    errors: list[BaseException] = []

    def client(number: int) -> None:
        try:
            with httpx.Client(base_url=base_url, headers=headers, timeout=30) as http:
                for round_ in range(ROUNDS):
                    current = http.get(path).json()
                    if_match = f'"{current["id"]}.{current["version"]}"'
                    if round_ == 0:
                        start_together.wait()
                    content = {"title": f"client {number}", "body": f"round {round_}"}
                    if number % 2:
                        response = http.put(path, json=content, headers={"If-Match": if_match})
                    else:
                        response = http.patch(path, json=content, headers={"If-Match": if_match})
                    with lock:
                        attempts.append(Attempt(number, round_, if_match, response.status_code))
        except BaseException as exc:
            start_together.abort()
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return attempts


def assert_no_update_lost(attempts: list[Attempt], pk: int, final_version: int) -> None:
    """Exactly one 2xx per version, every other write 412, no 5xx, no version skipped."""
    statuses = collections.Counter(a.status for a in attempts)
    assert set(statuses) <= {200, 412}, statuses
    assert len(attempts) == CLIENTS * ROUNDS
    won = collections.Counter(a.if_match for a in attempts if a.status == 200)
    assert all(count == 1 for count in won.values()), won
    first_round = [a for a in attempts if a.round == 0]
    assert len({a.if_match for a in first_round}) == 1
    assert sum(a.status == 200 for a in first_round) == 1
    assert final_version == 1 + statuses[200]
    assert set(won) == {f'"{pk}.{version}"' for version in range(1, final_version)}


def report(label: str, attempts: list[Attempt], final_version: int) -> None:
    """Print the figures of a race (visible with ``pytest -s``)."""
    statuses = collections.Counter(a.status for a in attempts)
    # A 2xx that did not add a version was overwritten by a writer that never saw it.
    lost = statuses[200] - (final_version - 1)
    print(
        f"\n{label}: {len(attempts)} writes, statuses {dict(sorted(statuses.items()))}, "
        f"final version {final_version}, updates lost {lost}"
    )


def test_race_on_postgresql_loses_no_update_and_plain_drf_does(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...); CI runs it there")
    call_command("seed_demo", stdout=io.StringIO())
    article = Article.objects.get(title="Hello from alice")
    plain = Article.objects.get(title="Bob's notes")
    token = Token.objects.get(user__username="alice").key
    database_url = urlsplit(os.environ["DATABASE_URL"])
    test_database = database_url._replace(path=f"/{connection.settings_dict['NAME']}").geturl()

    with gunicorn(test_database, "--workers", "4", "--preload", settings=SETTINGS) as base_url:
        attempts = race(
            base_url, f"/api/articles/{article.pk}/", {"Authorization": f"Token {token}"}
        )
        plain_attempts = race(base_url, f"/test/conditional/plain-articles/{plain.pk}/", {})

    article.refresh_from_db()
    plain.refresh_from_db()
    report("ConditionalUpdateMixin on PostgreSQL", attempts, article.version)
    report("plain DRF ModelViewSet on PostgreSQL", plain_attempts, plain.version)
    assert_no_update_lost(attempts, article.pk, article.version)
    # Plain DRF ignores If-Match: every write wins, however stale its If-Match.
    assert {a.status for a in plain_attempts} == {200}
    same_if_match = collections.Counter(a.if_match for a in plain_attempts if a.round == 0)
    assert list(same_if_match.values()) == [CLIENTS]


def test_race_on_sqlite_gets_no_5xx_and_no_database_is_locked(tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's locking is raced when the suite runs on SQLite")
    if django.VERSION < (5, 1):
        pytest.skip(
            "SQLite needs transaction_mode IMMEDIATE (Django 5.1+): concurrent deferred "
            "transactions that read, then write deadlock on the lock upgrade and wait out "
            "the busy timeout or fail with 'database is locked' (503)"
        )
    database_url = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
    }
    env.pop("TEST_DATABASE_NAME", None)
    setup = "from django.core.management import call_command as c; c('migrate', verbosity=0); "
    setup += "c('seed_demo', verbosity=0)"
    subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {setup}"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    # Two processes of eight threads each: SQLite's file lock between processes and
    # connections in threads.
    with gunicorn(
        database_url, "--workers", "2", "--threads", "8", "--preload", settings=SETTINGS
    ) as base_url:
        listed = httpx.get(f"{base_url}/api/articles/").json()["results"]
        pk = next(a["id"] for a in listed if a["title"] == "Hello from alice")
        credentials = {"Authorization": basic("alice", "alice-password")}
        attempts = race(base_url, f"/api/articles/{pk}/", credentials)
        final_version = httpx.get(f"{base_url}/api/articles/{pk}/").json()["version"]

    report("ConditionalUpdateMixin on SQLite", attempts, final_version)
    assert_no_update_lost(attempts, pk, final_version)
