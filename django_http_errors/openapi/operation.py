"""One operation completed with what the runtime declares: the request headers its view reads,
the problem of every error status it can answer, the response headers, anonymous access.

``complete_operation`` works on any ``AutoSchema``'s rendered operation: ``ProblemAutoSchema``
calls it as it renders one, the postprocessing hook for every other schema class.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.plumbing import build_parameter_type, force_instance
from drf_spectacular.settings import spectacular_settings
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.mixins import CreateModelMixin
from rest_framework.settings import api_settings

from ..adoption import DRFErrorsMixin
from ..compat import keeps_drf_members
from ..conf import request_id_header
from ..exceptions import InvalidQueryParameters
from ..handlers import JSON
from ..http_names import ETAG, LAST_MODIFIED, LOCATION, RETRY_AFTER, WWW_AUTHENTICATE
from ..permissions import RefusalLevel
from ..problems import PROBLEM_JSON, reason_phrase
from .components import (
    DRF_ERROR_COMPONENT,
    DRF_ERROR_SCHEMA,
    DRF_MEMBERS_COMPONENT,
    DRF_MEMBERS_SCHEMA,
    Components,
    ProblemComponent,
    coded_schema,
    problem_components,
)
from .facts import OperationFacts
from .statuses import ALWAYS_PROBLEMS, error_statuses, forbidden_codes

__all__ = ["complete_operation"]

#: What drf-spectacular writes, translated by its own catalog, for a response declared
#: without a body.
_NO_BODY = "No response body"

#: The members drf-spectacular writes before an operation's parameters.
_BEFORE_PARAMETERS = ("operationId", "description", "summary", "externalDocs")
#: The headers of DRF's own problems, which cannot declare them: a 401 MUST carry a challenge;
#: a 429 says how long to wait.
_DRF_PROBLEM_HEADERS = {401: (WWW_AUTHENTICATE,), 429: (RETRY_AFTER,)}

#: The response header fields we document: what each says, and whether it is always sent.
_RESPONSE_HEADERS: dict[str, tuple[Any, bool]] = {
    # RFC 9110 §15.3.2: a 201 names the created resource.
    LOCATION: (_("The URL of the created resource."), True),
    ETAG: (_("The entity tag of the representation: send it in If-Match to change it."), True),
    LAST_MODIFIED: (
        _("When the resource last changed, to the second; withheld while that second runs."),
        False,
    ),
    WWW_AUTHENTICATE: (_("The challenges of the schemes to retry with."), True),
    RETRY_AFTER: (_("Seconds to wait before retrying."), False),
}
#: The request id's header is named by the REQUEST_ID_HEADER setting.
_REQUEST_ID_HEADER = (_("The request's correlation id, also in problems and in the logs."), True)


def complete_operation(schema: Any, operation: dict[str, Any], components: Components) -> None:
    """Add to ``operation`` (rendered by ``schema``, any ``AutoSchema`` positioned on it) what
    the view declares; ``extend_schema`` declarations already in it stand."""
    facts = OperationFacts(schema, operation)
    _add_parameters(facts, operation)
    _allow_anonymous(facts, operation)
    responses = operation["responses"]
    for status in error_statuses(facts):
        given = responses.get(str(status))
        if given is None:
            responses[str(status)] = _error_response(facts, status, components)
        elif status != 304 and "content" not in given:
            # An error declared through extend_schema without a body still has a problem
            # body: every error of the API is one.
            _give_problem_body(facts, status, given, components)
    for code, given in responses.items():
        if int(code) >= 400 and "content" not in given:
            _give_problem_body(facts, int(code), given, components)
        headers = {**_response_headers(facts, int(code), components), **given.get("headers", {})}
        if headers:
            given["headers"] = headers
    operation["responses"] = dict(sorted(responses.items()))


def _add_parameters(facts: OperationFacts, operation: dict[str, Any]) -> None:
    """The request headers the view describes, unless ``extend_schema`` declares them."""
    parameters = operation.get("parameters", [])
    present = {(p["name"], p["in"]) for p in parameters}
    for parameter in facts.description.parameters:
        if (parameter.name, "header") in present:
            continue
        schema = {"type": "string"}
        if parameter.pattern is not None:
            schema["pattern"] = parameter.pattern
        parameters.append(
            build_parameter_type(
                parameter.name,
                schema,
                "header",
                required=parameter.required,
                description=gettext(parameter.description),
            )
        )
    # In the order drf-spectacular gives its own.
    order = spectacular_settings.SORT_OPERATION_PARAMETERS
    if callable(order):
        parameters.sort(key=order)
    elif order:
        parameters.sort(key=lambda p: p["name"])
    if parameters and "parameters" not in operation:
        # Where drf-spectacular puts them: after the words, before the tags and the body.
        rest = {k: operation.pop(k) for k in list(operation) if k not in _BEFORE_PARAMETERS}
        operation.update(parameters=parameters, **rest)


def _allow_anonymous(facts: OperationFacts, operation: dict[str, Any]) -> None:
    """``{}`` among the security requirements where anonymous requests pass."""
    security = operation.get("security")
    refused = any(r.anonymous and r.level is RefusalLevel.VIEW for r in facts.refusals)
    if security and {} not in security and not refused:
        security.append({})


def _give_problem_body(
    facts: OperationFacts, status: int, given: dict[str, Any], components: Components
) -> None:
    """A problem body for an error declared without one; its description, unless it is
    drf-spectacular's "No response body", which would contradict it."""
    description = given["description"]
    given.update(_error_response(facts, status, components))
    if description and str(description) != gettext(_NO_BODY):
        given["description"] = description


