"""django-filter's DRF backend, but an invalid value is 400 naming the query parameter sent.

The only module that imports django-filter (an optional dependency): nothing imports it unless a
view uses ``DjangoFilterBackend``.
"""

from __future__ import annotations

import re
import weakref
from datetime import datetime
from datetime import timezone as dt_timezone
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import QuerySet
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from django_filters import Filter, FilterSet
from django_filters import rest_framework as django_filters_drf
from django_filters.fields import IsoDateTimeField
from django_filters.widgets import QueryArrayWidget, SuffixedMultiWidget
from rest_framework.exceptions import ErrorDetail
from rest_framework.request import Request
from rest_framework.views import APIView

from ..exceptions import InvalidQueryParameters
from ..permissions.filters import defined_in

__all__ = [
    "DjangoFilterBackend",
    "RFC3339DateTimeField",
    "RFC3339DateTimeFilter",
    "filters_without_parameters",
    "filterset_errors",
    "filterset_parameters",
    "repeatable_parameters",
]

NOT_ACCEPTED = _("“%(value)s” is not accepted: send one of %(choices)s.")
NOT_READABLE = _("“%(value)s” is not a valid value.")


class DjangoFilterBackend(django_filters_drf.DjangoFilterBackend):
    """django-filter's backend; an invalid value, or one its widget cannot read (which
    django-filter ignores, as ``?published=maybe``), is 400 naming the parameter."""

    query_error_statuses: ClassVar[frozenset[int]] = frozenset({400})

    def filter_queryset(
        self, request: Request, queryset: QuerySet[Any], view: APIView
    ) -> QuerySet[Any]:
        """The filtered queryset, when every filter parameter is valid.

        A request without a query string (every detail request, a 304) is answered without
        building the filterset where that provably changes nothing: the filterset would be
        django-filter's own bound to no data, which refuses nothing and filters nothing
        (``filters_without_parameters``), and this backend passes it the query string alone.
        """
        if not request.query_params and self._passes_the_query_string_alone():
            filterset_class = self.get_filterset_class(view, queryset)
            if filterset_class is None or not _filters_without_parameters(filterset_class):
                # Unchanged, as DRF's own backends return what they do not filter: a copy
                # (django-filter's ``qs``) would cost a clone of the query on every lookup.
                return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        errors = filterset_errors(filterset) or in_utc(filterset.form)
        if errors and self.raise_exception:
            raise InvalidQueryParameters(errors)
        filtered: QuerySet[Any] = filterset.qs
        return filtered

    def _passes_the_query_string_alone(self) -> bool:
        """Whether the filterset is made as django-filter's backend makes it: of the query
        string, not of data a subclass adds (defaults in ``get_filterset_kwargs``)."""
        # The functions themselves, read off the class as every request reads them: not a walk
        # of the MRO on each detail request.
        cls, drfs = type(self), django_filters_drf.DjangoFilterBackend
        return (
            cls.get_filterset is drfs.get_filterset
            and cls.get_filterset_kwargs is drfs.get_filterset_kwargs
        )


#: The parts of a FilterSet that read the query string and filter by it: django-filter's own
#: filter each parameter sent and nothing else.
FILTERSET_PARTS = frozenset(
    {"__init__", "form", "get_form_class", "is_valid", "errors", "qs", "filter_queryset"}
)

#: The keywords of a filter (its ``extra``, passed on to its form field) that cannot give a
#: parameter not sent a value: ``empty_value``, ``initial`` with ``disabled``, or a widget that
#: reads an absent parameter as something (Django's ``CheckboxInput`` reads it as ``False``) can.
INERT_FILTER_KEYWORDS = frozenset(
    {
        "required",
        "help_text",
        "choices",
        "queryset",
        "to_field_name",
        "null_label",
        "null_value",
        "empty_label",
        "widget",
    }
)


def filters_without_parameters(filterset_class: type[FilterSet]) -> bool:
    """Whether a filterset of this class may filter, or refuse, a request that sends none of
    its parameters; ``False`` only where it provably answers the queryset as it was.

    Sent no data, django-filter's FilterSet validates a form of its filters' fields and
    passes each filter its cleaned value; each of django-filter's filters returns the queryset
    untouched for an empty value (``EMPTY_VALUES``), and each of their fields cleans a parameter
    not sent to an empty value unless it is required or configured otherwise. So the answer
    is ``False`` when no class in the filterset's MRO but django-filter's defines one of
    ``FILTERSET_PARTS``, its form is Django's plain ``Form`` (no ``clean()`` of its own), and
    each filter is one of django-filter's classes, not required, with inert keywords only
    (``INERT_FILTER_KEYWORDS``; a ``queryset`` or ``choices`` given as a value, not as a
    callable run with the request as the form is made) and django-filter's widget or one of
    Django's that reads a parameter not sent as nothing. Anything else (a filter class of
    one's own, an overridden ``qs``) may filter or refuse: ``True``.
    """
    # A class of one's own anywhere in the MRO that defines a part may filter by it.
    own = [base for base in filterset_class.__mro__[:-1] if not _django_filters_own(base)]
    if any(not FILTERSET_PARTS.isdisjoint(vars(base)) for base in own):
        return True
    meta = getattr(filterset_class, "Meta", None)
    if getattr(meta, "form", forms.Form) is not forms.Form:
        return True
    return not all(_inert(f) for f in filterset_class.base_filters.values())


