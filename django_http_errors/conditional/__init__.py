"""Conditional requests (RFC 9110 §13): the pure evaluation, importable without Django.

The parts, from the pure core up: ``dates`` (HTTP-dates), ``preconditions`` (the kinds and
their §13.2.2 evaluation), ``validators`` (ETag and Last-Modified of a model object or a list),
``reads`` (a read's decision and its 304), ``swaps`` (a write's compare-and-swap), ``answers``
(the headers an answer carries), and ``mixin`` (``ConditionalUpdateMixin``, the DRF wiring
over them). Only the pure names are imported here: a view imports the mixin from
``django_http_errors.mixins``.
"""

from __future__ import annotations

from django_http_errors.http_names import (
    ETAG,
    GUARDED_METHODS,
    IF_MATCH,
    IF_MODIFIED_SINCE,
    IF_NONE_MATCH,
    IF_UNMODIFIED_SINCE,
    LAST_MODIFIED,
    READ_METHODS,
)

from .dates import format_http_date, last_modified_to_send, parse_http_date, validator_second
from .preconditions import PRECONDITIONS, Outcome, Precondition, Preconditions, evaluate

__all__ = [
    "ETAG",
    "GUARDED_METHODS",
    "IF_MATCH",
    "IF_MODIFIED_SINCE",
    "IF_NONE_MATCH",
    "IF_UNMODIFIED_SINCE",
    "LAST_MODIFIED",
    "PRECONDITIONS",
    "READ_METHODS",
    "Outcome",
    "Precondition",
    "Preconditions",
    "evaluate",
    "format_http_date",
    "last_modified_to_send",
    "parse_http_date",
    "validator_second",
]
