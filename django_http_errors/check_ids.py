"""Every system check id in one table: its level, its message and its hint.

The checks (``checks/``) report them, the exception handler logs W011 (no check can run without
the app), and the docs' table of checks is tested against this one. Messages and hints are
``str.format`` templates: a check fills in what it found.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from django.core.checks import CheckMessage, Error, Info, Warning

__all__ = ["CHECK_IDS", "PREFIX", "CheckId"]

#: What every id of this app begins with: Django's ``<app label>.<id>``.
PREFIX: Final = "django_http_errors."


@dataclass(frozen=True)
class CheckId:
    """One check id: its level, message and hint; ``variants`` for another cause of it."""

    code: str
    level: type[Error] | type[Warning] | type[Info]
    message: str
    hint: str
    #: Other (message, hint) templates of the same id, by name.
    variants: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: Written to the log, not reported by the check framework (W011).
    logged: bool = False

    @property
    def id(self) -> str:
        """The id as Django reports and silences it: ``django_http_errors.E001``."""
        return f"{PREFIX}{self.code}"

    def __call__(self, variant: str | None = None, **found: Any) -> CheckMessage:
        """The check's message, its templates filled with what the check ``found``."""
        message, hint = self.variants[variant] if variant else (self.message, self.hint)
        values = {"id": self.id, **found}
        return self.level(message.format(**values), hint=hint.format(**values), id=self.id)

    def text(self, **found: Any) -> str:
        """Message and hint as one line, for the log."""
        values = {"id": self.id, **found}
        return f"{self.message.format(**values)} {self.hint.format(**values)}"


_SQLITE_HINT = (
    "Drop ATOMIC_REQUESTS: ConditionalUpdateMixin runs each write in a transaction of its own, "
    "after the checks and the body's validation (write_transaction()); with it use "
    "OPTIONS['transaction_mode'] = 'IMMEDIATE' (Django 5.1+) and journal_mode=WAL."
)

