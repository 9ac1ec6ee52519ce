"""``ProblemAutoSchema``: drf-spectacular's ``AutoSchema`` with every operation completed as it
is rendered, a summary for each, and the NUL that DRF's strings refuse.

A project with its own ``AutoSchema`` subclass uses the postprocessing hook instead
(``django_http_errors.openapi.hooks``).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ComponentRegistry, get_doc, get_view_model
from rest_framework.generics import GenericAPIView

from ..internals import spectacular_creates, spectacular_lists
from .components import RegistryComponents
from .operation import complete_operation

__all__ = ["NO_NUL_PATTERN", "ProblemAutoSchema"]

#: A string without NUL, as an ECMA-262 regular expression (OpenAPI 3.0 §4.7.24).
NO_NUL_PATTERN = "^[^\\u0000]*$"

#: DRF's generic actions, which have no docstring of their own: how to name each operation
#: (its summary) and what it does (the first paragraph of its description).
_GENERIC_ACTIONS: dict[str, tuple[Any, Any]] = {
    "list": (_("List %(plural)s"), _("Lists the %(plural)s.")),
    "create": (_("Create %(singular)s"), _("Creates one %(singular)s from the request content.")),
    "retrieve": (_("Retrieve %(singular)s"), _("Returns one %(singular)s.")),
    "update": (
        _("Replace %(singular)s"),
        _("Replaces every writable field of the %(singular)s with the request content."),
    ),
    "partial_update": (
        _("Update %(singular)s"),
        _("Changes the fields of the %(singular)s that the request content names."),
    ),
    "destroy": (_("Delete %(singular)s"), _("Deletes the %(singular)s.")),
}
_ACTIONS_OF_METHODS = {"PUT": "update", "PATCH": "partial_update", "DELETE": "destroy"}


class ProblemAutoSchema(AutoSchema):
    """drf-spectacular's ``AutoSchema`` plus the problem responses each operation can give."""

    def get_operation(
        self,
        path: str,
        path_regex: str,
        path_prefix: str,
        method: str,
        registry: ComponentRegistry,
    ) -> dict[str, Any] | None:
        """drf-spectacular's operation, completed with what the view declares."""
        operation: dict[str, Any] | None = super().get_operation(
            path, path_regex, path_prefix, method, registry
        )
        if operation:
            complete_operation(self, operation, RegistryComponents(registry))
        return operation

    def get_summary(self) -> str | None:
        """A short name for every operation: the first clause of its handler's docstring, or
        of a generic action's name (``Retrieve article``), or of the view's docstring."""
        action_doc = get_doc(self._handler())
        generic = self._generic_action()
        if action_doc:
            return _first_clause(action_doc)
        if generic is not None:
            return generic[0]
        view_doc = get_doc(type(self.view))
        return _first_clause(view_doc) if view_doc else None

    def get_description(self) -> str:  # type: ignore[override]
        """drf-spectacular's (the handler's docstring, else the view's); for a generic action,
        what it does, then the view's docstring, so no two operations share one."""
        generic = self._generic_action()
        if get_doc(self._handler()) or generic is None:
            return str(super().get_description())
        view_doc = get_doc(type(self.view))
        return "\n\n".join(part for part in (generic[1], view_doc) if part)

    def _handler(self) -> Any:
        view = self.view
        return getattr(view, getattr(view, "action", None) or self.method.lower(), None)

    def _generic_action(self) -> tuple[str, str] | None:
        """A generic action's summary and sentence, named after the view's model."""
        if not isinstance(self.view, GenericAPIView):
            return None
        action = getattr(self.view, "action", None) or self._action_of_method()
        model = get_view_model(self.view)
        if action not in _GENERIC_ACTIONS or model is None:
            return None
        names = {
            "singular": str(model._meta.verbose_name),
            "plural": str(model._meta.verbose_name_plural),
        }
        summary, sentence = _GENERIC_ACTIONS[action]
        return str(summary) % names, str(sentence) % names

    def _action_of_method(self) -> str | None:
        """The generic action a generic view (not a viewset) runs for this method."""
        if self.method == "GET":
            return "list" if spectacular_lists(self) else "retrieve"
        if self.method == "POST":
            return "create" if spectacular_creates(self) else None
        return _ACTIONS_OF_METHODS.get(self.method)

    # internals.SPECTACULAR_FIELD_VALIDATORS: the one private method overridden here.
    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        if not any(isinstance(v, ProhibitNullCharactersValidator) for v in field.validators):
            return
        # DRF's CharField refuses NUL with a 400: say so, or clients would send it as valid.
        # Added after DRF's own validators, so that it never makes a blank string a second
        # alternative of drf-spectacular's oneOf.
        target = schema["oneOf"][0] if "oneOf" in schema else schema
        if target.get("type") == "string" and "pattern" not in target:
            target["pattern"] = NO_NUL_PATTERN


def _first_clause(doc: str) -> str:
    """A docstring's first clause, up to its first full stop or semicolon: a summary."""
    first_line = doc.strip().split("\n\n")[0].replace("\n", " ")
    return re.split(r"(?<=[^.])[.;](?:\s|$)", first_line, maxsplit=1)[0].strip()
