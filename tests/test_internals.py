"""Pins every private behaviour ``django_http_errors.internals`` relies on, against the installed
Django, DRF and drf-spectacular: a release that changes one fails here first."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from django_http_errors.internals import (
    answer_in_handlers_place,
    django_request,
    refuse_headers,
    runs_drfs_generic_get,
)


def test_django_request_is_the_request_drf_wraps() -> None:
    wrapped = RequestFactory().get("/")
    assert django_request(Request(wrapped)) is wrapped


def test_django_request_of_a_django_request_is_itself() -> None:
    plain = RequestFactory().get("/")
    assert django_request(plain) is plain


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


def test_runs_drfs_generic_get_tells_drfs_get_from_a_views_own() -> None:
    assert runs_drfs_generic_get(_Retrieved)
    assert runs_drfs_generic_get(_Listed)
    assert runs_drfs_generic_get(generics.RetrieveUpdateDestroyAPIView)
    assert not runs_drfs_generic_get(_OwnGet)
    assert not runs_drfs_generic_get(APIView)


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


def test_refused_headers_stay_out_whoever_sets_them() -> None:
    response = HttpResponse(headers={"Content-Language": "de", "ETag": '"1"'})
    refuse_headers(response, frozenset({"content-language", "content-length"}))
    response["Content-Length"] = "0"
    response.headers["content-language"] = "fr"
    response.setdefault("Content-Length", "0")
    assert "Content-Language" not in response
    assert "Content-Length" not in response
    assert response["ETag"] == '"1"'
