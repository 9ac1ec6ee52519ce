"""Test settings of their own; the demo is installed and routed for its tests (test_demo*.py).

The database comes from ``DATABASE_URL`` (SQLite in memory when unset), as the demo's does.
"""

from __future__ import annotations

import os

import dj_database_url
import django

from demo_project import settings as demo_settings

SECRET_KEY = "tests-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    # The test app's admin site (tests/testapp/admin.py), without autodiscovery.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_http_errors",
    "tests.testapp",
    # The demo, for its own tests; its AppConfig also puts SQLite in WAL mode.
    "demo_project.articles",
]

MIDDLEWARE = [
    "django_http_errors.middleware.RequestIDMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "tests.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


# SQLite in memory unless DATABASE_URL names a database; TEST_DATABASE_NAME names the test one.
_TEST_NAME = os.environ.get("TEST_DATABASE_NAME")
DATABASES = {
    "default": dj_database_url.config(
        default="sqlite://:memory:", test_options={"NAME": _TEST_NAME} if _TEST_NAME else {}
    )
}
# ConditionalUpdateMixin's writes open their own transactions: the tests prove it does, so no
# request-wide transaction may hide a missing one.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The race tests' servers write to one file at once: writers wait, and from Django 5.1 take
    # the write lock as their transaction begins, so they queue instead of deadlocking.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    if django.VERSION >= (5, 1):
        DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"

REST_FRAMEWORK = {
    # Session first on purpose: plain DRF answers 403 here where 401 is right.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "django_http_errors.handlers.exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "django_http_errors.negotiation.ProblemContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "django_http_errors.schema.ProblemAutoSchema",
}

HTTP_ERRORS = {"PRECONDITION_REQUIRED": True}

SPECTACULAR_SETTINGS = {
    # The demo's (title, docs from drf-spectacular-sidecar, no schema route in the schema):
    # tests/test_demo_schema.py compares the demo's schema with the stored file.
    **demo_settings.SPECTACULAR_SETTINGS,
    # What the library's schema tests need, as the docs recommend, whatever the demo says.
    "COMPONENT_SPLIT_REQUEST": True,
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
}

# The demo's articles notify no search index unless a test says where one listens.
SEARCH_INDEX_URL = None
SEARCH_INDEX_TIMEOUT = 5.0

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "django_http_errors.middleware.RequestIDFilter"}},
    "formatters": {
        "request_id": {"format": "[%(request_id)s] %(levelname)s %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "request_id",
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
