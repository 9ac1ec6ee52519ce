"""Pins every private behaviour ``django_http_errors.internals`` relies on, against the installed
Django, DRF and drf-spectacular: a release that changes one fails here first."""

from __future__ import annotations

import contextlib
import io
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.db import connection, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.test import RequestFactory
from django.urls import path as django_path
from django.views.generic import View
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from rest_framework import generics, mixins, viewsets
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.exceptions import ParseError, PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from urllib3 import PoolManager

from django_http_errors.internals import (
    NOT_FOUND_MESSAGE,
    SPECTACULAR_FIELD_VALIDATORS,
    answer_in_handlers_place,
    defined_by_drf,
    django_request,
    drfs_generic_get_calls,
    is_csrf_failure,
    language_prefixed_urls,
    not_found,
    on_commit_pending,
    raised_in,
    refusing_headers,
    spectacular_creates,
    spectacular_endpoints,
    spectacular_lists,
    spectacular_paginator,
    watch_connections,
)
from tests.testapp.models import Post


class RolledBack(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_on_commit_pending_until_the_commit_and_dropped_by_a_rollback() -> None:
    """``fields``' claims hold while pending: through a released savepoint, not a rolled-back
    one, and not after the commit."""

    def kept() -> None: ...

    def released() -> None: ...

    def dropped() -> None: ...

    with transaction.atomic():
        transaction.on_commit(kept)
        with transaction.atomic():
            transaction.on_commit(released)
        with contextlib.suppress(RolledBack), transaction.atomic():
            transaction.on_commit(dropped)
            assert on_commit_pending(connection, dropped)
            raise RolledBack
        assert [on_commit_pending(connection, f) for f in (kept, released, dropped)] == [
            True,
            True,
            False,
        ]
    assert not on_commit_pending(connection, kept)


def test_language_prefixed_urls_are_those_under_i18n_patterns() -> None:
    assert language_prefixed_urls("tests.testapp.i18n_urls") is True
    assert language_prefixed_urls("tests.urls") is False
    assert language_prefixed_urls("demo_project.urls") is False


def test_django_request_is_the_request_drf_wraps() -> None:
    wrapped = RequestFactory().get("/")
    assert django_request(Request(wrapped)) is wrapped


def test_django_request_of_a_django_request_is_itself() -> None:
    plain = RequestFactory().get("/")
    assert django_request(plain) is plain


def test_drf_words_a_csrf_failure_as_is_csrf_failure_reads_it() -> None:
    # A POST with a session but no CSRF cookie or token, as SessionAuthentication checks it.
    request = Request(RequestFactory().post("/"))
    with pytest.raises(PermissionDenied) as raised:
        SessionAuthentication().enforce_csrf(request)
    assert is_csrf_failure(str(raised.value.detail))
    assert not is_csrf_failure(str(PermissionDenied().detail))


def test_raised_in_finds_the_parser_a_parse_error_escaped() -> None:
    with pytest.raises(ParseError) as raised:
        JSONParser().parse(io.BytesIO(b"{"))
    assert raised_in(raised.value, BaseParser)
    assert not raised_in(raised.value, BaseAuthentication)
    assert not raised_in(ParseError(), BaseParser)


@pytest.mark.django_db
def test_not_found_words_the_404_as_get_object_or_404_does() -> None:
    with pytest.raises(Http404) as raised:
        get_object_or_404(Post, pk=-1)
    assert str(not_found(Post._meta.object_name or "")) == str(raised.value)
    match = NOT_FOUND_MESSAGE.fullmatch(str(raised.value))
    assert match is not None
    assert match.group("name") == "Post"


@pytest.mark.django_db
def test_drf_get_object_raises_get_object_or_404s_message() -> None:
    class Detail(generics.RetrieveAPIView[Post]):
        queryset = Post.objects.all()

    view = Detail()
    view.kwargs = {"pk": -1}
    view.request = Request(RequestFactory().get("/"))
    with pytest.raises(Http404) as raised:
        view.get_object()
    assert str(raised.value) == str(not_found("Post"))


def test_refusing_headers_refuse_what_is_set_through_the_response() -> None:
    response = HttpResponse("", content_type="text/plain")
    response.headers = refusing_headers(dict(response.headers), {"content-type"})
    assert "Content-Type" not in response
    response["Content-Type"] = "text/html"
    response["ETag"] = '"1"'
    assert "Content-Type" not in response
    assert response["ETag"] == '"1"'
    assert b"Content-Type" not in response.serialize_headers()


def test_refusing_headers_are_of_one_class_whatever_they_refuse() -> None:
    # Each 304 refuses headers: a class made for each cost more than the rest of its response.
    first = refusing_headers({}, {"content-type"})
    assert type(refusing_headers({"ETag": '"1"'}, {"content-length"})) is type(first)


class _NoContent(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_watch_connections_sees_every_socket_urllib3_connects() -> None:
    server = HTTPServer(("127.0.0.1", 0), _NoContent)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        manager = PoolManager(retries=False)
        watched: list[socket.socket] = []
        watch_connections(manager, watched.append)
        response = manager.request("GET", f"http://127.0.0.1:{server.server_port}/")
    finally:
        server.shutdown()
        server.server_close()
    assert response.status == 204
    assert len(watched) == 1
    assert isinstance(watched[0], socket.socket)


# drf-spectacular's AutoSchema: what it knows of an operation


def _positioned(view: type, method: str, path: str) -> Any:
    """The view's schema, positioned on one operation as drf-spectacular's parse() does."""
    generator = SchemaGenerator(patterns=[django_path(path.lstrip("/"), view.as_view())])
    generator.get_schema(request=None, public=True)
    for endpoint_path, _regex, endpoint_method, instance in spectacular_endpoints(generator):
        if endpoint_path.startswith(path.split("<")[0]) and endpoint_method == method:
            instance.schema.path, instance.schema.method = endpoint_path, method
            return instance.schema
    raise AssertionError((path, method))


def _labels(base: type, **attributes: Any) -> type:
    from tests.test_schema import make_view

    return make_view(base, **attributes)


def test_spectacular_lists_and_creates_tell_a_list_from_an_object() -> None:
    listing = _positioned(_labels(generics.ListCreateAPIView), "GET", "/labels/")
    assert spectacular_lists(listing) is True
    created = _positioned(_labels(generics.ListCreateAPIView), "POST", "/labels/")
    assert spectacular_creates(created) is True
    one = _positioned(_labels(generics.RetrieveUpdateAPIView), "GET", "/labels/<int:pk>/")
    assert spectacular_lists(one) is False
    updated = _positioned(_labels(generics.RetrieveUpdateAPIView), "PUT", "/labels/<int:pk>/")
    assert spectacular_creates(updated) is False


def test_spectacular_paginator_is_the_views() -> None:
    view = _labels(generics.ListAPIView, pagination_class=PageNumberPagination)
    assert isinstance(
        spectacular_paginator(_positioned(view, "GET", "/labels/")), PageNumberPagination
    )
    unpaginated = _labels(generics.ListAPIView, pagination_class=None)
    assert spectacular_paginator(_positioned(unpaginated, "GET", "/labels/")) is None


def test_spectacular_endpoints_are_the_operations_paths_and_views() -> None:
    view = _labels(generics.RetrieveUpdateAPIView)
    generator = SchemaGenerator(patterns=[django_path("labels/<int:pk>/", view.as_view())])
    document = generator.get_schema(request=None, public=True)
    endpoints = spectacular_endpoints(generator)
    assert {(p, m.lower()) for p, _r, m, _v in endpoints} == {
        (path, method) for path, operations in document["paths"].items() for method in operations
    }
    assert all(isinstance(v, view) and isinstance(v.schema, AutoSchema) for *_, v in endpoints)


def test_spectacular_calls_its_field_validators_hook_with_each_field_and_schema() -> None:
    seen: list[tuple[str, dict[str, Any]]] = []

    class Recording(AutoSchema):
        def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
            super()._insert_field_validators(field, schema)
            seen.append((field.field_name, schema))

    assert hasattr(AutoSchema, SPECTACULAR_FIELD_VALIDATORS)
    view = _labels(generics.RetrieveUpdateAPIView, schema=Recording())
    SchemaGenerator(patterns=[django_path("labels/<int:pk>/", view.as_view())]).get_schema(
        request=None, public=True
    )
    assert ("name", {"type": "string", "maxLength": 50}) in [
        (name, {k: v for k, v in schema.items() if k in ("type", "maxLength")})
        for name, schema in seen
    ]


class _Retrieved(generics.RetrieveAPIView):  # type: ignore[type-arg]
    permission_classes = ()
    authentication_classes = ()

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response("retrieve")


class _Listed(generics.ListAPIView):  # type: ignore[type-arg]
    permission_classes = ()
    authentication_classes = ()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response("list")


class _OwnGet(generics.RetrieveAPIView):  # type: ignore[type-arg]
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response("own")


def test_drfs_generic_get_calls_retrieve_and_list() -> None:
    request = RequestFactory().get("/")
    assert _Retrieved.as_view()(request).data == "retrieve"
    assert _Listed.as_view()(request).data == "list"


def test_drfs_generic_get_calls_tells_which_handler_drfs_get_calls() -> None:
    assert drfs_generic_get_calls(_Retrieved) == "retrieve"
    assert drfs_generic_get_calls(_Listed) == "list"
    assert drfs_generic_get_calls(generics.ListCreateAPIView) == "list"
    assert drfs_generic_get_calls(generics.RetrieveUpdateDestroyAPIView) == "retrieve"
    assert drfs_generic_get_calls(_OwnGet) is None
    assert drfs_generic_get_calls(APIView) is None


class _Swapping(APIView):
    permission_classes = ()
    authentication_classes = ()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        answer_in_handlers_place(self, request.method or "", lambda *a, **k: Response("swapped"))

    def get(self, request: Request) -> Response:
        return Response("handler")


def test_drf_looks_the_handler_up_after_initial() -> None:
    assert _Swapping.as_view()(RequestFactory().get("/")).data == "swapped"


def test_defined_by_drf_tells_drfs_classes_from_a_projects() -> None:
    # The order checks find DRF's hooks by the class that defines them.
    assert "get_exception_handler" in vars(APIView)
    for drfs in (APIView, generics.GenericAPIView, mixins.UpdateModelMixin, viewsets.ModelViewSet):
        assert defined_by_drf(drfs), drfs
    assert defined_by_drf(View, or_djangos_views=True)
    assert not defined_by_drf(View)
    assert not defined_by_drf(_OwnGet, or_djangos_views=True)
