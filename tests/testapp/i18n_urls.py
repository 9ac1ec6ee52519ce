"""A URLconf with URLs under ``i18n_patterns()``: their paths name the language."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path
from django.utils.translation import get_language
from rest_framework.request import Request
from rest_framework.views import APIView


def language(request: HttpRequest) -> HttpResponse:
    """The language the middleware activated, as the body."""
    return HttpResponse(get_language(), content_type="text/plain")


class Missing(APIView):
    """A DRF view that finds nothing: a 404 problem, whose type is a page under the prefix."""

    authentication_classes = ()
    permission_classes = ()

    def get(self, request: Request) -> HttpResponse:
        raise Http404


urlpatterns = [
    path("plain/", language),
    *i18n_patterns(
        path("page/", language),
        path("missing/", Missing.as_view()),
        path("problems/", include("django_http_errors.urls")),
    ),
]
