"""The existing API's views: a function view and a viewset migrated; an APIView and a viewset
not."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from django_http_errors.adoption import ProblemDetailsMixin, problem_details
from tests.testapp.models import Label


class LabelSerializer(serializers.ModelSerializer[Label]):
    """A label: its name is required and unique."""

    class Meta:
        model = Label
        fields = ["id", "name"]


class LabelViewSet(ProblemDetailsMixin, viewsets.ModelViewSet[Label]):
    """Migrated: its errors are problems (through the project's handler)."""

    queryset = Label.objects.all()
    serializer_class = LabelSerializer


class LegacyLabelViewSet(viewsets.ModelViewSet[Label]):
    """Not migrated: DRF's bodies, from the project's handler."""

    queryset = Label.objects.all()
    serializer_class = LabelSerializer


@problem_details
@api_view(["GET"])
def label_count(request: Request) -> Response:
    """Migrated: a function view."""
    if "of" in request.query_params:
        raise NotFound("No such label group.")
    return Response({"count": Label.objects.count()})


class Report(APIView):
    """Not migrated: an APIView that refuses."""

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise PermissionDenied("Reports are for staff.")
