"""What the tests of a write's claims share: another request that changes a row on a connection
of its own, an attempt that fails in a savepoint, and a row as the database holds it."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from django.db import connection, models, transaction

Result = TypeVar("Result")

#: A second connection commits while the first one's transaction is open: PostgreSQL's row
#: locks (SQLite has one writer at a time, and would wait).
needs_postgresql = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: a second connection commits while the write's transaction is open",
)


class Boom(Exception):
    """The error of an attempt that fails after it wrote (a unique slug taken, say)."""


@contextlib.contextmanager
def failing_attempt() -> Iterator[None]:
    """A savepoint whose block writes, then fails (``Boom``): rolled back, and the error caught,
    as an action retrying a write does."""
    with contextlib.suppress(Boom), transaction.atomic():
        yield
        raise Boom


def in_thread(work: Callable[[], Result]) -> Result:
    """``work`` done on a connection of its own (a thread), as another request would: its
    result, or its error raised here. Refused if it waited for a lock the caller holds."""
    results: list[Any] = []

    def run() -> None:
        try:
            results.append(work())
        except BaseException as error:  # raised in the caller's thread
            results.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "the other writer was blocked by the write's row lock"
    if isinstance(results[0], BaseException):
        raise results[0]
    result: Result = results[0]
    return result


def another_request_saves(model: type[models.Model], pk: Any, **changes: Any) -> None:
    """Another request changes the row ``pk`` of ``model`` and commits, with ``save()``."""

    def work() -> None:
        other = model._default_manager.get(pk=pk)
        for name, value in changes.items():
            setattr(other, name, value)
        other.save()

    in_thread(work)
