"""System checks: one test per id, and a test that Django runs them."""

from __future__ import annotations

from typing import Any

import django
import pytest
from django.core import checks as django_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from django_http_errors import checks
from django_http_errors.handlers import exception_handler

OURS = "django_http_errors."
REST = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.BasicAuthentication"],
    "EXCEPTION_HANDLER": checks.HANDLER_PATH,
}


def ids(**overrides: Any) -> list[str]:
    """Our ids that Django's check framework reports with these settings.

    W004 depends on the database the suite runs on, so only its own tests look for it.
    """
    with override_settings(**overrides):
        messages = django_checks.run_checks()
    return [m.id for m in messages if (m.id or "").startswith(OURS) and m.id != checks.W004]


def _deferred_sqlite() -> list[str]:
    """W004 where the demo's settings cannot ask for IMMEDIATE: SQLite before Django 5.1."""
    from django.conf import settings

    config = settings.DATABASES["default"]
    old_sqlite = config["ENGINE"] == checks.SQLITE_ENGINE and django.VERSION < (5, 1)
    return [checks.W004] if old_sqlite else []


def test_the_test_settings_pass_every_check() -> None:
    reported = [m.id for m in django_checks.run_checks() if (m.id or "").startswith(OURS)]
    assert reported == _deferred_sqlite()


def test_checks_are_registered_and_run_by_manage_py_check() -> None:
    registered = django_checks.registry.registry.get_checks()
    for check in (
        checks.check_settings,
        checks.check_exception_handler,
        checks.check_middleware,
        checks.check_sqlite_transactions,
    ):
        assert check in registered
    with override_settings(HTTP_ERRORS=[]), pytest.raises(SystemCheckError, match="E001"):
        call_command("check")


def test_e001_settings_not_a_dict() -> None:
    assert ids(HTTP_ERRORS=["PRECONDITION_REQUIRED"]) == [checks.E001]


def test_e002_unknown_key() -> None:
    assert ids(HTTP_ERRORS={"PRECONDITION_REQUIRD": True}) == [checks.E002]


@pytest.mark.parametrize(
    "given",
    [
        {"DATABASE_RETRY_AFTER": "5"},
        {"DATABASE_RETRY_AFTER": True},
        {"TECHNICAL_500_IN_DEBUG": "yes"},
        {"PROBLEM_TYPE_BASE_URL": 1},
        {"LAST_MODIFIED_FIELD": 3},
    ],
)
def test_e003_wrong_type(given: dict[str, Any]) -> None:
    assert ids(HTTP_ERRORS=given) == [checks.E003]


@pytest.mark.parametrize(
    "given",
    [
        {"DATABASE_RETRY_AFTER": 0},
        {"PROBLEM_TYPE_BASE_URL": None},
        {"PROBLEM_TYPE_BASE_URL": "https://errors.example/"},
        {"LAST_MODIFIED_FIELD": None},
    ],
)
def test_values_of_the_right_type_pass(given: dict[str, Any]) -> None:
    assert ids(HTTP_ERRORS=given) == []


def test_e004_negative_retry_after() -> None:
    assert ids(HTTP_ERRORS={"DATABASE_RETRY_AFTER": -1}) == [checks.E004]


def test_w001_exception_handler_not_ours() -> None:
    rest = {**REST, "EXCEPTION_HANDLER": "rest_framework.views.exception_handler"}
    assert ids(REST_FRAMEWORK=rest) == [checks.W001]


def test_the_handler_given_as_a_function_passes() -> None:
    assert ids(REST_FRAMEWORK={**REST, "EXCEPTION_HANDLER": exception_handler}) == []


def test_w002_session_first_without_our_handler() -> None:
    rest = {
        "DEFAULT_AUTHENTICATION_CLASSES": [
            "rest_framework.authentication.SessionAuthentication",
            "rest_framework.authentication.BasicAuthentication",
        ]
    }
    assert ids(REST_FRAMEWORK=rest) == [checks.W001, checks.W002]


def test_w003_middleware_missing() -> None:
    from django.conf import settings

    middleware = [m for m in settings.MIDDLEWARE if m != checks.MIDDLEWARE_PATH]
    assert ids(MIDDLEWARE=middleware) == [checks.W003]


SQLITE = {"ENGINE": checks.SQLITE_ENGINE, "NAME": ":memory:", "ATOMIC_REQUESTS": True}


@pytest.mark.parametrize(
    ("databases", "expected"),
    [
        pytest.param({"default": SQLITE}, ["default"], id="sqlite-atomic-deferred"),
        pytest.param(
            {"default": {**SQLITE, "OPTIONS": {"transaction_mode": "IMMEDIATE"}}},
            [],
            id="sqlite-atomic-immediate",
        ),
        pytest.param({"default": {**SQLITE, "ATOMIC_REQUESTS": False}}, [], id="sqlite-no-atomic"),
        pytest.param(
            {"default": {**SQLITE, "ENGINE": "django.db.backends.postgresql"}},
            [],
            id="postgresql",
        ),
        pytest.param(
            {"default": {**SQLITE, "ATOMIC_REQUESTS": False}, "other": SQLITE},
            ["other"],
            id="second-database",
        ),
    ],
)
def test_w004_which_databases(databases: dict[str, Any], expected: list[str]) -> None:
    assert checks.deferred_sqlite_aliases(databases) == expected


def test_w004_is_reported_for_the_databases_it_finds() -> None:
    messages = checks.check_sqlite_transactions(None)
    assert [m.id for m in messages] == _deferred_sqlite()
    assert all(m.hint for m in messages)


def test_every_message_has_a_hint() -> None:
    with override_settings(
        HTTP_ERRORS={"X": 1, "DATABASE_RETRY_AFTER": -1, "TECHNICAL_500_IN_DEBUG": 1},
        REST_FRAMEWORK={},
        MIDDLEWARE=[],
    ):
        messages = [m for m in django_checks.run_checks() if (m.id or "").startswith(OURS)]
    assert {m.id for m in messages} - {checks.W004} == {
        checks.E002,
        checks.E003,
        checks.E004,
        checks.W001,
        checks.W002,
        checks.W003,
    }
    assert all(m.hint for m in messages)


@pytest.mark.parametrize(
    "given",
    [
        {"IDEMPOTENCY_KEY_LEASE": -1},
        {"IDEMPOTENCY_KEY_EXPIRY": 60},
        {"IDEMPOTENCY_KEY_EXPIRY": 10, "IDEMPOTENCY_KEY_LEASE": 20},
    ],
)
def test_e020_idempotency_lease_not_shorter_than_expiry(given: dict[str, Any]) -> None:
    assert ids(HTTP_ERRORS=given) == [checks.E020]
    with override_settings(HTTP_ERRORS=given):
        assert all(m.hint for m in checks.check_idempotency_settings(None))


def test_e020_is_registered_and_passes_the_defaults() -> None:
    assert checks.check_idempotency_settings in django_checks.registry.registry.get_checks()
    assert ids(HTTP_ERRORS={"IDEMPOTENCY_KEY_LEASE": 0}) == []
