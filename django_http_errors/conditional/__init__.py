"""Conditional requests (RFC 9110 §13): the pure evaluation, importable without Django.

The parts, from the pure core up: ``dates`` (the second a validator stands for),
``preconditions`` (the kinds and their §13.2.2 evaluation), ``targets`` (what they are
evaluated against), ``validators`` (ETag and Last-Modified of a model object or a list),
``decisions`` (a read's, a list's and a create's, and the 304), ``swaps`` (a write's
compare-and-swap), ``answers`` (the headers a success carries), ``blind_writes`` (the
``"report"`` mode). Over them, ``ConditionalUpdateMixin`` (``mixin``) is DRF hook wiring in
three short classes: ``view_validators``, ``view_preconditions``, ``view_writes``. Only the
pure names are imported here: a view imports the mixin from ``django_http_errors.mixins``.
"""

from __future__ import annotations

from django_http_errors.http_dates import format_http_date, parse_http_date

# The header names are importable from here as before ``http_names``, for the modules that
# still do.
from django_http_errors.http_names import ETAG as ETAG
from django_http_errors.http_names import GUARDED_METHODS, READ_METHODS
from django_http_errors.http_names import IF_MATCH as IF_MATCH
from django_http_errors.http_names import IF_MODIFIED_SINCE as IF_MODIFIED_SINCE
from django_http_errors.http_names import IF_NONE_MATCH as IF_NONE_MATCH
from django_http_errors.http_names import IF_UNMODIFIED_SINCE as IF_UNMODIFIED_SINCE
from django_http_errors.http_names import LAST_MODIFIED as LAST_MODIFIED

from .dates import last_modified_to_send, validator_second
from .preconditions import PRECONDITIONS, Outcome, Precondition, Preconditions, evaluate
from .targets import Target, target_of

__all__ = [
    "GUARDED_METHODS",
    "PRECONDITIONS",
    "READ_METHODS",
    "Outcome",
    "Precondition",
    "Preconditions",
    "Target",
    "evaluate",
    "format_http_date",
    "last_modified_to_send",
    "parse_http_date",
    "target_of",
    "validator_second",
]
