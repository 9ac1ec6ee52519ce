"""The words of an operation, read from any drf-spectacular ``AutoSchema`` positioned on it: a
summary for every operation, and for DRF's generic actions, which have no docstring of their
own, a description that says what each does."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_doc, get_view_model
from rest_framework.generics import GenericAPIView

from ..internals import spectacular_creates, spectacular_lists

__all__ = ["complete_words", "generic_description", "summary"]

#: DRF's generic actions: how to name each operation (its summary) and what it does (the first
#: paragraph of its description).
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
#: The members drf-spectacular writes first, in its order.
_FIRST = ("operationId", "description", "summary")


def summary(schema: Any) -> str | None:
    """A short name for the operation: the first clause of its handler's docstring, or a
    generic action's name (``Retrieve article``), or the first clause of the view's docstring."""
    action_doc = get_doc(_handler(schema))
    if action_doc:
        return _first_clause(action_doc)
    generic = _generic_action(schema)
    if generic is not None:
        return generic[0]
    view_doc = get_doc(type(schema.view))
    return _first_clause(view_doc) if view_doc else None


def generic_description(schema: Any) -> str | None:
    """For a generic action whose handler has no docstring: what it does, then the view's
    docstring, so no two operations share one; ``None`` for any other operation."""
    generic = _generic_action(schema)
    if generic is None or get_doc(_handler(schema)):
        return None
    view_doc = get_doc(type(schema.view))
    return "\n\n".join(part for part in (generic[1], view_doc) if part)


def complete_words(schema: Any, operation: dict[str, Any]) -> None:
    """Give ``operation`` (rendered by ``schema``, any ``AutoSchema``) a summary where it has
    none, and a generic action's description where drf-spectacular's own stands."""
    words = {}
    if not operation.get("summary"):
        words["summary"] = summary(schema)
    described = generic_description(schema)
    # drf-spectacular's own get_description (public) says what it would have written: a
    # description the project's schema class wrote differs, and stays.
    if described is not None and operation.get("description", "") == _default(schema):
        words["description"] = described
    operation.update({key: value for key, value in words.items() if value})
    # In drf-spectacular's order: the words before the parameters, the body and the responses.
    first = {key: operation.pop(key) for key in _FIRST if key in operation}
    rest = {key: operation.pop(key) for key in list(operation)}
    operation.update(first, **rest)


def _default(schema: Any) -> str:
    return str(AutoSchema.get_description(schema) or "")


def _handler(schema: Any) -> Any:
    view = schema.view
    return getattr(view, getattr(view, "action", None) or schema.method.lower(), None)


def _generic_action(schema: Any) -> tuple[str, str] | None:
    """A generic action's summary and sentence, named after the view's model."""
    view = schema.view
    if not isinstance(view, GenericAPIView):
        return None
    action = getattr(view, "action", None) or _action_of_method(schema)
    model = get_view_model(view)
    if action not in _GENERIC_ACTIONS or model is None:
        return None
    names = {
        "singular": str(model._meta.verbose_name),
        "plural": str(model._meta.verbose_name_plural),
    }
    name, sentence = _GENERIC_ACTIONS[action]
    return str(name) % names, str(sentence) % names


def _action_of_method(schema: Any) -> str | None:
    """The generic action a generic view (not a viewset) runs for this method."""
    method = str(schema.method).upper()
    if method == "GET":
        return "list" if spectacular_lists(schema) else "retrieve"
    if method == "POST":
        return "create" if spectacular_creates(schema) else None
    return _ACTIONS_OF_METHODS.get(method)


def _first_clause(doc: str) -> str:
    """A docstring's first clause, up to its first full stop or semicolon: a summary."""
    first_line = doc.strip().split("\n\n")[0].replace("\n", " ")
    return re.split(r"(?<=[^.])[.;](?:\s|$)", first_line, maxsplit=1)[0].strip()
