"""Safe writes over real requests: no date loses an update; transactions around writes only.

Without ``ATOMIC_REQUESTS`` (as the tests run, and the demo), ``ConditionalUpdateMixin`` opens
the one transaction of a write after authentication, permissions, the lookup, the preconditions
and the body's validation: a refused request runs no statement in a transaction, and an error
during the write rolls back all it wrote.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client, override_settings

from tests.conftest import problem
from tests.testapp.models import Post

JSON = "application/json"
#: Two rounds of each kind (the date withheld in the change's second, then sent after it).
#: The dates themselves are tabled in test_conditional.py, and 20 rounds at once over two
#: servers in test_demo_clocks.py.
ROUNDS = 4


POSTS = "/test/conditional/posts/"


def url(post: Post) -> str:
    """The post's detail URL."""
    return f"{POSTS}{post.pk}/"


def patch(client: Client, path: str, content: dict[str, Any], **headers: str) -> Any:
    """A JSON PATCH with the given request headers."""
    return client.patch(path, json.dumps(content), content_type=JSON, headers=headers)


def time_in_this_second() -> None:
    """Make sure the next few steps share a second: wait for the next one only when this one
    is nearly over (not to the start of every second)."""
    if time.time() % 1 > 0.5:
        time.sleep(1.005 - time.time() % 1)


def a_second_ago(post: Post) -> None:
    """Date the stored change a second back, as if the read came in a later second than the
    change: the server judges its dates by the stored date and its clock alone."""
    Post.objects.filter(pk=post.pk).update(updated_at=F("updated_at") - timedelta(seconds=1))


