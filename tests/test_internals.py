"""Pins every private behaviour ``django_http_errors.internals`` relies on, against the installed
Django, DRF and drf-spectacular: a release that changes one fails here first."""

from __future__ import annotations

from django.test import RequestFactory
from rest_framework.request import Request

from django_http_errors.internals import django_request


def test_django_request_is_the_request_drf_wraps() -> None:
    wrapped = RequestFactory().get("/")
    assert django_request(Request(wrapped)) is wrapped


def test_django_request_of_a_django_request_is_itself() -> None:
    plain = RequestFactory().get("/")
    assert django_request(plain) is plain
