"""The existing API's settings, applied over the suite's by tests/test_existing_api.py.

Its own exception handler stays the project's; DRF's negotiation, no HTTP_ERRORS: the library
is installed, and only the views that opt in answer problems.
"""

from __future__ import annotations

ROOT_URLCONF = "tests.existing_api.urls"

REST_FRAMEWORK = {
    # The suite's: drf-spectacular's extend_schema reads it once, as decorated views are imported.
    "DEFAULT_SCHEMA_CLASS": "django_http_errors.schema.ProblemAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "EXCEPTION_HANDLER": "tests.existing_api.handlers.exception_handler",
}
