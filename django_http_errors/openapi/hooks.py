"""The postprocessing hook that completes the operations of any ``AutoSchema`` subclass.

For a project that keeps its own schema class, before drf-spectacular's enum hook (which then
names the problems' ``status`` enums as it does for ``ProblemAutoSchema``)::

    SPECTACULAR_SETTINGS = {
        "POSTPROCESSING_HOOKS": [
            "django_http_errors.openapi.hooks.complete_operations",
            "drf_spectacular.hooks.postprocess_schema_enums",
        ],
    }
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.settings import spectacular_settings

from ..internals import spectacular_endpoints
from .autoschema import ProblemAutoSchema
from .components import RegistryComponents
from .operation import complete_operation
from .words import complete_words

__all__ = ["complete_operations"]


def complete_operations(
    result: dict[str, Any], generator: Any, request: Any = None, **kwargs: Any
) -> dict[str, Any]:
    """Complete every operation of the document that ``ProblemAutoSchema`` did not render
    with what its view declares (``complete_operation``): problems, parameters, headers; and
    with the summary and generic action's description ``ProblemAutoSchema`` gives
    (``complete_words``), where the project's schema class wrote none of its own.

    An operation is found by its endpoint's path, so one whose path drf-spectacular rewrote
    (``SCHEMA_PATH_PREFIX_TRIM``, ``SCHEMA_PATH_PREFIX_INSERT``, URL versioning) is left as is.
    """
    components = RegistryComponents(generator.registry)
    paths = result.get("paths", {})
    for path, path_regex, method, view in spectacular_endpoints(generator):
        schema = view.schema
        operation = paths.get(path, {}).get(method.lower())
        if operation is None or isinstance(schema, ProblemAutoSchema):
            continue
        # As drf-spectacular's parse() positions the view and its schema on the operation.
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, request)
        schema.registry = generator.registry
        schema.path, schema.path_regex, schema.method = path, path_regex, method.upper()
        complete_operation(schema, operation, components)
        complete_words(schema, operation)
    # As drf-spectacular's own hooks do: the components again, with those registered here.
    result["components"] = generator.registry.build(spectacular_settings.APPEND_COMPONENTS)
    return result
