"""Views that adopt problems one at a time, or keep DRF's bodies (tests/test_adoption.py)."""

from __future__ import annotations

import logging
from typing import Any

from django.urls import path
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from django_http_errors.adoption import (
    DRFErrorsMixin,
    ProblemDetailsMixin,
    drf_errors,
    problem_details,
)

MISSING = "No such thing."


class ThingSerializer(serializers.Serializer[Any]):
    """A field named like a problem member (``title``) and one that is not (``count``)."""

    title = serializers.CharField()
    count = serializers.IntegerField(min_value=1)


class _Things(APIView):
    """GET: 404; POST: validated; ``secure/``: only for the authenticated."""

    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise NotFound(MISSING)

    def post(self, request: Request) -> Response:
        ThingSerializer(data=request.data).is_valid(raise_exception=True)
        return Response(status=201)


class _SecureThings(_Things):
    permission_classes = [IsAuthenticated]


class ProblemThings(ProblemDetailsMixin, _Things):
    """Problems, whatever EXCEPTION_HANDLER says."""


class SecureProblemThings(ProblemDetailsMixin, _SecureThings):
    """Problems, and a 401 where DRF would answer 403."""


class DRFThings(DRFErrorsMixin, _Things):
    """DRF's bodies, whatever EXCEPTION_HANDLER says."""


class CompatThings(ProblemDetailsMixin, _Things):
    """Problems with DRF's members beside them."""

    drf_error_members = True


@problem_details
@api_view(["GET", "POST"])
@permission_classes([AllowAny])
def problem_things(request: Request) -> Response:
    """A function view that answers problems."""
    return _thing(request)


@drf_errors
@api_view(["GET", "POST"])
@permission_classes([AllowAny])
def drf_things(request: Request) -> Response:
    """A function view that keeps DRF's bodies."""
    return _thing(request)


@api_view(["GET", "POST"])
@permission_classes([AllowAny])
def things(request: Request) -> Response:
    """A function view as it was: the project's handler answers."""
    return _thing(request)


def _thing(request: Request) -> Response:
    if request.method == "GET":
        raise NotFound(MISSING)
    ThingSerializer(data=request.data).is_valid(raise_exception=True)
    return Response(status=201)


# A project's own handler: logs, adds a member and a header, as existing APIs do.

logger = logging.getLogger("tests.project_handler")
ERROR_HEADER = "X-Error-Handler"


def project_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus ``error_code``, ``request_id`` and a header; logs each error."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    logger.warning("handled %s", type(exc).__name__)
    if isinstance(response.data, dict):
        response.data["error_code"] = f"E{response.status_code}"
        response.data["request_id"] = "project-id"
    response[ERROR_HEADER] = "project"
    return response


urlpatterns = [
    path("problems/", ProblemThings.as_view()),
    path("problems/secure/", SecureProblemThings.as_view()),
    path("problems/function/", problem_things),
    path("problems/wrapped/", problem_details(_Things.as_view())),
    path("problems/wrapped/compat/", problem_details(drf_error_members=True)(_Things.as_view())),
    path("compat/", CompatThings.as_view()),
    path("drf/", DRFThings.as_view()),
    path("drf/function/", drf_things),
    path("as-it-was/", _Things.as_view()),
    path("as-it-was/secure/", _SecureThings.as_view()),
    path("as-it-was/function/", things),
]
