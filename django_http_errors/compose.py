"""Beside an existing exception handler: the answer it built, turned into a problem.

A project that has a handler of its own (logging, error codes, request ids) keeps it and passes
its answer through ``to_problem``; the status it chose, the headers it set and the members it
added stay.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from rest_framework import exceptions
from rest_framework.response import Response

from .assembly import as_api_exception
from .handlers import exception_handler
from .http_names import CONTENT_LANGUAGE, CONTENT_LENGTH, CONTENT_TYPE
from .problems import reason_phrase

__all__ = ["PROBLEM_MEMBERS", "to_problem"]

#: The members a problem answers for itself: RFC 9457's own and this library's ``code`` and
#: ``errors``. A handler's member of one of these names is dropped; every other one is kept.
PROBLEM_MEMBERS: Final = frozenset(
    {"type", "title", "status", "detail", "instance", "code", "errors"}
)
#: The header fields that describe the body, which the problem replaces.
_BODY_HEADERS: Final = frozenset(
    name.lower() for name in (CONTENT_TYPE, CONTENT_LENGTH, CONTENT_LANGUAGE)
)


def to_problem(
    exc: Exception, response: Response | None, context: dict[str, Any]
) -> Response | None:
    """The answer another handler gave for ``exc``, as an RFC 9457 problem (RFC 9457 §3).

    ``response`` is what that handler returned (``None``: it did not handle ``exc``, and this
    library's handler answers, a 500 for an unexpected error). Its status is kept; where it is
    the exception's own, the problem is exactly the one this library's handler gives (so the
    403 DRF forces on an unauthenticated request is 401 here, as everywhere). The headers it
    set are kept but for those the problem sets itself (``WWW-Authenticate``, ``Retry-After``)
    and those of the body; the members it added to DRF's body are kept as extension members,
    replacing the library's of the same name (``request_id``), but for the problem's own
    (``PROBLEM_MEMBERS``). Use it in a handler of your own::

        def problem_handler(exc, context):
            return to_problem(exc, my_handler(exc, context), context)
    """
    if response is None:
        return exception_handler(exc, context)
    answered = _answered(exc, response)
    problem = exception_handler(answered, context)
    if problem is None:  # TECHNICAL_500_IN_DEBUG: Django's debug page, not the handler's body
        return response
    own = {name.lower() for name in problem.headers}
    for name, value in response.items():
        if name.lower() not in own | _BODY_HEADERS:
            problem[name] = value
    members = handler_members(answered, getattr(response, "data", None))
    if members and isinstance(problem.data, dict):
        problem.data = {**problem.data, **members}
    return problem


def _answered(exc: Exception, response: Response) -> exceptions.APIException:
    """The exception the problem describes: ``exc`` where the handler answered with its own
    status, else one of the handler's status, with its ``detail`` where it gave one."""
    status = response.status_code
    api = _as_raised(as_api_exception(exc))
    if api is not None and api.status_code == status:
        return api
    if isinstance(api, exceptions.ValidationError):
        # A 422 of a project's: the same errors, under its status.
        invalid = copy.copy(api)
        invalid.status_code = status
        return invalid
    data = getattr(response, "data", None)
    given = data.get("detail") if isinstance(data, dict) else None
    if isinstance(given, str):
        detail: Any = given
    elif api is not None and isinstance(api.detail, str):
        detail = api.detail
    else:
        detail = reason_phrase(status)
    code = api.get_codes() if api is not None else None
    answered = exceptions.APIException(detail, code if isinstance(code, str) else None)
    # The type of a code is the type of its status: another status is about:blank.
    answered.status_code = status
    return answered


def _as_raised(exc: exceptions.APIException | None) -> exceptions.APIException | None:
    """``exc`` without the members a handler added to its detail.

    DRF's handler answers a validation error with its ``detail`` itself, so a handler that adds
    a member to its answer adds it to the exception. DRF makes every message of a raised
    ``ValidationError`` an ``ErrorDetail``; a member that holds none is the handler's.
    """
    if not (isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict)):
        return exc
    # Keyed by field names, or by the indexes of a list's items: as DRF keyed the detail.
    raised: dict[Any, Any] = {
        name: value for name, value in exc.detail.items() if _is_error_detail(value)
    }
    if len(raised) == len(exc.detail):
        return exc
    cleaned = copy.copy(exc)
    cleaned.detail = raised
    return cleaned


def _is_error_detail(value: Any) -> bool:
    if isinstance(value, exceptions.ErrorDetail):
        return True
    if isinstance(value, dict):
        return all(_is_error_detail(member) for member in value.values())
    if isinstance(value, list):
        return all(_is_error_detail(member) for member in value)
    return False


def handler_members(exc: exceptions.APIException, data: Any) -> dict[str, Any]:
    """The members a handler added to DRF's body for ``exc``: neither DRF's own (``detail``, or
    the fields of a validation error) nor a problem's."""
    if not isinstance(data, dict):
        return {}
    drfs = set(exc.detail) if isinstance(exc.detail, dict) else {"detail"}
    return {
        name: value
        for name, value in data.items()
        if name not in drfs and name not in PROBLEM_MEMBERS
    }