_TABLE: Final = (
    CheckId(
        "E001",
        Error,
        "HTTP_ERRORS must be a dict.",
        "Set HTTP_ERRORS = {{...}}; the docs (Settings and checks) list its keys.",
    ),
    CheckId("E002", Error, "HTTP_ERRORS has an unknown key {key!r}.", "Known keys: {known}."),
    CheckId(
        "E003",
        Error,
        "HTTP_ERRORS[{name!r}] must be of type {type}.",
        "Its default is {default!r}.",
    ),
    CheckId(
        "E004",
        Error,
        "HTTP_ERRORS['DATABASE_RETRY_AFTER'] must not be negative.",
        "Retry-After is a non-negative number of seconds.",
    ),
    CheckId(
        "E005",
        Error,
        "REST_FRAMEWORK['DEFAULT_CONTENT_NEGOTIATION_CLASS'] is {given!r}, not "
        "ProblemContentNegotiation: a client that accepts only application/problem+json "
        "gets 406 instead of its errors and its 204s.",
        "Set REST_FRAMEWORK['DEFAULT_CONTENT_NEGOTIATION_CLASS'] = {path!r}.",
    ),
    CheckId(
        "E006",
        Error,
        "{app!r} is not in INSTALLED_APPS, but its problem type pages are in the URLconf: they "
        "answer 500 (TemplateDoesNotExist), problems are not translated, and none of the app's "
        "other checks runs.",
        "Add {app!r} to INSTALLED_APPS.",
    ),
    CheckId(
        "E007",
        Error,
        "HTTP_ERRORS['PROBLEM_TYPE_BASE_URL'] ({base!r}) is neither an absolute URL nor a path "
        "from the root: type URIs such as {example!r} name no page; clients resolve them "
        "against each response's URL.",
        "Write the absolute URL, scheme and host: e.g. 'https://errors.example.com/'.",
    ),
    CheckId(
        "E008",
        Error,
        "REST_FRAMEWORK['DEFAULT_SCHEMA_CLASS'] is {given!r}, which needs drf-spectacular, and "
        "drf-spectacular is not installed: generating the schema fails with ImportError.",
        "Install drf-spectacular and add 'drf_spectacular' to INSTALLED_APPS, or remove "
        "REST_FRAMEWORK['DEFAULT_SCHEMA_CLASS'].",
    ),
    CheckId(
        "E010",
        Error,
        "{view}: {source} names {name!r}, which is no field of {model}; the view silently goes "
        "without it.",
        "Add the field {name!r} to {model} (with a migration), or name one of its fields in "
        "{source}.",
    ),
    CheckId(
        "W001",
        Warning,
        "REST_FRAMEWORK['EXCEPTION_HANDLER'] is not django-http-errors' handler: errors are not "
        "answered as RFC 9457 problems.",
        "Set REST_FRAMEWORK['EXCEPTION_HANDLER'] = {path!r}.",
    ),
    CheckId(
        "W002",
        Warning,
        "The first of DEFAULT_AUTHENTICATION_CLASSES has no WWW-Authenticate challenge, so DRF "
        "answers 403 where a request is not authenticated (HTTP says 401).",
        "Set REST_FRAMEWORK['EXCEPTION_HANDLER'] = {path!r}.",
    ),
    CheckId(
        "W003",
        Warning,
        "RequestIDMiddleware is not installed: problems, logs and responses carry no request id.",
        "Add {path!r} at the top of MIDDLEWARE.",
    ),
    CheckId(
        "W004",
        Warning,
        "Database {alias!r} is SQLite with ATOMIC_REQUESTS and DEFERRED transactions: "
        "concurrent writes may fail with 'database is locked' (503).",
        _SQLITE_HINT,
    ),
    CheckId(
        "W005",
        Warning,
        "Database {alias!r} is SQLite with ATOMIC_REQUESTS: every request takes the write lock "
        "before its view runs, so requests run one at a time.",
        _SQLITE_HINT,
    ),
    CheckId(
        "W006",
        Warning,
        "Problem type URIs are relative references (/problems/<slug>/): clients resolve them "
        "against each response's URL, and RFC 9457 recommends absolute ones.",
        "Set HTTP_ERRORS['PROBLEM_TYPE_BASE_URL'] to the absolute URL of your problem pages, "
        "e.g. 'https://api.example.com/problems/'.",
    ),
    CheckId(
        "W007",
        Warning,
        "RequestIDMiddleware comes after {above}: what they answer themselves (a redirect, a "
        "400 for a disallowed Host) and their log records carry no request id.",
        "Move {path!r} to the top of MIDDLEWARE.",
    ),
    CheckId(
        "W008",
        Warning,
        "USE_I18N is on and the app ships translations ({languages}), but LocaleMiddleware is "
        "not installed: every problem is in LANGUAGE_CODE ({language_code!r}), whatever the "
        "client's Accept-Language.",
        "Add {path!r} to MIDDLEWARE, after SessionMiddleware and before CommonMiddleware.",
    ),
    CheckId(
        "W009",
        Warning,
        "The problem type pages (django_http_errors.urls) are not in the URLconf: {consequence}.",
        "Add path('problems/', include('django_http_errors.urls')) to the root URLconf.",
    ),
    CheckId(
        "W010",
        Warning,
        "{missing} of the root URLconf {verb} not django-http-errors': requests no DRF view "
        "answers get HTML error pages, not problems.",
        "In the root URLconf set {assignments}.",
    ),
    CheckId(
        "W011",
        Warning,
        "The exception handler is configured but 'django_http_errors' is not in "
        "INSTALLED_APPS: its system checks do not run and its problem type pages, templates "
        "and translations are missing.",
        "Add it to INSTALLED_APPS.",
        logged=True,
    ),
    CheckId(
        "W012",
        Warning,
        "{name} is set and HTTP_ERRORS is not: django-http-errors ignores {name}, and every "
        "key in it.",
        "Rename {name} to HTTP_ERRORS.",
    ),
    CheckId(
        "W013",
        Warning,
        "LANGUAGES lists languages django-http-errors has no translations for ({unspoken}): a "
        "problem in one of them is labelled English but may carry DRF's or Django's messages "
        "in that language.",
        "Set LANGUAGES to the languages you serve that the library speaks ({spoken}), or "
        "translate its catalog into the others in LOCALE_PATHS.",
    ),
    CheckId(
        "W016",
        Warning,
        "{field}, the version field of {view}, is no VersionField: only the mixin's writes bump "
        "it, so a save() by a form, the admin or a script leaves the ETag clients hold matching "
        "(a stale 304, an overwritten change).",
        "Declare it as {name} = django_http_errors.fields.VersionField() and run "
        "makemigrations; or bump it in every other writer and silence {id}.",
    ),
    CheckId(
        "W017",
        Warning,
        "{view}: its list shows every object of its queryset, also those {permission} hides "
        "from its detail (404).",
        "Lists leave out what the detail hides: {fix}; or leave them out in get_queryset() and "
        "set {opt_out} = True.",
        variants={
            "unfiltered rules": (
                "{view}: HiddenFilter cannot leave out what {permission} hides; rules in it "
                "without an object_filter(request, view) of their own: {rules}. Requests it "
                "hides objects from fail with ImproperlyConfigured.",
                "Give each an object_filter(request, view) returning the Q of the objects its "
                "allows_object allows; a rule that hides nothing can instead have an entry of "
                "permission_classes of its own.",
            )
        },
    ),
    CheckId(
        "E020",
        Error,
        "HTTP_ERRORS['IDEMPOTENCY_KEY_LEASE'] ({lease}) must be at least 0 and less than "
        "HTTP_ERRORS['IDEMPOTENCY_KEY_EXPIRY'] ({expiry}).",
        "The lease is how long a request may run before a retry takes its key over (a "
        "minute); the expiry how long its answer is kept (a day).",
    ),
    CheckId(
        "E021",
        Error,
        "HTTP_ERRORS['READ_YOUR_WRITES'] ({seconds}) must not be negative.",
        "It is the seconds a client reads from the primary after a write; 0 is off.",
    ),
    CheckId(
        "W021",
        Warning,
        "HTTP_ERRORS['READ_YOUR_WRITES'] is set but ReadYourWritesMiddleware is not installed: "
        "no request is marked, and every read goes where the router sends it.",
        "Add {path!r} to MIDDLEWARE, after RequestIDMiddleware.",
    ),
    CheckId(
        "I010",
        Info,
        "{view}: model {model} without a version field ({name!r}): hash ETags, a serialization "
        "per request.",
        "Add version = django_http_errors.fields.VersionField() to {model} for ETags without "
        "serialization and a compare-and-swap; or silence {id} if hashes are what you want.",
    ),
)

#: Every id of the app, by its code (``"E001"``), in the order the docs list them.
CHECK_IDS: Final[Mapping[str, CheckId]] = {entry.code: entry for entry in _TABLE}
