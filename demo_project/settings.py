"""Settings of the demo article service, read from the environment (see the README)."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
import django
from django.core.exceptions import ImproperlyConfigured

import django_http_errors
from demo_project.routers import PRIMARY, REPLICA

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
    # The browsable API's filter form (its templates).
    "django_filters",
    "django_http_errors",
    "demo_project.articles",
]

MIDDLEWARE = [
    "django_http_errors.middleware.RequestIDMiddleware",
    # With READ_YOUR_WRITES, marks the requests of a client that has just written; the
    # replica's router sends their reads to the primary.
    "django_http_errors.routing.ReadYourWritesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django_http_errors.languages.LocaleMiddleware",
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


#: Django's own connection settings, which dj-database-url would pass from a URL's query to
#: the driver as connection options; each has its variable.
_NOT_IN_THE_URL = {
    "conn_max_age": "DATABASE_CONN_MAX_AGE",
    "conn_health_checks": "DATABASE_CONN_MAX_AGE",
    "disable_server_side_cursors": "DATABASE_DISABLE_SERVER_SIDE_CURSORS",
    "pool": "DATABASE_POOL",
}
#: Seconds PostgreSQL may take to accept a connection (DATABASE_CONNECT_TIMEOUT) and to run one
#: statement (DATABASE_STATEMENT_TIMEOUT) unless set; 0 waits for ever (libpq's default).
CONNECT_TIMEOUT = 3
STATEMENT_TIMEOUT = 10
#: What DATABASE_POOL may set: psycopg_pool.ConnectionPool's sizes and its wait, in seconds.
_POOL_OPTIONS = {"min_size": int, "max_size": int, "timeout": float}
#: psycopg_pool.ConnectionPool's min_size when none is given.
_POOL_MIN_SIZE = 4
#: The time zone Django gives a PostgreSQL connection with USE_TZ (set below): UTC.
_CONNECTION_TIME_ZONE = "UTC"


def database(url: str, environ: Mapping[str, str]) -> dict[str, Any]:
    """One database's settings: its URL, and how to connect from the DATABASE_* variables."""
    conn_max_age = _seconds(environ, "DATABASE_CONN_MAX_AGE")
    pool = _pool(environ)
    config: dict[str, Any] = dict(
        dj_database_url.parse(
            url,
            conn_max_age=conn_max_age,
            # A connection kept for reuse, by Django or by the pool, is checked before a request
            # uses it: a database that restarted costs no request a 503.
            conn_health_checks=conn_max_age > 0 or bool(pool),
            # PgBouncer in transaction pooling mode gives each transaction any server
            # connection: a cursor that outlives its transaction would be lost.
            disable_server_side_cursors=_flag(environ, "DATABASE_DISABLE_SERVER_SIDE_CURSORS"),
        )
    )
    options = config.setdefault("OPTIONS", {})
    for name, variable in _NOT_IN_THE_URL.items():
        if name in options:
            raise ImproperlyConfigured(
                f"{name} in a database URL reaches the driver as a connection option; "
                f"set {variable} instead."
            )
    # No ATOMIC_REQUESTS: ConditionalUpdateMixin runs each write in one transaction of its own,
    # begun after the checks and the body's validation, so reads and refusals take no lock.
    config["ATOMIC_REQUESTS"] = False
    if pool:
        if config["ENGINE"] != "django.db.backends.postgresql" or django.VERSION < (5, 1):
            raise ImproperlyConfigured(
                "DATABASE_POOL is Django's psycopg 3 pool, for PostgreSQL on Django 5.1 or "
                f"later; this is {config['ENGINE']} on Django {django.get_version()}. "
                "Unset DATABASE_POOL."
            )
        if conn_max_age:
            raise ImproperlyConfigured(
                "DATABASE_POOL keeps the connections itself: unset DATABASE_CONN_MAX_AGE."
            )
        options["pool"] = pool
    if config["ENGINE"] == "django.db.backends.postgresql":
        _deadlines(options, environ)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if not environ.get("DATABASE_CONN_MAX_AGE"):
            # A SQLite connection is a file this process opens: no server to restart or hang,
            # nothing a pooler shares. Kept for the thread's next requests, it saves each
            # request opening the file and SQLite reading its schema anew. The ASGI entry point
            # sets 0, as Django advises under ASGI.
            config["CONN_MAX_AGE"] = None
        # A writer waits this long for the write lock rather than fail "database is locked".
        options.setdefault("timeout", 20)
        if django.VERSION >= (5, 1):
            # A write transaction takes the write lock when it begins, so two writers queue
            # instead of deadlocking on a read lock's upgrade. Reads run outside transactions.
            options.setdefault("transaction_mode", "IMMEDIATE")
    if environ.get("TEST_DATABASE_NAME"):
        config["TEST"] = {"NAME": environ["TEST_DATABASE_NAME"]}
    return config


def databases(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """The primary (DATABASE_URL), and the read replica (DATABASE_REPLICA_URL) if there is one."""
    found = {
        PRIMARY: database(
            environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}", environ
        )
    }
    if environ.get("DATABASE_REPLICA_URL"):
        found[REPLICA] = database(environ["DATABASE_REPLICA_URL"], environ)
        # The tests' replica is their primary: the replication is not what they test.
        found[REPLICA]["TEST"] = {"MIRROR": PRIMARY}
    return found


