"""Which constraint an ``IntegrityError`` broke, read from its database driver's error.

Django raises one ``IntegrityError`` for every constraint; the driver's error says which, each
its own way: PostgreSQL's SQLSTATE, SQLite's message, MySQL's and MariaDB's error number.
Pure: it reads the exception and asks no database, so it works on an aborted transaction.
"""

from __future__ import annotations

import enum
import sqlite3

__all__ = ["Violation", "violation_of"]


class Violation(enum.Enum):
    """The kind of constraint an ``IntegrityError`` broke."""

    UNIQUE = "unique"
    EXCLUSION = "exclusion"
    #: A row was deleted (or its key changed) while a foreign key still references it.
    REFERENCED = "referenced"
    #: Any other foreign key violation, or one whose direction the database does not say.
    FOREIGN_KEY = "foreign_key"
    NOT_NULL = "not_null"
    CHECK = "check"
    UNKNOWN = "unknown"


#: Class 23 of the SQLSTATEs (PostgreSQL, Appendix A), but for 23503 (foreign key violation),
#: which PostgreSQL raises in both directions.
_POSTGRESQL = {
    "23505": Violation.UNIQUE,
    "23P01": Violation.EXCLUSION,
    "23502": Violation.NOT_NULL,
    "23514": Violation.CHECK,
}
_POSTGRESQL_FOREIGN_KEY = "23503"
#: How PostgreSQL's 23503 begins when the referenced row is deleted or its key updated (its
#: ``ri_ReportViolation``). The message is in the server's ``lc_messages`` language: in another
#: language the violation stays FOREIGN_KEY, never a guessed REFERENCED.
_POSTGRESQL_REFERENCED = "update or delete on table "

#: SQLite's messages, in English whatever the locale; a foreign key's names no direction.
_SQLITE = {
    "UNIQUE constraint failed": Violation.UNIQUE,
    "NOT NULL constraint failed": Violation.NOT_NULL,
    "CHECK constraint failed": Violation.CHECK,
    "FOREIGN KEY constraint failed": Violation.FOREIGN_KEY,
}

#: MySQL's and MariaDB's server error numbers (Django's MySQL backend also raises 1048, 3819
#: and 4025 as IntegrityError).
_MYSQL = {
    1062: Violation.UNIQUE,  # ER_DUP_ENTRY
    1586: Violation.UNIQUE,  # ER_DUP_ENTRY_WITH_KEY_NAME
    1048: Violation.NOT_NULL,  # ER_BAD_NULL_ERROR
    3819: Violation.CHECK,  # ER_CHECK_CONSTRAINT_VIOLATED (MySQL)
    4025: Violation.CHECK,  # ER_CONSTRAINT_FAILED (MariaDB)
    1451: Violation.REFERENCED,  # ER_ROW_IS_REFERENCED_2
    1217: Violation.REFERENCED,  # ER_ROW_IS_REFERENCED (without the details)
    1452: Violation.FOREIGN_KEY,  # ER_NO_REFERENCED_ROW_2
    1216: Violation.FOREIGN_KEY,  # ER_NO_REFERENCED_ROW (without the details)
}


def violation_of(exc: BaseException) -> Violation:
    """The constraint an ``IntegrityError`` broke, from its driver's error; else ``UNKNOWN``.

    Django's ``IntegrityError`` keeps the driver's error as its ``__cause__`` and copies its
    arguments: only MySQL's driver (mysqlclient) puts a number first.
    """
    code = exc.args[0] if exc.args else None
    if isinstance(code, int):
        return _MYSQL.get(code, Violation.UNKNOWN)
    cause = exc.__cause__
    if isinstance(cause, sqlite3.Error):
        message = str(cause)
        for prefix, violation in _SQLITE.items():
            if message.startswith(prefix):
                return violation
        return Violation.UNKNOWN
    # psycopg 3 names the SQLSTATE sqlstate, psycopg2 pgcode.
    sqlstate: str = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None) or ""
    if sqlstate == _POSTGRESQL_FOREIGN_KEY:
        message = getattr(getattr(cause, "diag", None), "message_primary", None) or ""
        if message.startswith(_POSTGRESQL_REFERENCED):
            return Violation.REFERENCED
        return Violation.FOREIGN_KEY
    return _POSTGRESQL.get(sqlstate, Violation.UNKNOWN)