# One process, one clock: no skew to allow for.
@override_settings(HTTP_ERRORS={"PRECONDITION_REQUIRED": True, "CLOCK_SKEW": 0})
@pytest.mark.django_db
def test_a_date_never_overwrites_or_keeps_a_change_its_client_has_not_seen(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    """Read; another client writes in the same second; write or revalidate with the date."""
    alice, admin = client_as("alice"), client_as("admin")
    path = url(alices_post)
    dated = withheld = 0
    for round_ in range(ROUNDS):
        time_in_this_second()
        first = Client().get(path)["ETag"]
        assert (
            patch(admin, path, {"body": f"first {round_}"}, **{"If-Match": first}).status_code
            == 200
        )
        if round_ % 2:
            # The read in a later second than the change: the date is sent.
            a_second_ago(alices_post)
        read = alice.get(path)
        assert read.status_code == 200
        date = read.get("Last-Modified")
        other = patch(admin, path, {"body": f"second {round_}"}, **{"If-Match": read["ETag"]})
        assert other.status_code == 200
        if date is None:
            withheld += 1
        else:
            dated += 1
            overwrite = patch(alice, path, {"body": "stale"}, **{"If-Unmodified-Since": date})
            assert overwrite.status_code == 412, (round_, date, overwrite.content)
            assert problem(overwrite)["etag"] == other["ETag"]
            revalidated = alice.get(path, headers={"If-Modified-Since": date})
            assert revalidated.status_code == 200, (round_, date)
            assert revalidated.json()["body"] == f"second {round_}"
        alices_post.refresh_from_db()
        assert alices_post.body == f"second {round_}"
    # Both ways a date can fail were tried: withheld in the second of the change, sent after.
    assert dated > 0
    assert withheld > 0


@pytest.fixture
def statements() -> Iterator[list[tuple[str, bool]]]:
    """Each SQL statement run on the database, and whether it ran inside a transaction."""
    seen: list[tuple[str, bool]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


def in_transaction(statements: list[tuple[str, bool]]) -> list[str]:
    """The statements that began, ran in or ended a transaction."""
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
    return [sql for sql, atomic in statements if atomic or sql.upper().startswith(control)]


def writes(statements: list[tuple[str, bool]]) -> list[str]:
    """The statements that change data or lock rows."""
    verbs = ("INSERT", "UPDATE", "DELETE")
    return [
        sql for sql, _ in statements if sql.upper().startswith(verbs) or "FOR UPDATE" in sql.upper()
    ]


@pytest.mark.django_db(transaction=True)
def test_the_tests_run_without_atomic_requests() -> None:
    assert connection.settings_dict["ATOMIC_REQUESTS"] is False


@pytest.mark.django_db(transaction=True)
def test_a_401_and_an_unknown_url_run_no_statement(
    users: Any, statements: list[tuple[str, bool]]
) -> None:
    created = Client().post(POSTS, {"title": "x"}, content_type=JSON)
    assert created.status_code == 401
    assert Client().get("/no/such/page/").status_code == 404
    assert statements == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("headers", "content", "status"),
    [
        ({"If-Match": '"stale"'}, {"body": "x"}, 412),
        ({}, {"body": "x"}, 428),
        ({"If-Match": "{etag}"}, {"title": ""}, 400),
        ({"If-Match": "{etag}"}, {"body": "x"}, 403),
    ],
    ids=["412", "428", "400", "403"],
)
def test_a_refused_write_begins_no_transaction_and_takes_no_lock(
    token_for: Callable[[str], str],
    alices_post: Post,
    statements: list[tuple[str, bool]],
    headers: dict[str, str],
    content: dict[str, Any],
    status: int,
) -> None:
    user = "bob" if status == 403 else "alice"
    client = Client(HTTP_AUTHORIZATION=token_for(user))
    etag = Client().get(url(alices_post))["ETag"]
    statements.clear()
    sent = {name: value.format(etag=etag) for name, value in headers.items()}
    response = patch(client, url(alices_post), content, **sent)
    assert response.status_code == status, response.content
    assert statements, "the lookup reads the post"
    assert in_transaction(statements) == []
    assert writes(statements) == []


@pytest.mark.django_db(transaction=True)
def test_reads_begin_no_transaction(alices_post: Post, statements: list[tuple[str, bool]]) -> None:
    assert Client().get(url(alices_post)).status_code == 200
    assert Client().get(POSTS).status_code == 200
    assert statements
    assert in_transaction(statements) == []


@pytest.mark.django_db(transaction=True)
def test_a_write_runs_its_statements_in_one_transaction(
    token_for: Callable[[str], str], alices_post: Post, statements: list[tuple[str, bool]]
) -> None:
    client = Client(HTTP_AUTHORIZATION=token_for("alice"))
    etag = Client().get(url(alices_post))["ETag"]
    statements.clear()
    response = patch(client, url(alices_post), {"body": "changed"}, **{"If-Match": etag})
    assert response.status_code == 200
    changed = writes(statements)
    # A plain ModelSerializer: the compare-and-swap carries the change, as DRF's one UPDATE.
    assert len(changed) == 1
    assert changed[0].upper().startswith("UPDATE")
    assert '"version"' in changed[0].split("WHERE")[1]
    assert set(changed) <= set(in_transaction(statements))
    alices_post.refresh_from_db()
    assert (alices_post.body, alices_post.version) == ("changed", 2)


@pytest.mark.django_db(transaction=True)
def test_a_serializer_of_its_own_saves_after_the_compare_and_swap(
    token_for: Callable[[str], str], alices_post: Post, statements: list[tuple[str, bool]]
) -> None:
    client = Client(HTTP_AUTHORIZATION=token_for("alice"))
    etag = Client().get(url(alices_post))["ETag"]
    statements.clear()
    path = f"/test/conditional/failing-posts/{alices_post.pk}/"
    response = patch(client, path, {"body": "changed"}, **{"If-Match": etag})
    assert response.status_code == 200
    changed = writes(statements)
    # Its update() may do anything: the claim first, then its own save.
    assert [sql.split()[0].upper() for sql in changed] == ["UPDATE", "UPDATE"]
    assert set(changed) <= set(in_transaction(statements))


@pytest.mark.django_db(transaction=True)
def test_validation_that_fails_after_saving_leaves_nothing_behind(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    path = f"/test/conditional/failing-posts/{alices_post.pk}/"
    etag = Client().get(url(alices_post))["ETag"]
    alice = client_as("alice")
    response = patch(alice, path, {"body": "invalid after saving"}, **{"If-Match": etag})
    assert response.status_code == 400
    assert problem(response)["errors"][0]["pointer"] == "#/body"
    alices_post.refresh_from_db()
    assert (alices_post.body, alices_post.version) == ("A published article.", 1)


@pytest.mark.django_db(transaction=True)
def test_an_action_that_fails_after_writing_leaves_nothing_behind(
    token_for: Callable[[str], str], alices_post: Post
) -> None:
    path = f"/test/conditional/failing-posts/{alices_post.pk}/fail_after_write/"
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=token_for("alice"))
    response = client.post(path)
    assert response.status_code == 500
    alices_post.refresh_from_db()
    assert (alices_post.title, alices_post.version) == ("Hello from alice", 1)