def _deadlines(options: dict[str, Any], environ: Mapping[str, str]) -> None:
    """Every wait on PostgreSQL ends: a 503 with Retry-After within seconds, not a hung request.

    libpq waits for ever for a server that takes the connection and never answers (stopped,
    paused, its host gone without a reset): ``connect_timeout`` ends that wait (psycopg
    enforces it, 2 s at least). A statement that waits on a lock or runs long is cancelled by
    the server after ``statement_timeout``. Both are psycopg's errors that Django raises as
    ``OperationalError``, which the library answers 503. A value in ``DATABASE_URL``
    (``?connect_timeout=5``, ``?options=...``) is kept as it is.
    """
    connect = _seconds(environ, "DATABASE_CONNECT_TIMEOUT", CONNECT_TIMEOUT)
    options.setdefault("connect_timeout", connect)
    statement = _seconds(environ, "DATABASE_STATEMENT_TIMEOUT", STATEMENT_TIMEOUT)
    if statement:
        # Startup parameters: PgBouncer before 1.20 refuses them (see docs/deployment.md).
        # The time zone goes with the deadline: Django sends SET TIME ZONE to every new
        # connection whose server names its zone otherwise ("Etc/UTC", as Debian's initdb
        # writes it), one more round trip for each request that connects (Django's docs,
        # "Optimizing PostgreSQL's configuration").
        options.setdefault(
            "options",
            f"-c statement_timeout={statement * 1000} -c TimeZone={_CONNECTION_TIME_ZONE}",
        )


def _flag(environ: Mapping[str, str], name: str) -> bool:
    value = environ.get(name, "")
    if value not in ("", "0", "1"):
        raise ImproperlyConfigured(f"{name} is 1 or 0, not {value!r}.")
    return value == "1"


def _seconds(environ: Mapping[str, str], name: str, default: int = 0) -> int:
    value = environ.get(name, "") or str(default)
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} is a whole number of seconds, not {value!r}.")
    return int(value)


def _pool(environ: Mapping[str, str]) -> dict[str, int | float] | bool:
    """DATABASE_POOL: ``1`` for psycopg_pool's defaults, or ``min_size=2,max_size=8,timeout=5``."""
    value = environ.get("DATABASE_POOL", "")
    if value in ("", "0", "1"):
        return value == "1"
    pool: dict[str, int | float] = {}
    for item in value.split(","):
        name, _, number = (part.strip() for part in item.partition("="))
        try:
            pool[name] = _POOL_OPTIONS[name](number)
        except (KeyError, ValueError):
            raise ImproperlyConfigured(
                f"DATABASE_POOL is 1, or any of {', '.join(f'{n}=N' for n in _POOL_OPTIONS)} "
                f"separated by commas, not {value!r}."
            ) from None
    # psycopg_pool would refuse these only when the first request asks for a connection.
    if pool.get("min_size", 0) < 0 or pool.get("max_size", 1) < 1 or pool.get("timeout", 1) <= 0:
        raise ImproperlyConfigured(f"DATABASE_POOL's sizes and timeout are positive: {value!r}.")
    if pool.get("max_size", math.inf) < pool.get("min_size", _POOL_MIN_SIZE):
        raise ImproperlyConfigured(
            f"DATABASE_POOL's max_size is below its min_size ({_POOL_MIN_SIZE} unless set): "
            f"{value!r}."
        )
    return pool


DATABASES = databases(os.environ)
#: With a replica, reads go to it; writes and every query in a transaction to the primary.
DATABASE_ROUTERS = ["demo_project.routers.PrimaryReplicaRouter"] if REPLICA in DATABASES else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS: list[dict[str, str]] = []

LANGUAGE_CODE = "en"
#: The languages the demo speaks: those django-http-errors has a catalog for. A client asking
#: for another gets English, labelled so; Accept-Language's weights choose among these
#: (`fr-CH, de;q=0.5` is German).
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

#: Where the browsable API's login page leads when no page asked for it (api-auth/login/).
LOGIN_REDIRECT_URL = "api-root"

STATIC_URL = "static/"
# The demo serves its static files (browsable API, API docs) itself, with or without DEBUG.
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    # Session first on purpose: plain DRF answers 403 here where 401 is right.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # DRF's Basic, but a client address that fails too often for a user name is told 429
        # before another password hash is spent on it.
        "django_http_errors.throttling.ThrottledBasicAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_THROTTLE_RATES": {"failed_authentication": "10/min"},
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # DRF's two, but the browsable API's forms send the shown article's ETag as If-Match.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "django_http_errors.browsable.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "django_http_errors.handlers.exception_handler",
    # A client that accepts only application/problem+json still gets its errors and 204s.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "django_http_errors.negotiation.ProblemContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "django_http_errors.schema.ProblemAutoSchema",
    # The API has one version. drf-spectacular's schema view copies a ?version= it does not
    # find here into its Content-Disposition: a line break or a control character there was
    # a 500, or a broken answer.
    "ALLOWED_VERSIONS": [django_http_errors.__version__],
}

HTTP_ERRORS = {
    # A list answers a parameter it does not know with 400 (KnownQueryParametersMixin).
    "REFUSE_UNKNOWN_QUERY_PARAMETERS": True,
    "PRECONDITION_REQUIRED": True,
    # Seconds a client reads from the primary after its write (docs/deployment.md); 0: off.
    "READ_YOUR_WRITES": _seconds(os.environ, "READ_YOUR_WRITES"),
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
