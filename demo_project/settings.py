"""Settings of the demo article service, read from the environment (see the README)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
import django

import django_http_errors

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-demo-only-change-me-in-production")
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_http_errors",
    "demo_project.articles",
]

MIDDLEWARE = [
    "django_http_errors.middleware.RequestIDMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

ROOT_URLCONF = "demo_project.urls"
WSGI_APPLICATION = "demo_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    config: dict[str, Any] = dict(
        dj_database_url.parse(
            os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=0,
        )
    )
    # No ATOMIC_REQUESTS: ConditionalUpdateMixin runs each write in one transaction of its own,
    # begun after the checks and the body's validation, so reads and refusals take no lock.
    config["ATOMIC_REQUESTS"] = False
    if config["ENGINE"] == "django.db.backends.sqlite3":
        options = config.setdefault("OPTIONS", {})
        # A writer waits this long for the write lock rather than fail "database is locked".
        options.setdefault("timeout", 20)
        if django.VERSION >= (5, 1):
            # A write transaction takes the write lock when it begins, so two writers queue
            # instead of deadlocking on a read lock's upgrade. Reads run outside transactions.
            options.setdefault("transaction_mode", "IMMEDIATE")
    if os.environ.get("TEST_DATABASE_NAME"):
        config["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS: list[dict[str, str]] = []

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The demo serves its static files (browsable API, API docs) itself, with or without DEBUG.
WHITENOISE_USE_FINDERS = True

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
    # A client that accepts only application/problem+json still gets its errors and 204s.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "django_http_errors.negotiation.ProblemContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "django_http_errors.schema.ProblemAutoSchema",
}

HTTP_ERRORS = {
    "PRECONDITION_REQUIRED": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "django-http-errors demo: articles",
    "DESCRIPTION": "Every error is an application/problem+json body (RFC 9457).",
    "VERSION": django_http_errors.__version__,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Read-only fields (id, owner, etag...) stay out of request bodies: ArticleRequest is what
    # a client sends, Article what it gets back. Generated clients need the split.
    "COMPONENT_SPLIT_REQUEST": True,
    # The API's contract is JSON. The views also parse forms (the browsable API, and the
    # tests that prove form limits), but a client is offered one media type per operation.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
}

#: Where publishing an article notifies a search index; unset: nobody is notified.
SEARCH_INDEX_URL = os.environ.get("SEARCH_INDEX_URL") or None
SEARCH_INDEX_TIMEOUT = float(os.environ.get("SEARCH_INDEX_TIMEOUT", "5"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "django_http_errors.middleware.RequestIDFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
