"""Checks of the views the root URLconf serves: the fields their validators come from, and
what their lists show."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from django.apps import AppConfig
from django.core.checks import CheckMessage, Tags
from django.db import models
from django.urls import get_resolver

from ..check_ids import CHECK_IDS
from ..conditional.mixin import ConditionalUpdateMixin
from ..conditional.validators import has_field
from ..conditional.view_validators import explicit_source
from ..conf import get_settings
from ..fields import VersionField
from ..http_names import READ_METHODS, UNSAFE_METHODS
from ..permissions import HiddenFilter, refusals, unfiltered_rules
from .common import model_of, reports, urlconf_views

__all__ = [
    "LOOKUP_METHODS",
    "QUERYSET_EXCLUDES_HIDDEN",
    "check_conditional_fields",
    "check_hidden_objects_in_lists",
    "check_version_fields",
]

#: A view sets this to say that its own queryset already leaves out what its permissions hide.
QUERYSET_EXCLUDES_HIDDEN: Final = "queryset_excludes_hidden_objects"
#: The methods whose object lookups HiddenFilter filters: a read's and every write's.
LOOKUP_METHODS: Final = READ_METHODS | UNSAFE_METHODS


@reports("E010", "I010", tags=[Tags.urls, Tags.models])
def check_conditional_fields(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """The fields a conditional view's validators come from must exist on its model.

    A version or Last-Modified field named explicitly (on the view or in ``HTTP_ERRORS``) that
    the model lacks is silently ignored: ETags become hashes, or ``Last-Modified`` is never
    sent. The default version field missing is the documented hash mode: reported as info.
    """
    defaults = get_settings()
    messages: list[CheckMessage] = []
    for view, model in _conditional_views():
        label = _label(view)
        # Resolved as the mixin resolves them: a falsy version_field falls back to the
        # setting, while last_modified_field = "" means "send none".
        version_attr = getattr(view, "version_field", None) or None
        modified_attr = getattr(view, "last_modified_field", None)
        for attribute, setting, given in (
            ("version_field", "VERSION_FIELD", version_attr),
            ("last_modified_field", "LAST_MODIFIED_FIELD", modified_attr),
        ):
            name = given if given is not None else getattr(defaults, setting)
            # A name of the wrong type is E003's to report.
            if not isinstance(name, str) or not name or has_field(model, name):
                continue
            source = explicit_source(attribute, setting, given)
            if source is not None:
                messages.append(
                    CHECK_IDS["E010"](view=label, source=source, name=name, model=model._meta.label)
                )
            elif attribute == "version_field":
                messages.append(CHECK_IDS["I010"](view=label, model=model._meta.label, name=name))
    return messages


@reports("W016", tags=[Tags.urls, Tags.models])
def check_version_fields(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """A conditional view's version field is a ``VersionField``, or only the mixin bumps it.

    A plain integer field changes with the mixin's writes alone: after a ``save()`` by a form,
    the admin or a script, a client's old ETag still matches, so its If-None-Match gets a
    stale 304 and its If-Match overwrites the change.
    """
    default = get_settings().VERSION_FIELD
    seen: set[tuple[type[models.Model], str]] = set()
    messages: list[CheckMessage] = []
    for view, model in _conditional_views():
        # Resolved as the mixin resolves it; a name that is no field is E010's to report.
        name = getattr(view, "version_field", None) or default
        if not isinstance(name, str) or not has_field(model, name) or (model, name) in seen:
            continue
        seen.add((model, name))
        if isinstance(model._meta.get_field(name), VersionField):
            continue
        field = f"{model._meta.label}.{name}"
        messages.append(CHECK_IDS["W016"](field=field, view=_label(view), name=name))
    return messages


def _conditional_views() -> list[tuple[type, type[models.Model]]]:
    """The ``ConditionalUpdateMixin`` views of the URLconf whose model is known, with it."""
    found = []
    for view in urlconf_views(get_resolver().url_patterns):
        model = model_of(view) if issubclass(view, ConditionalUpdateMixin) else None
        if model is not None:
            found.append((view, model))
    return found


def _label(view: type) -> str:
    return f"{view.__module__}.{view.__qualname__}"


@reports("W017", tags=[Tags.urls, Tags.security])
def check_hidden_objects_in_lists(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """What a view's permissions hide from its detail (404), its list must not show.

    DRF asks object permissions only where it looks up one object: a list shows every object of
    the queryset unless ``HiddenFilter`` (or the view's own queryset) leaves the hidden ones
    out, and ``HiddenFilter`` can only with the ``object_filter`` of every rule that judges
    objects. Read from the view's ``permission_classes`` and ``filter_backends``.
    """
    messages: list[CheckMessage] = []
    for view in urlconf_views(get_resolver().url_patterns):
        if getattr(view, QUERYSET_EXCLUDES_HIDDEN, False):
            continue
        # ListModelMixin's list(), or a viewset's own list action.
        lists = callable(getattr(view, "list", None))
        filtered = any(
            isinstance(backend, type) and issubclass(backend, HiddenFilter)
            for backend in getattr(view, "filter_backends", ())
        )
        for permission_class in getattr(view, "permission_classes", ()):
            permission = permission_class()
            name = getattr(permission_class, "__name__", type(permission).__name__)
            missing = unfiltered_rules(permission)
            methods = LOOKUP_METHODS if filtered else READ_METHODS
            if not any(r.hide for m in methods for r in refusals(permission, m, view)):
                continue
            if lists and not filtered:
                fix = "add HiddenFilter to its filter_backends"
                if missing:
                    fix += f" and give {', '.join(missing)} an object_filter(request, view)"
                messages.append(
                    CHECK_IDS["W017"](
                        view=_label(view),
                        permission=name,
                        fix=fix,
                        opt_out=QUERYSET_EXCLUDES_HIDDEN,
                    )
                )
            elif filtered and missing:
                messages.append(
                    CHECK_IDS["W017"](
                        "unfiltered rules",
                        view=_label(view),
                        permission=name,
                        rules=", ".join(missing),
                    )
                )
    return messages