#: ``filters_without_parameters()`` by filterset class, with the filters (each filter object,
#: by name) and ``Meta`` it was worked out from: every detail request asks it of the same
#: class. A class whose filters or ``Meta`` are replaced, or a filter in them, is worked out
#: again; a filter changed in place (its ``extra``) is not seen. Weak keys: django-filter
#: makes a class a request for a view with ``filterset_fields`` alone.
_WITHOUT_PARAMETERS: weakref.WeakKeyDictionary[type[FilterSet], tuple[object, object, bool]] = (
    weakref.WeakKeyDictionary()
)


def _filters_without_parameters(filterset_class: type[FilterSet]) -> bool:
    """``filters_without_parameters(filterset_class)``, worked out once per class."""
    filters = tuple(filterset_class.base_filters.items())
    meta = getattr(filterset_class, "Meta", None)
    known = _WITHOUT_PARAMETERS.get(filterset_class)
    if known is None or known[0] != filters or known[1] is not meta:
        known = _WITHOUT_PARAMETERS[filterset_class] = (
            filters,
            meta,
            filters_without_parameters(filterset_class),
        )
    return known[2]


def _inert(filter_: Filter) -> bool:
    """Whether ``filter_`` leaves a queryset untouched, and valid, when its parameter is not
    sent (see ``filters_without_parameters``)."""
    extra = filter_.extra
    known = _django_filters_own(type(filter_)) or type(filter_) in INERT_FILTERS_OF_OURS
    if not known or extra.get("required"):
        return False
    if not INERT_FILTER_KEYWORDS.issuperset(extra):
        return False
    if callable(extra.get("queryset")) or callable(extra.get("choices")):
        return False  # called as the form is made, with the request: it may refuse it
    widget = extra.get("widget")
    if widget is None:
        return True
    widget_class = widget if isinstance(widget, type) else type(widget)
    if _django_filters_own(widget_class):
        return True  # django-filter's widgets read an absent parameter as None
    # Django's base widget reads ``data.get(name)`` (None), its choice widgets that or
    # ``getlist`` ([]); others read absence as they like (``CheckboxInput`` as ``False``).
    reads_with = defined_in(widget_class, "value_from_datadict")
    return reads_with in (forms.Widget, forms.widgets.ChoiceWidget)


#: An RFC 3339 date-time (RFC 3339 §5.6): a full date, "T", a time with seconds and any
#: fraction, and "Z" or a numeric offset, in ASCII digits. The section's note allows "t" and
#: "z"; the space it lets applications put for "T" is what a "+" unencoded in a query string
#: becomes, so it is not read.
RFC3339_DATE_TIME = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt](?P<time>[0-9]{2}:[0-9]{2}:[0-9]{2})"
    r"(?:\.(?P<fraction>[0-9]+))?(?P<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})"
)


class RFC3339DateTimeField(IsoDateTimeField):
    """django-filter's ISO 8601 date-time field, reading RFC 3339 date-times only.

    ISO 8601 also has a date alone, a time without an offset (which the server would read in
    its own zone), the basic format (``20261206T211448Z``), week dates and, through Python's
    parser, digits of other scripts: each is invalid here, not read as a moment the client may
    not have meant. A fraction finer than a microsecond is cut to one; a leap second (``:60``),
    which Python's datetimes cannot hold, is invalid.
    """

    def to_python(self, value: Any) -> datetime | None:
        """The moment, aware of its offset; ``None`` for nothing sent."""
        if isinstance(value, str) and value.strip():
            match = RFC3339_DATE_TIME.fullmatch(value.strip())
            if match is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            fraction = match["fraction"]
            offset = match["offset"]
            value = "{}T{}{}{}".format(
                match["date"],
                match["time"],
                f".{fraction[:6]}" if fraction else "",
                "+00:00" if offset in ("Z", "z") else offset,
            )
        parsed: datetime | None = super().to_python(value)
        return parsed


class RFC3339DateTimeFilter(django_filters_drf.IsoDateTimeFilter):
    """django-filter's ``IsoDateTimeFilter``, reading its value with ``RFC3339DateTimeField``.

    Like django-filter's own filters, it filters nothing when its parameter is not sent, so a
    detail request still skips the filterset (``filters_without_parameters``).
    """

    field_class = RFC3339DateTimeField


#: The library's own filter classes, which leave a queryset untouched when their parameter is
#: not sent, as django-filter's do (a subclass of one of them is a class of one's own).
INERT_FILTERS_OF_OURS: frozenset[type[Filter]] = frozenset({RFC3339DateTimeFilter})


def _django_filters_own(cls: type) -> bool:
    return cls.__module__.startswith("django_filters.")


