"""System checks: every misconfiguration we can detect, each with a stable id and a hint.

Importing the package registers them (``AppConfig.ready()`` does). Their ids, levels, messages
and hints are in one table, ``django_http_errors.check_ids``; each check declares the ids it
reports (``common.reports``).
"""

from __future__ import annotations

from ..check_ids import CHECK_IDS, CheckId
from .common import REPORTED_BY
from .project import (
    DRF_NEGOTIATION_PATH,
    HANDLER_PATH,
    LOCALE_MIDDLEWARE,
    MIDDLEWARE_PATH,
    NEGOTIATION_PATH,
    SQLITE_ENGINE,
    atomic_sqlite_aliases,
    check_content_negotiation,
    check_exception_handler,
    check_languages,
    check_locale_middleware,
    check_middleware,
    check_schema_class,
    check_sqlite_transactions,
    deferred_sqlite_aliases,
)
from .setting import (
    READ_YOUR_WRITES_MIDDLEWARE,
    check_idempotency_settings,
    check_problem_type_base,
    check_read_your_writes,
    check_setting_name,
    check_settings,
)
from .urlconf import (
    ERROR_HANDLERS,
    check_error_handlers,
    check_installed,
    check_problem_pages,
    handler_path,
)
from .views import (
    QUERYSET_EXCLUDES_HIDDEN,
    check_conditional_fields,
    check_hidden_objects_in_lists,
    check_version_fields,
)

__all__ = [
    "CHECK_IDS",
    "DRF_NEGOTIATION_PATH",
    "ERROR_HANDLERS",
    "HANDLER_PATH",
    "LOCALE_MIDDLEWARE",
    "MIDDLEWARE_PATH",
    "NEGOTIATION_PATH",
    "QUERYSET_EXCLUDES_HIDDEN",
    "READ_YOUR_WRITES_MIDDLEWARE",
    "REPORTED_BY",
    "SQLITE_ENGINE",
    "CheckId",
    "atomic_sqlite_aliases",
    "check_conditional_fields",
    "check_content_negotiation",
    "check_error_handlers",
    "check_exception_handler",
    "check_hidden_objects_in_lists",
    "check_idempotency_settings",
    "check_installed",
    "check_languages",
    "check_locale_middleware",
    "check_middleware",
    "check_problem_pages",
    "check_problem_type_base",
    "check_read_your_writes",
    "check_schema_class",
    "check_setting_name",
    "check_settings",
    "check_sqlite_transactions",
    "check_version_fields",
    "deferred_sqlite_aliases",
    "handler_path",
]
