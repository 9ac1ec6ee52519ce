"""Pins every private behaviour ``django_http_errors.internals`` relies on, against the installed
Django, DRF and drf-spectacular: a release that changes one fails here first."""

from __future__ import annotations

import io
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.test import RequestFactory
from rest_framework import generics
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.exceptions import ParseError, PermissionDenied
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.request import Request
from urllib3 import PoolManager

from django_http_errors.internals import (
    NOT_FOUND_MESSAGE,
    django_request,
    is_csrf_failure,
    not_found,
    raised_in,
    refusing_headers,
    watch_connections,
)
from tests.testapp.models import Post


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


class _NoContent(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_watch_connections_sees_every_socket_urllib3_connects() -> None:
    server = HTTPServer(("127.0.0.1", 0), _NoContent)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
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
