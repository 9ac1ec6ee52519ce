"""Every private Django, DRF, drf-spectacular or urllib3 behaviour the library relies on, in one
place.

Each name here wraps one private attribute, or one behaviour no public API promises, and says
which; ``tests/test_internals.py`` pins each against the installed versions, so a release that
changes one fails there first rather than somewhere downstream. Nothing else in the package may
touch a private name of another project.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

__all__ = [
    "SPECTACULAR_FIELD_VALIDATORS",
    "django_request",
    "spectacular_creates",
    "spectacular_endpoints",
    "spectacular_lists",
    "spectacular_paginator",
]


def django_request(request: Any) -> HttpRequest:
    """The Django ``HttpRequest`` behind DRF's ``Request`` (its private ``_request``), or
    ``request`` itself where it already is one."""
    return getattr(request, "_request", request)  # type: ignore[no-any-return]


# drf-spectacular: what its AutoSchema knows of an operation, which only private methods tell
# (the OpenAPI integration reads them for any project's AutoSchema subclass).


def spectacular_lists(auto_schema: Any) -> bool:
    """Whether drf-spectacular's ``AutoSchema`` documents its operation as a list (private
    ``_is_list_view``)."""
    return bool(auto_schema._is_list_view())


def spectacular_creates(auto_schema: Any) -> bool:
    """Whether drf-spectacular's ``AutoSchema`` documents its operation as a create (private
    ``_is_create_operation``)."""
    return bool(auto_schema._is_create_operation())


def spectacular_paginator(auto_schema: Any) -> Any:
    """The paginator drf-spectacular's ``AutoSchema`` documents for its operation, or ``None``
    (private ``_get_paginator``)."""
    return auto_schema._get_paginator()


def spectacular_endpoints(generator: Any) -> list[tuple[str, str, str, Any]]:
    """``(path, path_regex, method, view)`` of every endpoint, as drf-spectacular's generator
    makes them for its operations, once it has parsed them (private
    ``_get_paths_and_endpoints``)."""
    return generator._get_paths_and_endpoints()  # type: ignore[no-any-return]


#: The method drf-spectacular's ``AutoSchema`` calls with each serializer field and its schema,
#: after its own validators: ``ProblemAutoSchema`` overrides it to add the NUL pattern.
SPECTACULAR_FIELD_VALIDATORS = "_insert_field_validators"
