"""The catalog of problem types: those of DRF's own exceptions, and every type a permission
class or a ``ProblemException`` subclass declares."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from . import permissions
from .exceptions import declared_problem_types
from .problems import ProblemType

__all__ = ["problem_types"]

#: The types no class of ours declares: DRF's exceptions (whose classes are DRF's) and the
#: generic 500. A permission's code is declared by its class (``title``, ``meaning``, ``advice``).
BUILT_IN: tuple[ProblemType, ...] = (
    ProblemType(
        "invalid",
        400,
        _("Invalid input"),
        _(
            "One or more members of the request content are invalid; `errors` lists each one "
            "with a JSON Pointer to it and a stable code."
        ),
        _("Correct the members that `errors` points at and send the request again."),
    ),
    ProblemType(
        "parse_error",
        400,
        _("Malformed request content"),
        _("The request content could not be parsed in the format its Content-Type names."),
        _("Send well-formed content (for JSON, a valid JSON document)."),
    ),
    ProblemType(
        "bad_request",
        400,
        _("Bad request"),
        _("The request could not be understood."),
        _("Check the request line and headers before trying again."),
    ),
    ProblemType(
        "not_authenticated",
        401,
        _("Authentication required"),
        _("The request carries no credentials and the resource requires them."),
        _("Authenticate with one of the schemes the WWW-Authenticate header lists."),
    ),
    ProblemType(
        "authentication_failed",
        401,
        _("Authentication failed"),
        _("The credentials sent are wrong, unknown or expired."),
        _("Obtain valid credentials for the scheme named in WWW-Authenticate and retry."),
    ),
    ProblemType(
        "permission_denied",
        403,
        _("Permission denied"),
        _("The client is authenticated but is not allowed to do this."),
        _("Do not repeat the request with the same credentials; ask for access."),
    ),
    ProblemType(
        "csrf_failed",
        403,
        _("CSRF verification failed"),
        _("A session-authenticated unsafe request did not carry a valid CSRF token."),
        _("Send the CSRF token in the X-CSRFToken header along with the session cookie."),
    ),
    ProblemType(
        "not_found",
        404,
        _("Not found"),
        _("There is no resource at this URL, or none that the client may know about."),
        _("Check the URL or identifier."),
    ),
    ProblemType(
        "method_not_allowed",
        405,
        _("Method not allowed"),
        _("The resource does not support this method."),
        _("Use one of the methods listed in the Allow header."),
    ),
    ProblemType(
        "not_acceptable",
        406,
        _("Not acceptable"),
        _("No representation matches the request's Accept header."),
        _("Accept application/json (or another format the API offers)."),
    ),
    ProblemType(
        "unsupported_media_type",
        415,
        _("Unsupported media type"),
        _("The request content is in a format the resource does not accept."),
        _("Send the content as application/json (or another format the API accepts)."),
    ),
    ProblemType(
        "throttled",
        429,
        _("Too many requests"),
        _("The client sent too many requests in a given amount of time."),
        _("Wait for the number of seconds in Retry-After before retrying."),
    ),
    ProblemType(
        "server_error",
        500,
        _("Internal server error"),
        _("The server met an unexpected condition. It has been logged."),
        _("Retry later; if it persists, report the request_id to the API's operators."),
    ),
)

_catalog: dict[str, ProblemType] = {}
#: What the catalog was made from: a class declared since, one that took another's code (a
#: subclass redeclaring it) or one taken out makes it anew.
_declared_seen: list[tuple[int, ...]] = [()]


def problem_types() -> dict[str, ProblemType]:
    """Every problem type, by code; a class declared since the last call is in it too."""
    refusing = permissions.declared_problem_types()
    raising = declared_problem_types()
    declared = (refusing.changes, raising.changes, len(refusing), len(raising))
    if declared != _declared_seen[0]:
        catalog = {t.code: t for t in BUILT_IN}
        catalog.update({code: cls.problem_type() for code, cls in refusing.items()})
        catalog.update({code: cls.problem_type() for code, cls in raising.items()})
        _catalog.clear()
        _catalog.update(catalog)
        _declared_seen[0] = declared
    return _catalog