def in_utc(form: forms.Form) -> dict[str, list[ErrorDetail]]:
    """The form's date-times moved to UTC, as databases compare them; the parameters whose
    moment has no UTC date-time (before year 1), as errors.

    A valid RFC 3339 offset may be one a database refuses (PostgreSQL takes at most 15:59:59:
    ``+17:12`` was a 500); the same moment in UTC is one every database takes.
    """
    errors: dict[str, list[ErrorDetail]] = {}
    for name, value in list(form.cleaned_data.items()):
        try:
            form.cleaned_data[name] = _utc(value)
        except OverflowError:
            sent = form.data.get(name, "")
            errors[name] = [ErrorDetail(NOT_READABLE % {"value": sent}, code="invalid")]
    return errors


def _utc(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(dt_timezone.utc)
    if isinstance(value, slice):  # a range's bounds
        return slice(_utc(value.start), _utc(value.stop), value.step)
    return value


def parameter_names(name: str, widget: forms.Widget) -> list[str]:
    """The query parameters a filter named ``name`` reads through its form ``widget``: a range
    reads one per bound (``price_min``, ``price_max``), a query array its name with ``[]`` too
    (``ids[]``)."""
    if isinstance(widget, QueryArrayWidget):
        return [name, f"{name}[]"]
    if isinstance(widget, SuffixedMultiWidget):
        return [widget.suffixed(name, suffix) for suffix in widget.suffixes]
    if isinstance(widget, forms.MultiWidget):
        return [f"{name}{suffix}" for suffix in getattr(widget, "widgets_names", ())]
    return [name]


def filterset_parameters(filterset: FilterSet) -> list[str]:
    """Every query parameter the filterset reads."""
    return [
        parameter
        for name, field in filterset.form.fields.items()
        for parameter in parameter_names(name, field.widget)
    ]


def repeatable_parameters(filterset: FilterSet) -> list[str]:
    """The query parameters a filterset reads every value of: those whose widget reads a list
    (Django's multiple-selection widgets, ``CheckboxSelectMultiple`` among them; django-filter's
    ``QueryArrayWidget``)."""
    return [
        parameter
        for name, field in filterset.form.fields.items()
        if getattr(field.widget, "allow_multiple_selected", False)
        or isinstance(field.widget, (forms.MultipleHiddenInput, QueryArrayWidget))
        for parameter in parameter_names(name, field.widget)
    ]


def filterset_errors(filterset: FilterSet) -> dict[str, list[ErrorDetail]]:
    """The filterset's errors by the query parameter the client sent, empty when it is valid."""
    form = filterset.form
    form.is_valid()
    data = form.data
    errors: dict[str, list[ErrorDetail]] = {}
    for name, failures in form.errors.as_data().items():
        messages = [ErrorDetail(m, code=e.code) for e in failures for m in e.messages]
        if name == NON_FIELD_ERRORS:
            # The form's own check (a FilterSet's clean()): about the parameters it was sent.
            every = filterset_parameters(filterset)
            sent = [p for p in every if data.get(p)]
            for parameter in sent or every:
                errors.setdefault(parameter, []).extend(messages)
            continue
        field = form.fields[name]
        for parameter, found in _bound_errors(name, field, data, messages).items():
            errors.setdefault(parameter, []).extend(found)
    for name, field in form.fields.items():
        if name not in form.errors and not isinstance(field.widget, forms.MultiWidget):
            unreadable = _unreadable(name, field.widget, data)
            if unreadable is not None:
                errors[name] = [unreadable]
    return errors


def _bound_errors(
    name: str, field: forms.Field, data: Any, messages: list[ErrorDetail]
) -> dict[str, list[ErrorDetail]]:
    """A field's errors by parameter: a range's bounds checked one by one, so that the error
    names the bound that is wrong (``price_max``), not the filter."""
    parameters = parameter_names(name, field.widget)
    if len(parameters) == 1:
        return {name: messages}
    errors: dict[str, list[ErrorDetail]] = {}
    if isinstance(field, forms.MultiValueField):
        for parameter, bound in zip(parameters, field.fields, strict=False):
            try:
                bound.clean(data.get(parameter))
            except forms.ValidationError as exc:
                errors[parameter] = [ErrorDetail(m, code=exc.code) for m in exc.messages]
    if errors:
        return errors
    # The bounds are valid apiece; together they are not (the field's own check).
    sent = [p for p in parameters if data.get(p)]
    return dict.fromkeys(sent or parameters, messages)


def _unreadable(name: str, widget: forms.Widget, data: Any) -> ErrorDetail | None:
    """The error of a value sent that the widget reads as nothing (django-filter's
    ``BooleanWidget`` reads ``maybe`` so): the filter would be silently skipped."""
    value = data.get(name)
    if not value or widget.value_from_datadict(data, MultiValueDict(), name) is not None:
        return None
    choices = [str(key) for key, _label in getattr(widget, "choices", ()) if key not in ("", None)]
    if choices:
        message = str(NOT_ACCEPTED % {"value": value, "choices": ", ".join(choices)})
        code = "invalid_choice"
    else:
        message, code = str(NOT_READABLE % {"value": value}), "invalid"
    error: ErrorDetail = ErrorDetail(message, code=code)
    return error
