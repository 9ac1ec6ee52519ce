"""Pins every private behaviour ``django_http_errors.internals`` relies on, against the installed
Django, DRF and drf-spectacular: a release that changes one fails here first."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory
from django.urls import path as django_path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from rest_framework import generics
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from django_http_errors.internals import (
    SPECTACULAR_FIELD_VALIDATORS,
    django_request,
    spectacular_creates,
    spectacular_endpoints,
    spectacular_lists,
    spectacular_paginator,
)


def test_django_request_is_the_request_drf_wraps() -> None:
    wrapped = RequestFactory().get("/")
    assert django_request(Request(wrapped)) is wrapped


def test_django_request_of_a_django_request_is_itself() -> None:
    plain = RequestFactory().get("/")
    assert django_request(plain) is plain


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
