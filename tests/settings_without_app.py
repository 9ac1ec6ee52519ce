"""A project that routes the problem pages and sets the handler, but forgot to install the app:
test_checks.py runs ``manage.py check`` on it (E006)."""

from __future__ import annotations

SECRET_KEY = "tests-only"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "rest_framework"]
ROOT_URLCONF = "django_http_errors.urls"
REST_FRAMEWORK = {"EXCEPTION_HANDLER": "django_http_errors.handlers.exception_handler"}
