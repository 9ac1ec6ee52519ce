"""Views that fail in the ways an API can fail."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tests.testapp.models import Label

SECRET = "s3cr3t-connection-string-postgres://admin:hunter2@db"


class Boom(APIView):
    """An unexpected error whose message holds something that must never reach a client."""

    permission_classes = [AllowAny]

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise RuntimeError(SECRET)


class WriteThenFail(APIView):
    """Writes a row, then fails: the row must not survive."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        Label.objects.create(name=str(request.data.get("name", "written")))
        raise RuntimeError("after the write")
