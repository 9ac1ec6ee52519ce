"""Which statuses besides its successes an operation can answer, as DRF and this library's
handler answer them, derived from the view's configuration and what it describes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from rest_framework import authentication, negotiation
from rest_framework.exceptions import APIException

from ..exceptions import ServiceUnavailable
from ..http_names import SAFE_METHODS
from ..permissions import RefusalLevel
from ..throttling import ThrottledBasicAuthentication
from .facts import OperationFacts

__all__ = [
    "ALWAYS",
    "ALWAYS_PROBLEMS",
    "CSRF_FAILED",
    "deletion_can_be_refused",
    "error_statuses",
    "forbidden_codes",
    "has_unique_constraint",
]

#: The problems every operation can give, besides an unexpected error's 500: an unreachable
#: database.
ALWAYS_PROBLEMS: tuple[type[APIException], ...] = (ServiceUnavailable,)
#: The statuses every operation can answer.
ALWAYS = (500, *(problem.status_code for problem in ALWAYS_PROBLEMS))
#: The code of the 403 that SessionAuthentication answers an unsafe request without its CSRF
#: token with: the handler tells it from DRF's generic ``permission_denied``.
CSRF_FAILED = "csrf_failed"


def error_statuses(facts: OperationFacts) -> set[int]:
    """Every status other than the success ones that the view's configuration can give."""
    view = facts.view
    statuses = set(ALWAYS)
    statuses |= {status for status, _ in _refusals(facts)}
    authenticators = list(view.get_authenticators())
    sessions = [a for a in authenticators if isinstance(a, authentication.SessionAuthentication)]
    if len(sessions) < len(authenticators):
        # Credentials of a scheme that takes them in the request can be wrong.
        statuses.add(401)
    if facts.detail or 404 in facts.query_error_statuses:
        statuses.add(404)
    if _negotiates(view, view.get_renderers()):
        statuses.add(406)
    if facts.takes_content:
        statuses.add(400)
        if _negotiates(view, view.get_parsers()):
            statuses.add(415)
    # A list's query string: a malformed or unknown parameter (400), a page past the last.
    statuses |= facts.query_error_statuses
    if view.get_throttles() or any(
        isinstance(a, ThrottledBasicAuthentication) for a in authenticators
    ):
        # A throttle, or failed logins past their rate (before any throttle runs).
        statuses.add(429)
    if conflicts(facts):
        statuses.add(409)
    # What the view's mixins (or the view itself) say they answer: 304, 412, 428, ...
    description = facts.description
    statuses |= description.statuses
    statuses |= {problem.status_code for problem in description.problems}
    return statuses


def forbidden_codes(facts: OperationFacts) -> list[str]:
    """The code of every 403 the operation can answer, in order: its permissions' refusals,
    SessionAuthentication's CSRF refusal, and the 403 problems the view describes."""
    codes = {code for status, code in _refusals(facts) if status == 403}
    codes |= {str(p.default_code) for p in facts.description.problems if p.status_code == 403}
    return sorted(codes)


def _refusals(facts: OperationFacts) -> set[tuple[int, str]]:
    """The status and code of every way the view's permissions, and SessionAuthentication's
    CSRF check, can refuse the operation."""
    authenticators = list(facts.view.get_authenticators())
    found = set()
    for refusal in facts.refusals:
        # Object permissions are checked only where DRF looks up one object.
        if facts.detail or refusal.level is RefusalLevel.VIEW:
            found.add(refusal.answer(authenticates=bool(authenticators)))
    sessions = any(isinstance(a, authentication.SessionAuthentication) for a in authenticators)
    if sessions and facts.method not in SAFE_METHODS:
        # SessionAuthentication refuses an unsafe request without its CSRF token.
        found.add((403, CSRF_FAILED))
    return found


def conflicts(facts: OperationFacts) -> bool:
    """Whether the write can conflict with the stored state (409 ``Conflict``).

    A DELETE, when a PROTECT, RESTRICT or database-only reference can refuse it; a write with
    content, when a unique constraint can refuse it (DRF validates uniqueness first, so only a
    concurrent write gets through to the database's refusal).
    """
    model = facts.model
    if model is None:
        return False
    if facts.method == "DELETE":
        return facts.detail and deletion_can_be_refused(model)
    if facts.method in SAFE_METHODS or not facts.takes_content:
        return False
    return has_unique_constraint(model)


def _negotiates(view: Any, sides: Iterable[Any]) -> bool:
    """Whether DRF's negotiation refuses what none of ``sides`` (renderers: 406, parsers: 415,
    RFC 9110 §15.5.16) takes, unless one takes ``*/*``."""
    return isinstance(
        view.get_content_negotiator(), negotiation.DefaultContentNegotiation
    ) and not any(side.media_type == "*/*" for side in sides)


def deletion_can_be_refused(model: type[models.Model], seen: frozenset[Any] = frozenset()) -> bool:
    """Whether deleting a ``model`` row can be refused because other rows reference it.

    Through the documented ``Options.get_fields()``: a reverse relation whose ``on_delete`` is
    PROTECT or RESTRICT refuses (``ProtectedError``, ``RestrictedError``), one that is
    DO_NOTHING over a database constraint leaves the refusal to the database (an
    ``IntegrityError`` the handler answers with 409 where the database says so); one that
    CASCADEs deletes rows that may be protected in turn.
    """
    for relation in model._meta.get_fields():
        if not (relation.auto_created and not relation.concrete):
            continue
        on_delete = getattr(relation, "on_delete", None)
        if on_delete in (models.PROTECT, models.RESTRICT):
            return True
        constrained = getattr(relation.remote_field, "db_constraint", False)
        if on_delete is models.DO_NOTHING and constrained:
            return True
        related = relation.related_model
        if (
            on_delete is models.CASCADE
            and related is not None
            and related not in seen
            and deletion_can_be_refused(related, seen | {model})
        ):
            return True
    return False


def has_unique_constraint(model: type[models.Model]) -> bool:
    """Whether a write of ``model`` can break a unique constraint besides the primary key."""
    meta = model._meta
    return (
        any(field.unique and not field.primary_key for field in meta.concrete_fields)
        or bool(meta.unique_together)
        or any(isinstance(c, models.UniqueConstraint) for c in meta.constraints)
    )
