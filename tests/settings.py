"""Test settings of their own; the demo is installed and routed for its tests (test_demo*.py).

The database comes from ``DATABASE_URL`` (SQLite in memory when unset), as the demo's does.
"""

from __future__ import annotations

import os

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
    "django_filters",
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


# The demo's database settings, from DATABASE_URL (SQLite in memory when unset) and the same
# DATABASE_* variables (docs/deployment.md), so a run through PgBouncer serves the test views
# as it serves the demo. TEST_DATABASE_NAME names the test database. They set no
# ATOMIC_REQUESTS: ConditionalUpdateMixin's writes open their own transactions, and the tests
# prove it does, so no request-wide transaction may hide a missing one.
DATABASES = {
    "default": demo_settings.database(
        os.environ.get("DATABASE_URL") or "sqlite://:memory:", os.environ
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en"
# The demo's: the languages the library speaks (check W013).
LANGUAGES = demo_settings.LANGUAGES
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"

REST_FRAMEWORK = {
    # Session first on purpose: plain DRF answers 403 here where 401 is right.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "django_http_errors.throttling.ThrottledBasicAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    # The demo's classes, so its schema is the one it serves; but no test's wrong passwords
    # hold up another's logins: tests/test_throttling.py sets a rate of its own (anon and
    # user: DRF's defaults, which a test's throttle subclasses).
    "DEFAULT_THROTTLE_RATES": {"failed_authentication": None, "anon": None, "user": None},
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "django_http_errors.handlers.exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "django_http_errors.negotiation.ProblemContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "django_http_errors.schema.ProblemAutoSchema",
}

# The demo's, as its tests need them.
HTTP_ERRORS = {"PRECONDITION_REQUIRED": True, "REFUSE_UNKNOWN_QUERY_PARAMETERS": True}

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
