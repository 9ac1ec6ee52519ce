"""The settings object: defaults, the project's values, and reloading under override_settings."""

from __future__ import annotations

from dataclasses import fields

from django.test import override_settings

from django_http_errors.conf import SETTING_NAMES, HttpErrorsSettings, get_settings


def test_the_demo_settings_are_read() -> None:
    assert get_settings().PRECONDITION_REQUIRED is True
    assert get_settings().DATABASE_RETRY_AFTER == 5


def test_defaults_apply_without_the_setting() -> None:
    with override_settings(HTTP_ERRORS={}):
        assert get_settings() == HttpErrorsSettings()
        assert get_settings().PRECONDITION_REQUIRED is False
        assert get_settings().REQUEST_ID_HEADER == "X-Request-ID"


def test_override_settings_reloads_and_restores() -> None:
    with override_settings(HTTP_ERRORS={"DATABASE_RETRY_AFTER": 60}):
        assert get_settings().DATABASE_RETRY_AFTER == 60
    assert get_settings().DATABASE_RETRY_AFTER == 5


def test_the_object_is_cached_between_reads() -> None:
    assert get_settings() is get_settings()


def test_unknown_keys_and_a_non_dict_are_ignored_here_and_reported_by_checks() -> None:
    with override_settings(HTTP_ERRORS={"NO_SUCH_KEY": 1, "DATABASE_RETRY_AFTER": 9}):
        assert get_settings().DATABASE_RETRY_AFTER == 9
    with override_settings(HTTP_ERRORS=["not", "a", "dict"]):
        assert get_settings() == HttpErrorsSettings()


def test_setting_names_list_every_field() -> None:
    assert {f.name for f in fields(HttpErrorsSettings)} == SETTING_NAMES