def _error_response(facts: OperationFacts, status: int, components: Components) -> dict[str, Any]:
    """The response object of a status the operation can answer besides its own: the 304, a
    problem; DRF's body with the problem members beside it where the view keeps DRF's
    (``drf_error_members``); DRF's body alone where it answers with DRF's handler."""
    if status == 304:
        return {"description": str(_("Not Modified: the representation you hold is current."))}
    view = facts.view
    if isinstance(view, DRFErrorsMixin):
        ref = components.schema(DRF_ERROR_COMPONENT, DRF_ERROR_SCHEMA)
        return {"description": reason_phrase(status), "content": {JSON: {"schema": ref}}}
    if keeps_drf_members(view):
        ref = components.schema(DRF_MEMBERS_COMPONENT, DRF_MEMBERS_SCHEMA)
        return {"description": reason_phrase(status), "content": {JSON: {"schema": ref}}}
    codes = forbidden_codes(facts) if status == 403 else []
    if codes:
        # Permissions and the CSRF check say their codes: a client can tell which rule refused.
        schema = coded_schema(components, status, codes)
    else:
        schema = _problem_component(facts, status).add_to(components)
    return {"description": reason_phrase(status), "content": {PROBLEM_JSON: {"schema": schema}}}


def _problem_component(facts: OperationFacts, status: int) -> ProblemComponent:
    """The component of a status's problems: of the first code with members of its own, among
    a list's query errors, DRF's invalid content, what the view describes, and the one type
    declared for the status; else the status's own (``ProblemComponent.of_status``)."""
    by_code = problem_components()
    codes = []
    if status == 400:
        if 400 in facts.query_error_statuses:
            codes.append(str(InvalidQueryParameters.default_code))
        codes.append(str(ValidationError.default_code))
    codes += [str(p.default_code) for p in facts.description.problems if p.status_code == status]
    declared = [code for code, c in by_code.items() if c.status == status]
    codes += declared if len(declared) == 1 else []
    for code in codes:
        if code in by_code:
            return by_code[code]
    return ProblemComponent.of_status(status)


def _response_headers(
    facts: OperationFacts, status: int, components: Components
) -> dict[str, dict[str, str]]:
    """The header fields a response with ``status`` carries: references to components."""
    names = []
    request_id = request_id_header()
    if request_id is not None:
        names.append(request_id)
    if status == 201 and _names_created_resource(facts):
        names.append(LOCATION)
    description = facts.description
    names += [header.name for header in description.response_headers if status in header.statuses]
    names += _DRF_PROBLEM_HEADERS.get(status, ())
    problems: tuple[type[APIException], ...] = (*ALWAYS_PROBLEMS, *description.problems)
    for problem in problems:
        if problem.status_code == status:
            names += getattr(problem, "header_names", ())
    return {name: _header(name, request_id, components) for name in dict.fromkeys(names)}


def _header(name: str, request_id: str | None, components: Components) -> dict[str, str]:
    default = _REQUEST_ID_HEADER if name == request_id else (_("A header of this answer."), False)
    description, required = _RESPONSE_HEADERS.get(name, default)
    schema = {"schema": {"type": "string"}, "description": str(description), "required": required}
    return components.header(name, schema)


def _names_created_resource(facts: OperationFacts) -> bool:
    """Whether a 201 carries ``Location``: DRF's create adds it from a ``url`` field."""
    view = facts.view
    if not facts.creates or not isinstance(view, CreateModelMixin):
        return False
    if type(view).get_success_headers is not CreateModelMixin.get_success_headers:
        # The view names the created resource itself, as the demo does.
        return True
    serializer = facts.schema.get_response_serializers()
    fields = getattr(force_instance(serializer), "fields", {})
    return api_settings.URL_FIELD_NAME in fields
