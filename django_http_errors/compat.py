"""Old clients during a migration: DRF's own error members beside the problem's.

A client written for DRF reads ``{"detail": "..."}`` or ``{"<field>": ["..."]}``; a view that
keeps them (``drf_error_members``, or the ``DRF_ERROR_MEMBERS`` setting) answers DRF's body with
every problem member whose name it does not use, as ``application/json``: the body is not a
problem where a field is named like a problem member (``title``), and old clients check for
that media type.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import APIException

from .conf import get_settings

__all__ = ["drf_body", "keeps_drf_members", "with_drf_members"]


def keeps_drf_members(view: Any) -> bool:
    """Whether ``view`` answers DRF's members beside the problem's: its ``drf_error_members``,
    else the ``DRF_ERROR_MEMBERS`` setting."""
    given = getattr(view, "drf_error_members", None)
    if given is None:
        return get_settings().DRF_ERROR_MEMBERS
    return bool(given)


def drf_body(exc: APIException | None) -> Any:
    """The body DRF's own handler answers ``exc`` with; ``None`` where it answers none (an
    unexpected error, which DRF leaves to Django's 500 page)."""
    if exc is None:
        return None
    if isinstance(exc.detail, (list, dict)):
        return exc.detail
    return {"detail": exc.detail}


def with_drf_members(problem: dict[str, Any], exc: APIException | None) -> Any:
    """DRF's body for ``exc``, then the members of ``problem`` it does not name.

    DRF's members come first and win: an old client finds each where it always did. A list
    (content invalid as a whole: ``ValidationError(["..."])``) stays the list DRF answers, as
    nothing can go beside it.
    """
    drfs = drf_body(exc)
    if drfs is None:
        return problem
    if not isinstance(drfs, dict):
        return drfs
    return {**drfs, **{name: value for name, value in problem.items() if name not in drfs}}
