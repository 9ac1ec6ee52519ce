"""Views that fail in the ways an API can fail."""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable
from typing import Any

import httpx
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_slug
from django.db import DatabaseError
from django.db.models import RestrictedError
from django.http import Http404, HttpRequest, HttpResponse
from rest_framework import generics, serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer, TemplateHTMLRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from django_http_errors.exceptions import BadGateway
from django_http_errors.throttling import ThrottledBasicAuthentication
from tests.testapp.models import Book, Label, Post, Shelf

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


# Errors of every kind, for the exception handler's tests (tests/test_handlers.py).


class Raise(APIView):
    """Raises the exception named in the URL (``RAISED``), inside a DRF view."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def get(self, request: Request, name: str) -> Response:
        raise RAISED[name]()


def _full_clean() -> None:
    Label(name="").full_clean()


def _delete_protected_post() -> None:
    post = Post.objects.create(title="Labelled", owner=User.objects.create(username="o"))
    Label.objects.create(name="protects", post=post)
    post.delete()


# The database's own constraints, broken by the view's own writes. In autocommit each statement
# commits, so a foreign key that PostgreSQL and SQLite check at commit refuses at the statement.


def _create_post_without_owner() -> None:
    # The view's own bug: it makes a row without its owner (NOT NULL).
    Post.objects.create(title="Nobody's")


def _create_negative_copies() -> None:
    Book.objects.create(title="Oversold", copies=-1, shelf=Shelf.objects.create(name="Any"))


def _shelve_on_a_missing_shelf() -> None:
    Book.objects.create(title="Lost", shelf_id=2**31 - 1)


#: Each a callable that raises; the tests name them in ``/test/raise/<name>/``.
RAISED: dict[str, Callable[[], Any]] = {
    "http404": lambda: _raise(Http404("No such label.")),
    "django-permission-denied": lambda: _raise(DjangoPermissionDenied("Labels are read-only.")),
    "full-clean": _full_clean,
    "validator": lambda: validate_slug("not a slug"),
    "protected": _delete_protected_post,
    "restricted": lambda: _raise(RestrictedError("Restricted.", set())),
    "not-null": _create_post_without_owner,
    "check": _create_negative_copies,
    "missing-reference": _shelve_on_a_missing_shelf,
    "database-error": lambda: _raise(DatabaseError(f"syntax error at {SECRET}")),
    "http-connect": lambda: _raise(httpx.ConnectError(f"refused: {SECRET}")),
    "http-timeout": lambda: _raise(httpx.ReadTimeout(f"timed out: {SECRET}")),
    "bad-gateway": lambda: _raise(BadGateway()),
    "recursion": lambda: _raise(RecursionError(SECRET)),
}


def _raise(exc: BaseException) -> None:
    raise exc


class CreateLabel(APIView):
    """Creates a label without validating it: a duplicate name is an IntegrityError."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def post(self, request: Request) -> Response:
        Label.objects.create(name=str(request.data["name"]))
        return Response(status=201)


class GzipJSONParser(JSONParser):
    """JSON that the client may send gzipped: the parser decodes the coding itself."""

    content_encodings = ("gzip",)

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        content = stream.read()
        if content[:2] == b"\x1f\x8b":  # gzip's magic number
            content = gzip.decompress(content)
        return super().parse(io.BytesIO(content), media_type, parser_context)


class CreateGzippedLabel(CreateLabel):
    """Creates a label from JSON, gzipped or not."""

    parser_classes = [GzipJSONParser]


class ThrottledLogin(APIView):
    """Who the Basic credentials name, with failed logins throttled."""

    authentication_classes = [ThrottledBasicAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response({"username": request.user.get_username()})


class DeleteShelf(generics.DestroyAPIView[Shelf]):
    """DRF's destroy of a shelf: its books' DO_NOTHING leaves the refusal to the database."""

    queryset = Shelf.objects.all()
    permission_classes = [AllowAny]
    authentication_classes = []


class WriteThenInvalid(APIView):
    """Writes a row, then fails with an error DRF alone does not know (Django's)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def post(self, request: Request) -> Response:
        Label.objects.create(name=str(request.data.get("name", "written")))
        raise DjangoValidationError("Rejected after the write.", code="rejected")


class ItemSerializer(serializers.Serializer[Any]):
    """One line of an order."""

    name = serializers.CharField(max_length=5)
    quantity = serializers.IntegerField(min_value=1)


class OrderSerializer(serializers.Serializer[Any]):
    """An order: nested lists, a list of scalars and a rule across fields."""

    items = ItemSerializer(many=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=3))
    note = serializers.CharField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("note") == "reject":
            raise serializers.ValidationError("The order as a whole is rejected.")
        return attrs


class Orders(APIView):
    """Validates an order, or a list of items with ``?bulk``."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def post(self, request: Request) -> Response:
        serializer: serializers.BaseSerializer[Any]
        if "bulk" in request.query_params:
            serializer = ItemSerializer(data=request.data, many=True)
        else:
            serializer = OrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


class OncePerDay(AnonRateThrottle):
    """Lets one request a day through, so the second is throttled."""

    scope = "tests-once"
    rate = "1/day"


class Throttled(APIView):
    """Throttled after one request (RFC 6585 §4)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [OncePerDay]

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class HtmlFirst(APIView):
    """HTML is its first renderer: DRF renders a 406 or an unknown format suffix with it."""

    permission_classes = [AllowAny]
    authentication_classes = []
    renderer_classes = [TemplateHTMLRenderer, JSONRenderer]
    template_name = "unused.html"

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class DatabasePing(APIView):
    """Queries the database inside the DRF view (routed with ``non_atomic_requests``)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def get(self, request: Request) -> Response:
        return Response({"labels": Label.objects.count()})


def plain_permission_denied(request: HttpRequest) -> HttpResponse:
    """A plain Django view refusing: Django's ``handler403`` answers."""
    raise DjangoPermissionDenied("Plain views refuse too.")


def plain_missing(request: HttpRequest) -> HttpResponse:
    """A plain Django view whose 404 message names a server path, as ``static.serve`` does."""
    raise Http404(f"“/srv/app/media/{SECRET}” does not exist")


def plain_suspicious(request: HttpRequest) -> HttpResponse:
    """A plain Django view meeting a suspicious request: Django's ``handler400`` answers."""
    raise SuspiciousOperation(f"Suspicious: {SECRET}")


def plain_crash(request: HttpRequest) -> HttpResponse:
    """A plain Django view failing: Django's ``handler500`` answers."""
    raise RuntimeError(SECRET)
