"""Which constraint an IntegrityError broke: the drivers' errors as a table, then the database's."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection

from django_http_errors.integrity import Violation, violation_of
from tests.testapp.models import Book, Label, Post, Shelf


def wrapped(driver_error: Exception) -> IntegrityError:
    """The driver's error as Django raises it: its arguments, and itself as the cause."""
    exc = IntegrityError(*driver_error.args)
    exc.__cause__ = driver_error
    return exc


def _signal(exc: Exception) -> str:
    """A row's id: the driver and what it said."""
    cause = exc.__cause__
    driver = type(cause).__module__.split(".")[0] if cause else "arguments"
    return f"{driver}: {getattr(cause, 'sqlstate', None) or (exc.args or ('',))[0]}"


def _postgres_rows() -> list[tuple[IntegrityError, Violation]]:
    """PostgreSQL (psycopg 3): the SQLSTATE; a foreign key's direction is in its message. None
    where no PostgreSQL driver is installed (CI's SQLite corners)."""
    try:
        import psycopg.errors
    except ImportError:
        return []
    return [
        (wrapped(psycopg.errors.UniqueViolation()), Violation.UNIQUE),
        (wrapped(psycopg.errors.ExclusionViolation()), Violation.EXCLUSION),
        (wrapped(psycopg.errors.NotNullViolation()), Violation.NOT_NULL),
        (wrapped(psycopg.errors.CheckViolation()), Violation.CHECK),
        (wrapped(psycopg.errors.ForeignKeyViolation()), Violation.FOREIGN_KEY),
        (wrapped(psycopg.errors.RestrictViolation()), Violation.UNKNOWN),
    ]


POSTGRES_ROWS = _postgres_rows()


@pytest.mark.parametrize(
    ("exc", "violation"),
    [
        *POSTGRES_ROWS,
        # SQLite: the message, which names no direction for a foreign key.
        (wrapped(sqlite3.IntegrityError("UNIQUE constraint failed: t.c")), Violation.UNIQUE),
        (wrapped(sqlite3.IntegrityError("NOT NULL constraint failed: t.c")), Violation.NOT_NULL),
        (wrapped(sqlite3.IntegrityError("CHECK constraint failed: c_min")), Violation.CHECK),
        (wrapped(sqlite3.IntegrityError("FOREIGN KEY constraint failed")), Violation.FOREIGN_KEY),
        (wrapped(sqlite3.IntegrityError("constraint failed")), Violation.UNKNOWN),
        # MySQL and MariaDB (mysqlclient): the error number, first of the arguments Django copies.
        (IntegrityError(1062, "Duplicate entry 'a' for key 't.c'"), Violation.UNIQUE),
        (IntegrityError(1586, "Duplicate entry 'a' for key 'c'"), Violation.UNIQUE),
        (IntegrityError(1048, "Column 'c' cannot be null"), Violation.NOT_NULL),
        (IntegrityError(3819, "Check constraint 'c_min' is violated."), Violation.CHECK),
        (IntegrityError(4025, "CONSTRAINT `c_min` failed for `t`"), Violation.CHECK),
        (IntegrityError(1451, "Cannot delete or update a parent row"), Violation.REFERENCED),
        (IntegrityError(1217, "Cannot delete or update a parent row"), Violation.REFERENCED),
        (IntegrityError(1452, "Cannot add or update a child row"), Violation.FOREIGN_KEY),
        (IntegrityError(1216, "Cannot add or update a child row"), Violation.FOREIGN_KEY),
        (IntegrityError(1690, "BIGINT UNSIGNED value is out of range"), Violation.UNKNOWN),
        # Nothing a driver said.
        (IntegrityError("raised by hand"), Violation.UNKNOWN),
        (IntegrityError(), Violation.UNKNOWN),
    ],
    ids=lambda value: _signal(value) if isinstance(value, Exception) else None,
)
def test_the_drivers_signal_names_the_violation(exc: IntegrityError, violation: Violation) -> None:
    assert violation_of(exc) is violation


# The database's own errors, in autocommit (transaction=True): PostgreSQL and SQLite check a
# foreign key as the statement's transaction commits.


def _duplicate_label() -> None:
    Label.objects.create(name="twice")
    Label.objects.create(name="twice")


def _post_without_owner() -> None:
    Post.objects.create(title="Nobody's")


def _negative_copies() -> None:
    Book.objects.create(title="Oversold", copies=-1, shelf=Shelf.objects.create(name="Any"))


def _missing_shelf() -> None:
    Book.objects.create(title="Lost", shelf_id=2**31 - 1)


def _referenced_shelf() -> None:
    shelf = Shelf.objects.create(name="Referenced")
    Book.objects.create(title="On the shelf", shelf=shelf)
    shelf.delete()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("write", "postgresql", "sqlite"),
    [
        (_duplicate_label, Violation.UNIQUE, Violation.UNIQUE),
        (_post_without_owner, Violation.NOT_NULL, Violation.NOT_NULL),
        (_negative_copies, Violation.CHECK, Violation.CHECK),
        (_missing_shelf, Violation.FOREIGN_KEY, Violation.FOREIGN_KEY),
        (_referenced_shelf, Violation.REFERENCED, Violation.FOREIGN_KEY),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else None,
)
def test_the_databases_own_errors(
    write: Callable[[], None], postgresql: Violation, sqlite: Violation
) -> None:
    expected = {"postgresql": postgresql, "sqlite": sqlite}[connection.vendor]
    with pytest.raises(IntegrityError) as raised:
        write()
    assert violation_of(raised.value) is expected
