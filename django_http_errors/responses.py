"""A problem as a plain Django response, where no DRF view answers: what Django's error
handlers (``views``) and the middleware answer with."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse

from .assembly import NOT_ACCEPTABLE, as_api_exception, build_problem, headers_without_content
from .http_names import CONTENT_TYPE
from .media_types import problem_media_type

__all__ = ["problem_response"]


def problem_response(request: HttpRequest, exc: Exception | None) -> HttpResponse:
    """``exc`` as a problem response, outside DRF: the DRF handler's mapping and body."""
    problem, headers = build_problem(as_api_exception(exc) if exc else None, request)
    media_type = problem_media_type(request.META.get("HTTP_ACCEPT"))
    if media_type is None:
        response = HttpResponse(status=NOT_ACCEPTABLE)
        del response[CONTENT_TYPE]
        headers = headers_without_content(headers)
    else:
        body = json.dumps(problem.as_dict(), cls=DjangoJSONEncoder, separators=(",", ":"))
        response = HttpResponse(body, status=problem.status, content_type=media_type)
    for name, value in headers.items():
        response[name] = value
    return response
