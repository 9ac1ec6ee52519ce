"""A URLconf with URLs under ``i18n_patterns()``: their paths name the language."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import get_language


def language(request: HttpRequest) -> HttpResponse:
    """The language the middleware activated, as the body."""
    return HttpResponse(get_language(), content_type="text/plain")


urlpatterns = [
    path("plain/", language),
    *i18n_patterns(path("page/", language)),
]
